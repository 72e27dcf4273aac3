using FastBert.Tests;

namespace FastBert.Sdk.Tests;

/// <summary>The SMS model's logits against the reference PyTorch implementation (golden_outputs.json).</summary>
public sealed class LogitsParityTests : IClassFixture<SmsModelFixture>
{
    private const float Tolerance = 1e-4f;
    private readonly BertModel _model;

    public LogitsParityTests(SmsModelFixture fixture) => _model = fixture.Model;

    public static TheoryData<int> GoldenIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < GoldenExample.Load(TestPaths.SmsModel).Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenIndices))]
    public void GoldenTokenIds_AtBatchOne_ReproduceReferenceLogits(int index)
    {
        var golden = GoldenExample.Load(TestPaths.SmsModel)[index];

        var logits = _model.ComputeLogits([golden.InputIds]);

        AssertClose(golden.Logits, logits);
    }

    [Theory]
    [MemberData(nameof(GoldenIndices))]
    public void GoldenText_ThroughTokenizer_ReproducesReferenceLogitsAndLabel(int index)
    {
        var golden = GoldenExample.Load(TestPaths.SmsModel)[index];

        var result = _model.Classify(golden.Text);

        AssertClose(golden.Logits, result.Logits);
        Assert.Equal(golden.Pred, _model.Info.LabelNames[result.Index]);
    }

    [Fact]
    public void AllGoldenExamples_InOnePaddedBatch_ReproduceReferenceLogits()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        Assert.True(goldens.Select(g => g.InputIds.Length).Distinct().Count() > 1, "the batch must mix lengths so that padding happens");

        var logits = _model.ComputeLogits(goldens.Select(g => g.InputIds).ToList());

        for (var i = 0; i < goldens.Count; i++)
        {
            AssertClose(goldens[i].Logits, logits.AsSpan(i * 2, 2).ToArray());
        }
    }

    [Fact]
    public void ShortTextPaddedNextToLongText_GetsItsBatchOneLogits()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        var shortest = goldens.MinBy(g => g.InputIds.Length)!;
        var longest = goldens.MaxBy(g => g.InputIds.Length)!;

        var results = _model.ClassifyBatch([shortest.Text, longest.Text, shortest.Text]);

        AssertClose(shortest.Logits, results[0].Logits);
        AssertClose(longest.Logits, results[1].Logits);
        AssertClose(shortest.Logits, results[2].Logits);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"logit {i}: expected {expected[i]}, got {actual[i]} (tolerance {Tolerance})");
        }
    }
}

public sealed class SmsModelFixture : IDisposable
{
    public BertModel Model { get; } = BertModel.Load(TestPaths.SmsModel);

    public void Dispose() => Model.Dispose();
}
