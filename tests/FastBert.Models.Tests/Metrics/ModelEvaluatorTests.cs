using FastBert.Models.Metrics;
using FastBert.Tests;

namespace FastBert.Models.Tests.Metrics;

/// <summary>The one evaluation loop, against the reference implementation's figures for the shared SMS model.</summary>
public sealed class ModelEvaluatorTests
{
    [Fact]
    public void SmsModelAt128Tokens_ReproducesTheReferenceConfusionMatrix()
    {
        var heldOut = SmsData.HeldOut();
        var texts = heldOut.Select(m => m.Text).ToList();
        var labels = heldOut.Select(m => m.Label == "spam" ? 1 : 0).ToList();

        // PROVENANCE.txt: ham->ham 962, ham->spam 3, spam->ham 6, spam->spam 143 (PyTorch, max_len 128).
        var evaluation = ModelEvaluator.Evaluate(TestPaths.SmsModel, new RunSettings(MaxTokens: 128), texts, labels);

        Assert.Equal(1105, evaluation.Correct);
        Assert.Equal([962, 3], evaluation.Metrics.ConfusionMatrix[0]);
        Assert.Equal([6, 143], evaluation.Metrics.ConfusionMatrix[1]);
        Assert.Equal(texts.Count, evaluation.Predictions.Count);
        Assert.All(evaluation.Probabilities, p => Assert.Equal(1.0, p.Sum(), 5));
    }

    [Fact]
    public void RunSettings_ChangeWhatIsMeasured()
    {
        var heldOut = SmsData.HeldOut().Take(300).ToList();
        var texts = heldOut.Select(m => m.Text).ToList();
        var labels = heldOut.Select(m => m.Label == "spam" ? 1 : 0).ToList();

        var full = ModelEvaluator.Evaluate(TestPaths.SmsModel, new RunSettings(MaxTokens: 128), texts, labels);
        var clipped = ModelEvaluator.Evaluate(TestPaths.SmsModel, new RunSettings(MaxTokens: 4), texts, labels);

        Assert.NotEqual(full.Predictions, clipped.Predictions);
    }

    [Fact]
    public void MismatchedLengths_AreRefused()
    {
        using var model = BertModel.Load(TestPaths.SmsModel);

        Assert.Throws<ArgumentException>(() => ModelEvaluator.Evaluate(model, ["a", "b"], [0]));
    }
}
