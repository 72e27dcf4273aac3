using System.Text.Json;
using FastBert.Models.Metrics;
using FastBert.Tests;

namespace FastBert.Models.Tests.Metrics;

/// <summary>Multi-label metrics: a case worked by hand, and scikit-learn's figures on fixed random data (golden file).</summary>
public sealed class MultiLabelMetricsTests
{
    private static readonly string[] ThreeLabels = ["a", "b", "c"];

    // truth {a,b} {c} {} {a}; predicted at 0.5: {a} {b,c} {} {a,c}.
    private static readonly IReadOnlyList<IReadOnlyList<int>> HandTruth = [[0, 1], [2], [], [0]];

    private static readonly float[][] HandProbabilities = [[0.9f, 0.2f, 0.1f], [0.3f, 0.6f, 0.7f], [0.1f, 0.4f, 0.2f], [0.8f, 0.1f, 0.55f]];

    [Fact]
    public void HandWorkedCase_EveryAverageAndPerLabelScore()
    {
        var m = MultiLabelMetricsCalculator.Compute(HandTruth, HandProbabilities, [0.5f, 0.5f, 0.5f], ThreeLabels);

        // Per label: a TP2 FP0 FN0; b TP0 FP1 FN1; c TP1 FP1 FN0.
        Assert.Equal([1.0, 0.0, 0.5], m.PerLabel.Select(l => l.Precision));
        Assert.Equal([1.0, 0.0, 1.0], m.PerLabel.Select(l => l.Recall));
        Assert.Equal(2.0 / 3, m.PerLabel[2].F1, 12);
        Assert.Equal([2, 1, 1], m.PerLabel.Select(l => l.Support));
        Assert.Equal([2, 1, 2], m.PerLabel.Select(l => l.Predicted));

        // Micro: TP 3, FP 2, FN 1.
        Assert.Equal(3.0 / 5, m.Micro.Precision, 12);
        Assert.Equal(3.0 / 4, m.Micro.Recall, 12);
        Assert.Equal(2.0 / 3, m.Micro.F1, 12);
        Assert.Equal(5.0 / 9, m.Macro.F1, 12);
        Assert.Equal(0.5, m.Macro.Precision, 12);
        Assert.Equal(2.0 / 3, m.Weighted.F1, 12);

        // Samples: (2/3, 2/3, 0 for the empty/empty row, 2/3) / 4.
        Assert.Equal(0.5, m.Samples.F1, 12);
        Assert.Equal(0.5, m.Samples.Precision, 12);
        Assert.Equal(0.625, m.Samples.Recall, 12);

        Assert.Equal(0.25, m.SubsetAccuracy, 12);
        Assert.Equal(3.0 / 12, m.HammingLoss, 12);
        Assert.Equal(1.0, m.LabelCardinality, 12);
        Assert.Equal(1.25, m.PredictedCardinality, 12);

        // AUROC: a's positives 0.9, 0.8 beat every negative; b's one positive (0.2) beats one of three negatives.
        Assert.Equal(1.0, m.PerLabel[0].Auroc);
        Assert.Equal(1.0 / 3, m.PerLabel[1].Auroc!.Value, 12);
        Assert.Equal(1.0, m.PerLabel[2].Auroc);
    }

    [Fact]
    public void ThresholdsDecideEachLabel_AtOrAbove()
    {
        // Raising c's threshold to 0.7 drops e3's c (0.55) but keeps e1's (0.7, at the threshold): c becomes TP1 FP0.
        var m = MultiLabelMetricsCalculator.Compute(HandTruth, HandProbabilities, [0.5f, 0.5f, 0.7f], ThreeLabels);

        Assert.Equal(1.0, m.PerLabel[2].Precision, 12);
        Assert.Equal(0.5, m.SubsetAccuracy, 12);
        Assert.Equal(2.0 / 12, m.HammingLoss, 12);
    }

