using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Metrics;
using FastBert.Tests;
using FastBert.Training.Tests.Export;
using FastBert.Training.Modeling;
using FastBert.Training.Tests.Modeling;
using Xunit.Abstractions;

namespace FastBert.Training.Tests.Training;

/// <summary>
/// Fine-tuning on sentence pairs (the SMS pairs fixture, tests/fixtures/sms-pairs: a pair is spam when either message
/// is): token types 0 / 1 in training as at run time, a checkpoint that learns the pair task beyond the base, and an
/// export whose pair logits equal the TorchSharp forward pass of the written weights.
/// </summary>
public sealed class PairTrainingTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxTokens = 64;
    private static readonly DataReadOptions PairColumns = new() { TextColumn = "sentence1", TextPairColumn = "sentence2" };
    private readonly TemporaryFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static LabelledDataset Read(string file) =>
        LabelledDataReader.Read(Path.Combine(TestPaths.SmsPairs, file), PairColumns, TrainingData.SmsLabels);

    [Fact]
    public void OneEpochOnPairs_LearnsBeyondTheBase_AndTheExportGivesTheTorchSharpPairLogits()
    {
        var train = Read("sms_pairs_train.tsv");
        var test = Read("sms_pairs_test.tsv");
        Assert.All(test.Examples, e => Assert.NotNull(e.TextPair));

        var before = Accuracy(OnnxExporter.Export(TestPaths.SmsModel, _folders.New()).OutputDirectory, test);
        var trainedFolder = _folders.New();
        var result = FineTuner.Train(new TrainingRequest
        {
            BaseDirectory = TestPaths.SmsModel,
            Labels = TrainingData.SmsLabels,
            Train = train.Examples,
            Validation = test.Examples,
            TrainDataPath = train.Path,
            OutputDirectory = trainedFolder,
            Mode = TrainingMode.Full,
            Epochs = 1,
            BatchSize = 16,
            MaxTokens = MaxTokens,
            LearningRate = 2e-4,
            Seed = 3,
        });
        Assert.True(result.ModelWritten);

        var exported = OnnxExporter.Export(trainedFolder, _folders.New()).OutputDirectory;
        var after = Accuracy(exported, test);
        output.WriteLine($"accuracy on {test.Count} test pairs: base {before:0.0000}, after one epoch on {train.Count} pairs {after:0.0000} (training's own validation {result.Summary.Epochs[0].Accuracy:0.0000})");
        Assert.True(after >= before + 0.05, $"accuracy {after:0.0000} after training, {before:0.0000} before");

        // Training encoded the validation pairs as the runtime does: its accuracy is the exported model's.
        Assert.Equal(after, result.Summary.Epochs[0].Accuracy!.Value, 12);

        using var model = BertModel.Load(exported, new BertModelOptions { MaxTokens = MaxTokens });
        var pairs = test.Examples.Take(24).Select(e => model.Tokenizer.EncodePair(e.Text, e.TextPair!, MaxTokens)).ToList();
        var ort = model.ComputeLogits(pairs);
        using var trained = ForwardParityTests.Load(trainedFolder);
        var torch = PairExportParityTests.Forward(trained, pairs, withTokenTypes: true);
        var withoutTypes = PairExportParityTests.Forward(trained, pairs, withTokenTypes: false);
        float worst = 0, typeEffect = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            for (var k = 0; k < 2; k++)
            {
                worst = Math.Max(worst, Math.Abs(ort[(i * 2) + k] - torch[i][k]));
                typeEffect = Math.Max(typeEffect, Math.Abs(torch[i][k] - withoutTypes[i][k]));
            }
        }

        output.WriteLine($"max |ORT - TorchSharp| over {pairs.Count} pairs {worst:E2}; token types move the trained logits by up to {typeEffect:E2}");
        Assert.True(worst <= 1e-4f, $"max |Δlogit| {worst:E2}");
        Assert.True(typeEffect > 1e-2f, $"token types change the trained logits by only {typeEffect:E2}");
    }

    private static double Accuracy(string modelFolder, LabelledDataset data)
    {
        using var model = BertModel.Load(modelFolder, new BertModelOptions { MaxTokens = MaxTokens });
        return ModelEvaluator.Evaluate(model, data.Texts, data.Labels, data.TextPairs).Accuracy;
    }
}
