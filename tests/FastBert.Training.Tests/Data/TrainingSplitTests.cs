using FastBert.Models.Data;
using FastBert.Training.Data;

namespace FastBert.Training.Tests.Data;

public sealed class TrainingSplitTests
{
    private static readonly IReadOnlyList<LabelledExample> Examples =
        Enumerable.Range(0, 200).Select(i => new LabelledExample(i + 2, $"text {i}", i < 170 ? 0 : i < 195 ? 1 : 2)).ToList();

    [Fact]
    public void A_stratified_split_holds_out_the_share_of_every_label()
    {
        var split = TrainingSplit.Random(Examples, 0.2, stratify: true, seed: 1);

        // 170·0.2 = 34, 25·0.2 = 5, 5·0.2 = 1.
        Assert.Equal([34, 5, 1], Enumerable.Range(0, 3).Select(c => split.Validation.Count(e => e.Label == c)));
        Assert.Equal(200, split.Train.Count + split.Validation.Count);
        Assert.Empty(split.Train.Select(e => e.LineNumber).Intersect(split.Validation.Select(e => e.LineNumber)));
    }

    [Fact]
    public void The_split_is_seeded()
    {
        var a = TrainingSplit.Random(Examples, 0.15, stratify: false, seed: 3).Validation.Select(e => e.LineNumber);
        var b = TrainingSplit.Random(Examples, 0.15, stratify: false, seed: 3).Validation.Select(e => e.LineNumber);
        var c = TrainingSplit.Random(Examples, 0.15, stratify: false, seed: 4).Validation.Select(e => e.LineNumber);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Order(), c.Order());
        Assert.Equal(30, a.Count());
    }

    [Fact]
    public void Index_rows_are_validation_and_the_rest_train()
    {
        var split = TrainingSplit.ByIndices(Examples, [0, 5, 199], "held.txt");
        Assert.Equal([2, 7, 201], split.Validation.Select(e => e.LineNumber));
        Assert.Equal(197, split.Train.Count);
        var error = Assert.Throws<TrainingException>(() => TrainingSplit.ByIndices(Examples, [200], "held.txt"));
        Assert.Contains("held.txt: index 200 is past the last example (200 examples)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void A_split_outside_zero_and_one_is_refused(double fraction) =>
        Assert.Throws<TrainingException>(() => TrainingSplit.Random(Examples, fraction, stratify: false, seed: 1));
}
