using FastBert.Models.Metrics;

namespace FastBert.Models.Tests.Metrics;

/// <summary>
/// Metrics on hand-made fixtures. Every expected value below was worked out by hand (shown in the comments), not by
/// running the code under test.
/// </summary>
public sealed class MetricsCalculatorTests
{
    private const double Tolerance = 1e-9;

    // Probabilities are floats: values such as 0.7f differ from 0.7 by ~1e-8, hence a looser tolerance where they
    // enter the result directly (log loss).
    private const double FloatTolerance = 1e-6;

    private static readonly string[] Abc = ["A", "B", "C"];
    private static readonly string[] Binary = ["neg", "pos"];

    /// <summary>
    /// Three classes, 8 examples, supports A 4, B 2, C 2.
    /// <code>
    /// #  true pred  probabilities (A, B, C)
    /// 0  A    A     0.7  0.2  0.1
    /// 1  A    A     0.6  0.3  0.1
    /// 2  A    A     0.5  0.25 0.25
    /// 3  A    B     0.3  0.6  0.1
    /// 4  B    B     0.2  0.7  0.1
    /// 5  B    B     0.1  0.8  0.1
    /// 6  C    C     0.1  0.1  0.8
    /// 7  C    A     0.5  0.1  0.4
    /// </code>
    /// </summary>
    private static readonly int[] ThreeClassTruth = [0, 0, 0, 0, 1, 1, 2, 2];

    private static readonly float[][] ThreeClassProbabilities =
    [
        [0.7f, 0.2f, 0.1f],
        [0.6f, 0.3f, 0.1f],
        [0.5f, 0.25f, 0.25f],
        [0.3f, 0.6f, 0.1f],
        [0.2f, 0.7f, 0.1f],
        [0.1f, 0.8f, 0.1f],
        [0.1f, 0.1f, 0.8f],
        [0.5f, 0.1f, 0.4f],
    ];

