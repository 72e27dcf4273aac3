using System.Text.Json;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Reports;
using FastBert.Tests;
using FastBert.Training.Modeling;
using FastBert.Training.Tests.Modeling;

namespace FastBert.Training.Tests.Training;

public sealed class FineTunerTests : IDisposable
{
    private readonly TemporaryFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    [Fact]
    public void Emotion_from_the_spam_base_gets_a_new_head_and_a_checkpoint_that_exports_to_the_same_logits()
    {
        var output = _folders.New();
        var events = new List<TrainingEvent>();
        var result = FineTuner.Train(
            new TrainingRequest
            {
                BaseDirectory = TestPaths.SmsModel,
                Labels = TrainingData.EmotionLabels,
                Train = TrainingData.Emotion(0, 96),
                Validation = TrainingData.Emotion(96, 64),
                TrainDataPath = TrainingData.EmotionTrainFile,
                OutputDirectory = output,
                Mode = TrainingMode.Full,
                Epochs = 2,
                BatchSize = 32,
                LearningRate = 1e-3,
            },
            new SynchronousProgress<TrainingEvent>(events.Add));

        Assert.True(result.ModelWritten);
        Assert.Contains(events.OfType<TrainingMessage>(), m => m.Text.Contains("New classification head", StringComparison.Ordinal) && m.Text.Contains("classifier.weight", StringComparison.Ordinal));
        Assert.Equal(["classifier.weight", "classifier.bias"], result.Summary.NewlyInitialized);
        Assert.Equal(2, result.Summary.Epochs.Count);
        Assert.All(result.Summary.Epochs, e => Assert.Equal(3, e.Steps));
        Assert.Equal(2, result.Summary.KeptEpoch);
        Assert.Equal("completed", result.Summary.Outcome);
        Assert.Equal(2 * 3, events.OfType<BatchCompleted>().Count());

        var config = TransformerConfig.Load(output);
        Assert.Equal(TrainingData.EmotionLabels, config.Id2Label);
        Assert.Equal(["BertForSequenceClassification"], config.Architectures);
        foreach (var file in new[] { "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "train.json", "report.json", "report.md", "report.html" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        }

        var summary = JsonSerializer.Deserialize<TrainingSummary>(File.ReadAllText(Path.Combine(output, "train.json")), Report.JsonOptions)!;
        Assert.Equal(TrainingSummary.CurrentSchema, summary.Schema);
        Assert.Equal(result.Summary.Epochs.Select(e => e.TrainLoss), summary.Epochs.Select(e => e.TrainLoss));

        // The written checkpoint, re-read by TorchSharp and by the ONNX exporter + runtime, gives the same logits.
        var goldens = GoldenExample.Load(TestPaths.SmsModel).Take(6).Select(g => g.InputIds).ToArray();
        using var trained = ForwardParityTests.Load(output);
        var torchLogits = ForwardParityTests.Forward(trained, goldens);
        var exported = OnnxExporter.Export(output, Path.Combine(output + "-onnx"));
        using var onnx = BertModel.Load(exported.OutputDirectory);
        for (var i = 0; i < goldens.Length; i++)
        {
            var onnxLogits = onnx.ComputeLogits([goldens[i]]);
            ForwardParityTests.AssertClose(torchLogits[i], onnxLogits, 1e-4f, $"example {i}");
        }
    }

    public static TheoryData<string, string[]> OtherArchitectures => new()
    {
        { TestPaths.EmotionModel, TrainingData.EmotionLabels },
        { TestPaths.ElectraModel, ["negative", "neutral", "positive"] },
    };

    [Theory]
    [MemberData(nameof(OtherArchitectures))]
    public void DistilBert_and_Electra_train_and_export_to_the_same_logits(string baseModel, string[] labels)
    {
        var output = _folders.New();
        var examples = TrainingData.Sms(0, 40).Select((e, i) => e with { Label = i % labels.Length }).ToList();
        var result = FineTuner.Train(new TrainingRequest
        {
            BaseDirectory = baseModel,
            Labels = labels,
            Train = examples,
            TrainDataPath = TrainingData.SmsFile,
            OutputDirectory = output,
            Epochs = 1,
            BatchSize = 8,
            LearningRate = 1e-3,
        });
        Assert.Empty(result.Summary.NewlyInitialized);

        using var before = CheckpointLoader.Open(baseModel);
        using var after = CheckpointLoader.Open(output);
        Assert.Equal(before.Tensors.Keys.Order(), after.Tensors.Keys.Order());
        Assert.Contains(after.Tensors.Keys, name => !before.ReadFloat32(name).SequenceEqual(after.ReadFloat32(name)));

        var inputs = GoldenExample.Load(baseModel).Take(4).Select(g => g.InputIds).ToArray();
        using var trained = ForwardParityTests.Load(output);
        var torchLogits = ForwardParityTests.Forward(trained, inputs);
        var exported = OnnxExporter.Export(output, output + "-onnx");
        using var onnx = BertModel.Load(exported.OutputDirectory);
        for (var i = 0; i < inputs.Length; i++)
        {
            ForwardParityTests.AssertClose(torchLogits[i], onnx.ComputeLogits([inputs[i]]), 1e-4f, $"example {i}");
        }
    }
}

internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
