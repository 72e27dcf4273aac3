using System.Collections.Concurrent;
using System.Text;
using FastBert.Tests;

namespace FastBert.Sdk.Tests;

public sealed class RobustnessTests : IClassFixture<SpamClassifierFixture>
{
    private readonly SpamClassifier _spam;

    public RobustnessTests(SpamClassifierFixture fixture) => _spam = fixture.Classifier;

    public static TheoryData<string, string> AwkwardTexts() => new()
    {
        { "empty", string.Empty },
        { "whitespace only", " \t\r\n \u00A0\u2003 " },
        { "lone high surrogate", "free \uD800 prize" },
        { "lone low surrogate", "\uDC00call now" },
        { "control characters", "a\u0000b\u0001c\u001Fd\u007F\uFFFDe" },
        { "only control characters", "\u0000\u0001\u0002" },
        { "emoji and symbols", "🎉🎉 WIN $$$ <<>> ~~ ^^ || ++ == 🎉" },
        { "special token literals", "[CLS] [SEP] [PAD] [MASK] [UNK] text" },
    };

    [Theory]
    [MemberData(nameof(AwkwardTexts))]
    public void AwkwardText_GetsAValidPrediction(string name, string text)
    {
        var prediction = _spam.Predict(text);

        AssertValid(prediction, name);
    }

    [Fact]
    public void OneMegabyteText_IsTruncatedToTheTokenLimit()
    {
        var builder = new StringBuilder(1 << 20);
        while (builder.Length < 1 << 20)
        {
            builder.Append("Congratulations you won a free cruise, call now to claim. ");
        }

        var prediction = _spam.Predict(builder.ToString());

        AssertValid(prediction, "1 MB");
        Assert.True(prediction.Truncated);
        Assert.Equal(128, prediction.TokenCount);
    }

    [Fact]
    public void EmptyBatch_ReturnsNoPredictions()
    {
        Assert.Empty(_spam.PredictBatch([]));
    }

    [Fact]
    public void NullText_IsRejectedWithArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => _spam.Predict(null!));
        Assert.Throws<ArgumentException>(() => _spam.PredictBatch(["ok", null!]));
    }

    [Fact]
    public void EightThreadsTimesTwoThousandPredictions_AllEqualSingleThreadedResults()
    {
        var texts = SmsData.HeldOut().Take(50).Select(m => m.Text).Append(string.Empty).Append("\uD800").ToArray();
        var expected = texts.Select(t => _spam.Predict(t)).ToArray();
        var failures = new ConcurrentBag<string>();
        var completed = 0;

        var threads = Enumerable.Range(0, 8).Select(threadIndex => new Thread(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                var k = (i * 7 + threadIndex) % texts.Length;
                var p = _spam.Predict(texts[k]);
                if (p.Label != expected[k].Label || Math.Abs(p.Confidence - expected[k].Confidence) > 1e-5f || p.TokenCount != expected[k].TokenCount)
                {
                    failures.Add($"thread {threadIndex} call {i} text {k}: {p} vs {expected[k]}");
                }

                Interlocked.Increment(ref completed);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(16000, completed);
        Assert.Empty(failures);
    }

    private static void AssertValid(Prediction<SpamLabel> prediction, string name)
    {
        Assert.True(Enum.IsDefined(prediction.Label), name);
        Assert.InRange(prediction.Confidence, 0.5f, 1f);
        Assert.Equal(1f, prediction.Scores.ToArray().Sum(), 4);
        Assert.All(prediction.Scores.ToArray(), p => Assert.False(float.IsNaN(p), name));
        Assert.InRange(prediction.TokenCount, 2, 128);
    }
}