    [Fact]
    public void ComparingDecisions_CountsEveryChangedExampleLabelPair()
    {
        var baseline = MultiLabelMetricsCalculator.Compute(HandTruth, HandProbabilities, [0.5f, 0.5f, 0.5f], ThreeLabels);
        var variant = MultiLabelMetricsCalculator.Compute(HandTruth, HandProbabilities, [0.5f, 0.5f, 0.7f], ThreeLabels);
        var before = HandProbabilities.Select(p => MultiLabelMetricsCalculator.Decide(p, [0.5f, 0.5f, 0.5f])).ToArray();
        var after = HandProbabilities.Select(p => MultiLabelMetricsCalculator.Decide(p, [0.5f, 0.5f, 0.7f])).ToArray();

        var comparison = MultiLabelComparisonCalculator.Compare("fp32", "int8", baseline, variant, before, after);

        Assert.Equal(1, comparison.ChangedDecisions);
        Assert.Equal(11.0 / 12, comparison.DecisionAgreement, 12);
        Assert.Equal(variant.Micro.F1 - baseline.Micro.F1, comparison.MicroF1Delta, 12);
    }

    [Fact]
    public void ScikitLearnFigures_OnFixedRandomData()
    {
        var path = Path.Combine(TestPaths.RepositoryRoot, "tests", "FastBert.Models.Tests", "Metrics", "fixtures", "multilabel_sklearn.json");
        using var golden = JsonDocument.Parse(File.ReadAllText(path));
        var root = golden.RootElement;
        var truth = root.GetProperty("true_sets").EnumerateArray().Select(s => (IReadOnlyList<int>)s.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        var probabilities = root.GetProperty("probabilities").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetSingle()).ToArray()).ToArray();
        var thresholds = root.GetProperty("thresholds").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var labels = root.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var expected = root.GetProperty("sklearn");

        var m = MultiLabelMetricsCalculator.Compute(truth, probabilities, thresholds, labels);

        Assert.Equal(expected.GetProperty("f1_micro").GetDouble(), m.Micro.F1, 10);
        Assert.Equal(expected.GetProperty("precision_micro").GetDouble(), m.Micro.Precision, 10);
        Assert.Equal(expected.GetProperty("recall_micro").GetDouble(), m.Micro.Recall, 10);
        Assert.Equal(expected.GetProperty("f1_macro").GetDouble(), m.Macro.F1, 10);
        Assert.Equal(expected.GetProperty("f1_weighted").GetDouble(), m.Weighted.F1, 10);
        Assert.Equal(expected.GetProperty("f1_samples").GetDouble(), m.Samples.F1, 10);
        Assert.Equal(expected.GetProperty("precision_samples").GetDouble(), m.Samples.Precision, 10);
        Assert.Equal(expected.GetProperty("recall_samples").GetDouble(), m.Samples.Recall, 10);
        Assert.Equal(expected.GetProperty("subset_accuracy").GetDouble(), m.SubsetAccuracy, 10);
        Assert.Equal(expected.GetProperty("hamming_loss").GetDouble(), m.HammingLoss, 10);
        var perLabel = expected.GetProperty("per_label");
        for (var c = 0; c < labels.Length; c++)
        {
            var row = perLabel[c];
            Assert.Equal(row.GetProperty("precision").GetDouble(), m.PerLabel[c].Precision, 10);
            Assert.Equal(row.GetProperty("recall").GetDouble(), m.PerLabel[c].Recall, 10);
            Assert.Equal(row.GetProperty("f1").GetDouble(), m.PerLabel[c].F1, 10);
            Assert.Equal(row.GetProperty("support").GetInt32(), m.PerLabel[c].Support);
            if (row.GetProperty("auroc").ValueKind == JsonValueKind.Null)
            {
                Assert.Null(m.PerLabel[c].Auroc);
            }
            else
            {
                Assert.Equal(row.GetProperty("auroc").GetDouble(), m.PerLabel[c].Auroc!.Value, 10);
            }
        }
    }
}
