namespace FastBert;

/// <summary>
/// Argument checks of the pair classifiers, naming the generated class's own parameters (premise, hypotheses…) in their
/// exceptions rather than the base's.
/// </summary>
internal static class PairArguments
{
    public static void Check(string first, string second, string firstName, string secondName)
    {
        ArgumentNullException.ThrowIfNull(first, firstName);
        ArgumentNullException.ThrowIfNull(second, secondName);
    }

    public static void Check(IReadOnlyList<string> firsts, IReadOnlyList<string> seconds, string firstsName, string secondsName)
    {
        ArgumentNullException.ThrowIfNull(firsts, firstsName);
        ArgumentNullException.ThrowIfNull(seconds, secondsName);
        if (firsts.Count != seconds.Count)
        {
            throw new ArgumentException($"{secondsName} has {seconds.Count} entries for {firsts.Count} {firstsName}; give one per pair.", secondsName);
        }

        for (var i = 0; i < firsts.Count; i++)
        {
            _ = firsts[i] ?? throw new ArgumentException($"{firstsName}[{i}] is null.", firstsName);
            _ = seconds[i] ?? throw new ArgumentException($"{secondsName}[{i}] is null.", secondsName);
        }
    }
}
