using FastBert.ModelFolders;

namespace FastBert.Models.Metrics;

/// <summary>
/// Per-label decision thresholds of a multi-label model, each chosen to maximise that label's F1 on labelled data
/// (<c>thresholds: tune</c>).
/// </summary>
/// <remarks>
/// For one label, every threshold between two neighbouring distinct probabilities makes the same decisions, so the
/// candidates are the cuts between them. The chosen threshold is the midpoint of its gap (the lowest probability
/// predicted positive and the highest one below it, or half the lowest when every example is positive), which keeps
/// decisions away from the boundary so that int8 rounding moves few of them. Ties go to the higher threshold (fewer
/// positives). A label that never occurs in the data has no F1 to maximise and keeps
/// <see cref="ClassificationProblems.DefaultThreshold"/>.
/// </remarks>
public static class ThresholdTuner
{
    /// <exception cref="ArgumentException">Mismatched lengths, no examples, or a label index out of range.</exception>
    public static float[] Tune(IReadOnlyList<IReadOnlyList<int>> trueSets, IReadOnlyList<float[]> probabilities, int labelCount)
    {
        ArgumentNullException.ThrowIfNull(trueSets);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (trueSets.Count == 0 || trueSets.Count != probabilities.Count)
        {
            throw new ArgumentException($"{trueSets.Count} label sets and {probabilities.Count} probability vectors: need the same number, at least one.");
        }

        var thresholds = new float[labelCount];
        for (var c = 0; c < labelCount; c++)
        {
            var label = c;
            var scored = new (float Probability, bool Positive)[trueSets.Count];
            for (var i = 0; i < scored.Length; i++)
            {
                if (probabilities[i].Length != labelCount || trueSets[i].Any(l => (uint)l >= (uint)labelCount))
                {
                    throw new ArgumentException($"Example {i} has {probabilities[i].Length} probabilities or a label index outside 0..{labelCount - 1} for {labelCount} labels.");
                }

                scored[i] = (probabilities[i][label], trueSets[i].Contains(label));
            }

            thresholds[c] = Best(scored);
        }

        return thresholds;
    }

    private static float Best((float Probability, bool Positive)[] scored)
    {
        var positives = scored.Count(s => s.Positive);
        if (positives == 0)
        {
            return ClassificationProblems.DefaultThreshold;
        }

        Array.Sort(scored, (a, b) => b.Probability.CompareTo(a.Probability));
        int tp = 0, fp = 0;
        var bestF1 = -1.0;
        var best = ClassificationProblems.DefaultThreshold;
        for (var i = 0; i < scored.Length; i++)
        {
            tp += scored[i].Positive ? 1 : 0;
            fp += scored[i].Positive ? 0 : 1;
            var next = i + 1 < scored.Length ? scored[i + 1].Probability : 0f;
            if (next == scored[i].Probability)
            {
                continue; // the same probability decides alike: only cut between distinct values
            }

            var f1 = 2.0 * tp / (tp + fp + positives);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                var midpoint = (scored[i].Probability + next) / 2;
                best = midpoint > next ? midpoint : scored[i].Probability; // neighbours one float apart have no midpoint
            }
        }

        return best;
    }
}
