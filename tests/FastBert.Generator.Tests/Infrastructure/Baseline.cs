using System.Runtime.CompilerServices;

namespace FastBert.Generator.Tests.Infrastructure;

/// <summary>
/// Expected generated files under Baselines/. "{GeneratorVersion}" in a baseline stands for the generator's assembly
/// version. Set FASTBERT_UPDATE_BASELINES=1 to rewrite the baselines in the source tree from the actual output.
/// </summary>
internal static class Baseline
{
    public const string VersionToken = "{GeneratorVersion}";

    public static string GeneratorVersion { get; } =
        typeof(ClassifierGenerator).Assembly.GetName().Version!.ToString();

    public static void AssertMatches(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("FASTBERT_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), name), actual.Replace(GeneratorVersion, VersionToken, StringComparison.Ordinal));
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Baselines", name);
        Assert.True(File.Exists(path), $"Baseline '{name}' is missing; run with FASTBERT_UPDATE_BASELINES=1 to create it.");

        // Line ends of the checked-out file are a git setting, not part of the baseline.
        var expected = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal)
            .Replace(VersionToken, GeneratorVersion, StringComparison.Ordinal);
        Assert.Equal(expected, actual);
    }

    private static string SourceDirectory([CallerFilePath] string file = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(file))!, "Baselines");
}
