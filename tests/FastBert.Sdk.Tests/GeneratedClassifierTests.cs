using FastBert.Tests;

namespace FastBert.Sdk.Tests;

/// <summary>The SpamClassifier generated from fixtures/spam.yaml, on real held-out data.</summary>
public sealed class GeneratedClassifierTests : IClassFixture<SpamClassifierFixture>
{
    private readonly SpamClassifier _spam;

    public GeneratedClassifierTests(SpamClassifierFixture fixture) => _spam = fixture.Classifier;

    [Fact]
    public void Load_FindsTheModelTheBuildCopiedToTheOutputFolder()
    {
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "fastbert", "spam"), _spam.Info.Directory);
        Assert.Equal(["ham", "spam"], _spam.Info.LabelNames);
        Assert.Equal(128, _spam.Info.MaxTokens);
    }

    [Fact]
    public void Predict_ObviousSpam_IsSpamEnumWithProbabilities()
    {
        var prediction = _spam.Predict("WINNER!! As a valued network customer you have been selected to receive a £900 prize reward! To claim call 09061701461.");

        Assert.Equal(SpamLabel.Spam, prediction.Label);
        Assert.True(prediction.Confidence > 0.9f);
        Assert.Equal(prediction.Confidence, prediction.Probabilities[SpamLabel.Spam]);
        Assert.Equal(1f, prediction.Probabilities.Values.Sum(), 5);
        Assert.Matches(@"^Spam \([01]\.\d\d\)$", prediction.ToString());
    }

    [Fact]
    public void HeldOutSmsMessages_AccuracyAtLeast99Percent()
    {
        var heldOut = SmsData.HeldOut();
        Assert.Equal(1114, heldOut.Count);

        var predictions = _spam.PredictBatch(heldOut.Select(m => m.Text).ToList());
        var correct = heldOut.Zip(predictions).Count(p => p.First.Label == (p.Second.Label == SpamLabel.Spam ? "spam" : "ham"));
        var accuracy = correct / (double)heldOut.Count;

        Assert.True(accuracy >= 0.99, $"accuracy {accuracy:0.0000} on {heldOut.Count} held-out messages (reference 0.9919)");
    }

    [Fact]
    public void PredictBatch_EqualsPredictOneByOne()
    {
        var texts = SmsData.HeldOut().Take(70).Select(m => m.Text).ToList();

        var batch = _spam.PredictBatch(texts);

        for (var i = 0; i < texts.Count; i++)
        {
            var single = _spam.Predict(texts[i]);
            Assert.Equal(single.Label, batch[i].Label);
            Assert.Equal(single.Confidence, batch[i].Confidence, 4);
        }
    }

    [Fact]
    public async Task PredictAsync_MatchesPredict()
    {
        const string text = "Ok lar... Joking wif u oni...";

        var asyncPrediction = await _spam.PredictAsync(text);
        var batch = await _spam.PredictBatchAsync([text, text]);

        Assert.Equal(SpamLabel.Ham, asyncPrediction.Label);
        Assert.Equal(_spam.Predict(text).Confidence, asyncPrediction.Confidence);
        Assert.All(batch, p => Assert.Equal(asyncPrediction.Confidence, p.Confidence, 5));
    }
}

public sealed class SpamClassifierFixture : IDisposable
{
    public SpamClassifier Classifier { get; } = SpamClassifier.Load();

    public void Dispose() => Classifier.Dispose();
}
