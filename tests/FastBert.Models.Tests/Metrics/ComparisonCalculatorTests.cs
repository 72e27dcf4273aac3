using FastBert.Models.Data;
using FastBert.Models.Metrics;
using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Metrics;

public sealed class ComparisonCalculatorTests
{
    private static readonly string[] Spam = ["ham", "spam"];

    // truth: ham ham spam spam
    private static readonly LabelledExample[] Examples =
    [
        new(2, "hi there", 0),
        new(3, "see you", 0),
        new(4, "win cash", 1),
        new(5, "free prize", 1),
    ];

    // baseline predicts ham ham spam ham  → 3/4 right
    private static readonly float[][] Baseline = [[0.9f, 0.1f], [0.8f, 0.2f], [0.3f, 0.7f], [0.6f, 0.4f]];

    // variant predicts  ham spam spam spam → 3/4 right, but flips examples 1 and 3
    private static readonly float[][] Variant = [[0.9f, 0.1f], [0.4f, 0.6f], [0.2f, 0.8f], [0.45f, 0.55f]];

    [Fact]
    public void Compare_DeltasAreVariantMinusBaseline()
    {
        var comparison = ComparisonCalculator.Compare("fp32", "int8", Examples, Baseline, Variant, Spam);

        // Baseline: ham P = 2/3, R = 1, F1 = 0.8; spam P = 1, R = 1/2, F1 = 2/3.
        //   macro F1 = (0.8 + 2/3)/2 = 11/15; weighted (2 and 2) = 11/15 too; accuracy 3/4.
        // Variant: ham P = 1, R = 1/2, F1 = 2/3; spam P = 2/3, R = 1, F1 = 0.8 → the same averages.
        Assert.Equal("fp32", comparison.Baseline);
        Assert.Equal("int8", comparison.Variant);
        Assert.Equal(0, comparison.AccuracyDelta, 1e-12);
        Assert.Equal(0, comparison.MacroF1Delta, 1e-12);
        Assert.Equal(0, comparison.WeightedF1Delta, 1e-12);
    }

    [Fact]
    public void Compare_ArgmaxAgreementAndFlippedExamples()
    {
        var comparison = ComparisonCalculator.Compare("fp32", "int8", Examples, Baseline, Variant, Spam);

        // Argmax agrees on examples 0 and 2 → 2/4.
        Assert.Equal(0.5, comparison.ArgmaxAgreement, 1e-12);
        // Flipped: example 1 (ham; baseline ham → variant spam) and example 3 (spam; baseline ham → variant spam).
        Assert.Equal(
            [new FlippedExample(1, "see you", "ham", "ham", "spam"), new FlippedExample(3, "free prize", "spam", "ham", "spam")],
            comparison.Flipped);
    }

    [Fact]
    public void Compare_WorseVariant_HasNegativeDeltas()
    {
        // Variant predicts everything ham → accuracy 2/4; ham P = 1/2, R = 1, F1 = 2/3; spam 0 → macro F1 = 1/3.
        float[][] allHam = [[0.9f, 0.1f], [0.9f, 0.1f], [0.9f, 0.1f], [0.9f, 0.1f]];

        var comparison = ComparisonCalculator.Compare("fp32", "int8", Examples, Baseline, allHam, Spam);

        Assert.Equal(0.5 - 0.75, comparison.AccuracyDelta, 1e-12);
        Assert.Equal(1.0 / 3 - 11.0 / 15, comparison.MacroF1Delta, 1e-12);
        Assert.Equal(1.0 / 3 - 11.0 / 15, comparison.WeightedF1Delta, 1e-12); // equal supports: weighted = macro
        Assert.Equal(0.75, comparison.ArgmaxAgreement, 1e-12); // differs only on example 2
    }

    [Fact]
    public void Compare_FlippedListIsCappedInDataOrder()
    {
        var capped = ComparisonCalculator.Compare("a", "b", Examples, Baseline, Variant, Spam, maxFlipped: 1);
        var none = ComparisonCalculator.Compare("a", "b", Examples, Baseline, Variant, Spam, maxFlipped: 0);

        Assert.Equal(1, Assert.Single(capped.Flipped).Index);
        Assert.Empty(none.Flipped);
        Assert.Equal(0.5, capped.ArgmaxAgreement, 1e-12); // the cap does not change agreement
    }

    [Fact]
    public void Compare_IdenticalModels_AgreeFullyWithNoFlips()
    {
        var comparison = ComparisonCalculator.Compare("a", "a", Examples, Baseline, Baseline, Spam);

        Assert.Equal(1.0, comparison.ArgmaxAgreement);
        Assert.Empty(comparison.Flipped);
    }

    [Fact]
    public void Compare_MismatchedLengths_AreRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            ComparisonCalculator.Compare("a", "b", Examples, Baseline, Variant.Take(3).ToArray(), Spam));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ComparisonCalculator.Compare("a", "b", Examples, Baseline, Variant, Spam, maxFlipped: -1));
    }
}
