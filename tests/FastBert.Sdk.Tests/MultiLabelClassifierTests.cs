using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Tests;

namespace FastBert.Sdk.Tests;

[Flags]
public enum SmsTags
{
    Ham = 1 << 0,
    Spam = 1 << 1,
}

/// <summary>What the generator emits for a multi-label manifest, written by hand for the runtime tests.</summary>
public sealed class SmsTagsClassifier(string directory, float[]? thresholds = null)
    : MultiLabelBertClassifier<SmsTags>(directory, new ClassifierDefinition<SmsTags>("sms-tags", ["ham", "spam"], [SmsTags.Ham, SmsTags.Spam], thresholds: thresholds), null);

/// <summary>A multi-label model: a sigmoid per label against the reference logits, thresholds, the flags API.</summary>
public sealed class MultiLabelClassifierTests : IDisposable
{
    private readonly MultiLabelModelFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Probabilities_AreTheSigmoidOfEachReferenceLogit_AndLabelsAreThoseAtOrAboveHalf()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        using var classifier = new SmsTagsClassifier(_folder.Path);

        Assert.Equal(ClassificationProblem.MultiLabel, classifier.Info.Problem);
        Assert.Equal([0.5f, 0.5f], classifier.Info.Thresholds);
        var predictions = classifier.PredictBatch(goldens.Select(g => g.Text).ToList());
        for (var i = 0; i < goldens.Count; i++)
        {
            var logits = goldens[i].Logits;
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[0]), predictions[i][SmsTags.Ham], 4);
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[1]), predictions[i][SmsTags.Spam], 4);
            var expected = (logits[0] >= 0 ? SmsTags.Ham : 0) | (logits[1] >= 0 ? SmsTags.Spam : 0);
            Assert.Equal(expected, predictions[i].Labels);
            Assert.Equal(logits[1] >= 0, predictions[i].Contains(SmsTags.Spam));
        }
    }

    [Fact]
    public void ThresholdsFromTheDefinition_DecideEachLabel()
    {
        // The reference spam probability of this message is sigmoid(3.7336) = 0.977: below 0.99, above 0.
        var spam = GoldenExample.Load(TestPaths.SmsModel).First(g => g.Pred == "spam");
        using var everything = new SmsTagsClassifier(_folder.Path, [0f, 0f]);
        using var strictSpam = new SmsTagsClassifier(_folder.Path, [1f, 0.99f]);
        using var plain = new SmsTagsClassifier(_folder.Path);

        Assert.Equal(SmsTags.Ham | SmsTags.Spam, everything.Predict(spam.Text).Labels);
        Assert.Equal([SmsTags.Ham, SmsTags.Spam], everything.Predict(spam.Text).LabelList);
        Assert.Matches(@"^Ham \(0\.02\), Spam \(0\.98\)$", everything.Predict(spam.Text).ToString());
        Assert.Equal((SmsTags)0, strictSpam.Predict(spam.Text).Labels);
        Assert.Equal("(none)", strictSpam.Predict(spam.Text).ToString());
        Assert.Equal("Spam (0.98)", plain.Predict(spam.Text).ToString());
    }

    [Fact]
    public void ThresholdsRecordedInModelJson_AreUsedWhenTheDefinitionHasNone()
    {
        var description = new ModelDescription
        {
            Architecture = "BertForSequenceClassification", ModelType = "bert", Labels = ["ham", "spam"],
            Inputs = ["input_ids", "attention_mask", "token_type_ids"], Output = "logits", MaxPositionEmbeddings = 512,
            GraphForm = "imported", SourceWeights = "model.onnx", Problem = "multi-label",
            Thresholds = new Dictionary<string, double> { ["ham"] = 0.25, ["spam"] = 0.75 },
            Files = FileHashes.OfFolder(_folder.Path),
        };
        description.Write(Path.Combine(_folder.Path, ModelDescription.FileName));

        using var classifier = new SmsTagsClassifier(_folder.Path);

        Assert.Equal([0.25f, 0.75f], classifier.Info.Thresholds);
    }

    [Fact]
    public void AThresholdOutsideZeroToOne_IsALoadErrorNamingModelJson()
    {
        File.WriteAllText(Path.Combine(_folder.Path, ModelDescription.FileName), JsonSerializer.Serialize(new
        {
            schemaVersion = 1, architecture = "BertForSequenceClassification", modelType = "bert", labels = new[] { "ham", "spam" },
            inputs = new[] { "input_ids" }, output = "logits", maxPositionEmbeddings = 512, graphForm = "imported",
            sourceWeights = "model.onnx", thresholds = new Dictionary<string, double> { ["spam"] = 1.5 }, files = new Dictionary<string, string>(),
        }));

        var error = Assert.Throws<ModelLoadException>(() => new SmsTagsClassifier(_folder.Path));

        Assert.Contains("model.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'spam'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemTypeRegression_IsRefusedNamingConfigJson()
    {
        var config = Path.Combine(_folder.Path, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("multi_label_classification", "regression", StringComparison.Ordinal));

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_folder.Path));

        Assert.Equal(config, error.Path);
        Assert.Contains("regression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASingleLabelModel_KeepsSoftmaxAndHasNoThresholds()
    {
        using var model = BertModel.Load(TestPaths.SmsModel);

        Assert.Equal(ClassificationProblem.SingleLabel, model.Info.Problem);
        Assert.Empty(model.Info.Thresholds);
        Assert.Equal(1f, model.Classify("hello").Probabilities.Sum(), 5);
    }
}
