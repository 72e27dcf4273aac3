namespace FastBert;

/// <summary>
/// Untyped outcome of one text: probabilities in output order (softmax for a single-label model, a sigmoid per label
/// for a multi-label one) and the argmax.
/// </summary>
public sealed record ClassificationResult(int Index, float[] Probabilities, float[] Logits, int TokenCount, bool Truncated)
{
    public float Confidence => Probabilities[Index];

    /// <summary>A multi-label model's chosen labels: the output indices whose probability is at or above their threshold, in output order.</summary>
    public int[] ChosenIndices(IReadOnlyList<float> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        if (thresholds.Count != Probabilities.Length)
        {
            throw new ArgumentException($"{thresholds.Count} thresholds for {Probabilities.Length} labels.", nameof(thresholds));
        }

        var chosen = new List<int>();
        for (var i = 0; i < Probabilities.Length; i++)
        {
            if (Probabilities[i] >= thresholds[i])
            {
                chosen.Add(i);
            }
        }

        return chosen.ToArray();
    }
}