    [Fact]
    public void ThreeClassFixture_ConfusionMatrixIsTrueByPredicted()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        // Rows: true A → A A A B; true B → B B; true C → C A.
        Assert.Equal(new[] { 3, 1, 0 }, metrics.ConfusionMatrix[0]);
        Assert.Equal(new[] { 0, 2, 0 }, metrics.ConfusionMatrix[1]);
        Assert.Equal(new[] { 1, 0, 1 }, metrics.ConfusionMatrix[2]);
        Assert.Equal(Abc, metrics.Labels);
    }

    [Fact]
    public void ThreeClassFixture_PerClassScoresMatchHandComputation()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        // Predicted counts (column sums): A 4, B 3, C 1. TP: A 3, B 2, C 1.
        // A: P = 3/4, R = 3/4, F1 = 3/4.
        // B: P = 2/3, R = 2/2 = 1, F1 = 2·(2/3)·1 / (2/3 + 1) = (4/3)/(5/3) = 4/5.
        // C: P = 1/1 = 1, R = 1/2, F1 = 2·1·(1/2) / (3/2) = 2/3.
        AssertScores(metrics.PerClass[0], "A", 0.75, 0.75, 0.75, support: 4);
        AssertScores(metrics.PerClass[1], "B", 2.0 / 3, 1.0, 0.8, support: 2);
        AssertScores(metrics.PerClass[2], "C", 1.0, 0.5, 2.0 / 3, support: 2);
    }

    [Fact]
    public void ThreeClassFixture_AccuracyMacroAndWeightedMatchScikitLearnValuesDerivedByHand()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        // accuracy = (3 + 2 + 1) / 8 = 0.75
        Assert.Equal(0.75, metrics.Accuracy, Tolerance);

        // macro P = (3/4 + 2/3 + 1)/3 = (29/12)/3 = 29/36 ≈ 0.805556
        // macro R = (3/4 + 1 + 1/2)/3 = 0.75
        // macro F1 = (3/4 + 4/5 + 2/3)/3 = (133/60)/3 = 133/180 ≈ 0.738889
        Assert.Equal(29.0 / 36, metrics.Macro.Precision, Tolerance);
        Assert.Equal(0.75, metrics.Macro.Recall, Tolerance);
        Assert.Equal(133.0 / 180, metrics.Macro.F1, Tolerance);

        // weighted (supports 4, 2, 2 of 8):
        // P = (4·3/4 + 2·2/3 + 2·1)/8 = (19/3)/8 = 19/24 ≈ 0.791667
        // R = (4·3/4 + 2·1 + 2·1/2)/8 = 6/8 = 0.75 (= accuracy, always)
        // F1 = (4·3/4 + 2·4/5 + 2·2/3)/8 = (89/15)/8 = 89/120 ≈ 0.741667
        Assert.Equal(19.0 / 24, metrics.Weighted.Precision, Tolerance);
        Assert.Equal(0.75, metrics.Weighted.Recall, Tolerance);
        Assert.Equal(89.0 / 120, metrics.Weighted.F1, Tolerance);

        // What sklearn.metrics.classification_report(y_true, y_pred, digits=4) prints for this fixture
        // (derived by hand from the same definitions, rounded):
        //               precision    recall  f1-score   support
        //            A     0.7500    0.7500    0.7500         4
        //            B     0.6667    1.0000    0.8000         2
        //            C     1.0000    0.5000    0.6667         2
        //     accuracy                         0.7500         8
        //    macro avg     0.8056    0.7500    0.7389         8
        // weighted avg     0.7917    0.7500    0.7417         8
        Assert.Equal(0.8056, Math.Round(metrics.Macro.Precision, 4));
        Assert.Equal(0.7389, Math.Round(metrics.Macro.F1, 4));
        Assert.Equal(0.7917, Math.Round(metrics.Weighted.Precision, 4));
        Assert.Equal(0.7417, Math.Round(metrics.Weighted.F1, 4));
    }

    [Fact]
    public void ThreeClassFixture_AurocIsMacroOneVsRest()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        // A vs rest: positives pA = 0.7, 0.6, 0.5, 0.3; negatives 0.2, 0.1, 0.1, 0.5.
        //   pairs won: 0.7 → 4, 0.6 → 4, 0.5 → 3 + ½ (tie with 0.5), 0.3 → 3; 14.5 of 16 = 0.90625.
        // B vs rest: positives 0.7, 0.8 above every negative (max 0.6) → 1.
        // C vs rest: positives 0.8, 0.4 above every negative (max 0.25) → 1.
        // macro = (0.90625 + 1 + 1)/3 = 0.96875
        Assert.Equal(0.96875, metrics.Auroc!.Value, Tolerance);
    }

    [Fact]
    public void ThreeClassFixture_LogLossIsMeanNegativeLogOfTheTrueClass()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        // p(true) = 0.7, 0.6, 0.5, 0.3, 0.7, 0.8, 0.8, 0.4
        // −ln: 0.3566749, 0.5108256, 0.6931472, 1.2039728, 0.3566749, 0.2231436, 0.2231436, 0.9162907
        // sum = 4.4838733, mean = 0.5604842
        Assert.Equal(0.5604842, metrics.LogLoss, FloatTolerance);
    }

    [Fact]
    public void ClassNeverPredicted_HasPrecisionZeroAndF1Zero()
    {
        // true A B C C, predicted A B A B: C is never predicted.
        int[] truth = [0, 1, 2, 2];
        float[][] probabilities =
        [
            [0.8f, 0.1f, 0.1f],
            [0.1f, 0.8f, 0.1f],
            [0.5f, 0.2f, 0.3f],
            [0.2f, 0.5f, 0.3f],
        ];

        var metrics = MetricsCalculator.Compute(truth, probabilities, Abc);

        // C: TP 0, predicted 0 → P = 0 (zero_division = 0); R = 0/2 = 0; F1 = 0 (P + R = 0).
        AssertScores(metrics.PerClass[2], "C", 0, 0, 0, support: 2);
        // A: predicted twice (ex 0, 2), right once → P = 1/2; R = 1/1 = 1; F1 = 2·½·1/(3/2) = 2/3. B alike.
        AssertScores(metrics.PerClass[0], "A", 0.5, 1, 2.0 / 3, support: 1);
        AssertScores(metrics.PerClass[1], "B", 0.5, 1, 2.0 / 3, support: 1);
        // macro F1 = (2/3 + 2/3 + 0)/3 = 4/9
        Assert.Equal(4.0 / 9, metrics.Macro.F1, Tolerance);
    }

    [Fact]
    public void SingleClassBinarySet_AurocIsNullAndMacroAveragesOverAllModelLabels()
    {
        // Three "neg" examples only; predicted neg, neg, pos.
        int[] truth = [0, 0, 0];
        float[][] probabilities = [[0.9f, 0.1f], [0.6f, 0.4f], [0.3f, 0.7f]];

        var metrics = MetricsCalculator.Compute(truth, probabilities, Binary);

        Assert.Null(metrics.Auroc);
        // neg: TP 2, FP 0, FN 1 → P = 1, R = 2/3, F1 = 2·(2/3)/(5/3) = 0.8.
        // pos: support 0 → R = 0; predicted once wrongly → P = 0; F1 = 0.
        AssertScores(metrics.PerClass[0], "neg", 1, 2.0 / 3, 0.8, support: 3);
        AssertScores(metrics.PerClass[1], "pos", 0, 0, 0, support: 0);
        // macro over both labels: P = ½, R = 1/3, F1 = 0.4 (not 0.8: the empty label counts).
        Assert.Equal(0.5, metrics.Macro.Precision, Tolerance);
        Assert.Equal(1.0 / 3, metrics.Macro.Recall, Tolerance);
        Assert.Equal(0.4, metrics.Macro.F1, Tolerance);
        // weighted: only "neg" has support → its scores.
        Assert.Equal(0.8, metrics.Weighted.F1, Tolerance);
        Assert.Equal(2.0 / 3, metrics.Accuracy, Tolerance);
    }

    [Fact]
    public void SingleClassMultiClassSet_AurocIsNull()
    {
        // Only A occurs: A vs rest has no negatives, B and C vs rest have no positives.
        int[] truth = [0, 0];
        float[][] probabilities = [[0.5f, 0.3f, 0.2f], [0.2f, 0.3f, 0.5f]];

        Assert.Null(MetricsCalculator.Compute(truth, probabilities, Abc).Auroc);
    }

    [Fact]
    public void MultiClassAuroc_SkipsClassesWithoutPositives()
    {
        // C never occurs; A vs rest and B vs rest are both perfectly ranked → macro over A and B only = 1.
        int[] truth = [0, 1];
        float[][] probabilities = [[0.6f, 0.3f, 0.1f], [0.2f, 0.5f, 0.3f]];

        Assert.Equal(1.0, MetricsCalculator.Compute(truth, probabilities, Abc).Auroc!.Value, Tolerance);
    }

    [Fact]
    public void BinaryAuroc_PerfectRankingIsOne()
    {
        int[] truth = [0, 0, 1, 1];
        float[][] probabilities = [[0.9f, 0.1f], [0.8f, 0.2f], [0.2f, 0.8f], [0.1f, 0.9f]];

        Assert.Equal(1.0, MetricsCalculator.Compute(truth, probabilities, Binary).Auroc!.Value, Tolerance);
    }

    [Fact]
    public void BinaryAuroc_InvertedRankingIsZero()
    {
        int[] truth = [1, 1, 0, 0];
        float[][] probabilities = [[0.9f, 0.1f], [0.8f, 0.2f], [0.2f, 0.8f], [0.1f, 0.9f]];

        Assert.Equal(0.0, MetricsCalculator.Compute(truth, probabilities, Binary).Auroc!.Value, Tolerance);
    }

    [Fact]
    public void BinaryAuroc_TiedScoresCountHalf()
    {
        // p(pos): 0.2 0.4 0.4 0.8 0.2 for truth 0 1 0 1 1.
        // Average ranks: 0.2 ×2 → 1.5; 0.4 ×2 → 3.5; 0.8 → 5.
        // Positive ranks: 3.5 + 5 + 1.5 = 10; U = 10 − 3·4/2 = 4; AUC = 4/(3·2) = 2/3.
        // Pairwise check: 0.4 vs {0.2, 0.4} = 1.5; 0.8 → 2; 0.2 vs {0.2, 0.4} = 0.5; total 4 of 6.
        int[] truth = [0, 1, 0, 1, 1];
        float[][] probabilities = [[0.8f, 0.2f], [0.6f, 0.4f], [0.6f, 0.4f], [0.2f, 0.8f], [0.8f, 0.2f]];

        Assert.Equal(2.0 / 3, MetricsCalculator.Compute(truth, probabilities, Binary).Auroc!.Value, Tolerance);
    }

    [Fact]
    public void BinaryAuroc_AllScoresTiedIsOneHalf()
    {
        int[] truth = [0, 1, 0, 1];
        float[][] probabilities = [[0.5f, 0.5f], [0.5f, 0.5f], [0.5f, 0.5f], [0.5f, 0.5f]];

        var metrics = MetricsCalculator.Compute(truth, probabilities, Binary);

        // All ranks 2.5; positive rank sum 5; U = 5 − 3 = 2; AUC = 2/4.
        Assert.Equal(0.5, metrics.Auroc!.Value, Tolerance);
        // argmax ties go to the lowest index: everything predicted "neg" → accuracy 2/4.
        Assert.Equal(0.5, metrics.Accuracy, Tolerance);
        Assert.Equal(new[] { 2, 0 }, metrics.ConfusionMatrix[0]);
        Assert.Equal(new[] { 2, 0 }, metrics.ConfusionMatrix[1]);
    }

    [Fact]
    public void LogLoss_ZeroProbabilityForTheTrueClassIsClampedAt1e15()
    {
        int[] truth = [0, 1];
        float[][] probabilities = [[1f, 0f], [1f, 0f]];

        var metrics = MetricsCalculator.Compute(truth, probabilities, Binary);

        // (−ln 1 − ln 1e−15)/2 = (0 + 15·ln 10)/2 = 15·2.302585093/2 = 17.26938820
        Assert.Equal(17.2693882, metrics.LogLoss, 1e-6);
        Assert.True(double.IsFinite(metrics.LogLoss));
    }

    [Fact]
    public void ImbalancedFixture_WeightedAndMacroDiffer()
    {
        // 8 × A, 2 × B, everything predicted A.
        int[] truth = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        var probabilities = Enumerable.Repeat(new[] { 0.7f, 0.3f }, 10).ToArray();

        var metrics = MetricsCalculator.Compute(truth, probabilities, ["A", "B"]);

        // A: P = 8/10, R = 1, F1 = 2·0.8/1.8 = 8/9. B: never predicted → 0, 0, 0.
        // macro: P = 0.4, R = 0.5, F1 = 4/9 ≈ 0.4444
        // weighted (8 and 2 of 10): P = 0.8·0.8 = 0.64, R = 0.8, F1 = 0.8·8/9 = 32/45 ≈ 0.7111
        Assert.Equal(0.8, metrics.Accuracy, Tolerance);
        Assert.Equal(0.4, metrics.Macro.Precision, Tolerance);
        Assert.Equal(0.5, metrics.Macro.Recall, Tolerance);
        Assert.Equal(4.0 / 9, metrics.Macro.F1, Tolerance);
        Assert.Equal(0.64, metrics.Weighted.Precision, Tolerance);
        Assert.Equal(0.8, metrics.Weighted.Recall, Tolerance);
        Assert.Equal(32.0 / 45, metrics.Weighted.F1, Tolerance);
        // AUROC: every score tied at 0.3 → 0.5.
        Assert.Equal(0.5, metrics.Auroc!.Value, Tolerance);
    }

    [Fact]
    public void PerClassAccuracy_IsTheClassRecall()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        Assert.All(metrics.PerClass, c => Assert.Equal(c.Recall, c.Accuracy));
    }

    [Fact]
    public void MismatchedInputs_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute([0], [], Binary));
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute([], [], Binary));
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute([2], [[0.5f, 0.5f]], Binary));
        Assert.Throws<ArgumentException>(() => MetricsCalculator.Compute([0], [[0.2f, 0.3f, 0.5f]], Binary));
    }

    [Fact]
    public void Metrics_SerializeIntoTheReportContract()
    {
        var metrics = MetricsCalculator.Compute(ThreeClassTruth, ThreeClassProbabilities, Abc);

        var json = System.Text.Json.JsonSerializer.Serialize(metrics, FastBert.Models.Reports.Report.JsonOptions);

        Assert.Contains("\"confusionMatrix\"", json);
        Assert.Contains("\"auroc\"", json);
    }

    private static void AssertScores(
        FastBert.Models.Reports.ClassScores scores, string label, double precision, double recall, double f1, int support)
    {
        Assert.Equal(label, scores.Label);
        Assert.Equal(precision, scores.Precision, Tolerance);
        Assert.Equal(recall, scores.Recall, Tolerance);
        Assert.Equal(f1, scores.F1, Tolerance);
        Assert.Equal(support, scores.Support);
        Assert.Equal(recall, scores.Accuracy, Tolerance);
    }
}
