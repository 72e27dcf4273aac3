using FastBert.Models.Data;
using FastBert.Models.Reports;

namespace FastBert.Models.Metrics;

/// <summary>Compares a model variant (int8, another export…) with a baseline on the same labelled examples.</summary>
public static class ComparisonCalculator
{
    /// <summary>
    /// Deltas are variant − baseline (accuracy, macro F1, weighted F1, as defined by <see cref="MetricsCalculator"/>);
    /// <see cref="VariantComparison.ArgmaxAgreement"/> is the share of examples whose predicted label (argmax, ties to
    /// the lowest index) is the same for both. <see cref="VariantComparison.Flipped"/> lists, in data order, the first
    /// <paramref name="maxFlipped"/> examples whose predicted label differs; <see cref="FlippedExample.Index"/> is the
    /// example's 0-based position in <paramref name="examples"/>, and the labels are names.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a label index is out of range.</exception>
    public static VariantComparison Compare(
        string baselineName,
        string variantName,
        IReadOnlyList<LabelledExample> examples,
        IReadOnlyList<float[]> baselineProbabilities,
        IReadOnlyList<float[]> variantProbabilities,
        IReadOnlyList<string> labels,
        int maxFlipped = 50)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFlipped);
        var truth = examples.Select(e => e.Label).ToArray();
        var baseline = MetricsCalculator.Compute(truth, baselineProbabilities, labels);
        var variant = MetricsCalculator.Compute(truth, variantProbabilities, labels);

        var agree = 0;
        var flipped = new List<FlippedExample>();
        for (var i = 0; i < examples.Count; i++)
        {
            var b = MetricsCalculator.ArgMax(baselineProbabilities[i]);
            var v = MetricsCalculator.ArgMax(variantProbabilities[i]);
            if (b == v)
            {
                agree++;
            }
            else if (flipped.Count < maxFlipped)
            {
                flipped.Add(new FlippedExample(i, examples[i].Text, labels[examples[i].Label], labels[b], labels[v]) { TextPair = examples[i].TextPair });
            }
        }

        return new VariantComparison(
            baselineName,
            variantName,
            variant.Accuracy - baseline.Accuracy,
            variant.Macro.F1 - baseline.Macro.F1,
            variant.Weighted.F1 - baseline.Weighted.F1,
            (double)agree / examples.Count,
            flipped);
    }
}
