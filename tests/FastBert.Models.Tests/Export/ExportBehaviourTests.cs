using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Tests;

namespace FastBert.Models.Tests.Export;

public sealed class ExportBehaviourTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-export-behaviour", Guid.NewGuid().ToString("N"));

    public ExportBehaviourTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(OnnxGraphForm.Standard)]
    [InlineData(OnnxGraphForm.Fused)]
    public void ExportingTheSameCheckpointTwice_WritesIdenticalBytes(OnnxGraphForm form)
    {
        var first = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "a"), new ExportOptions { Form = form });
        var second = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "b"), new ExportOptions { Form = form });

        Assert.Equal(File.ReadAllBytes(Path.Combine(first.OutputDirectory, "model.onnx")), File.ReadAllBytes(Path.Combine(second.OutputDirectory, "model.onnx")));
        Assert.Equal(first.Model.Files, second.Model.Files);
    }

    [Fact]
    public void Export_WritesModelJsonWithLabelsInputsAndFileHashes()
    {
        var result = OnnxExporter.Export(TestPaths.EmotionModel, Path.Combine(_root, "emotion"));

        var description = ModelDescription.Read(Path.Combine(result.OutputDirectory, ModelDescription.FileName));
        Assert.Equal("DistilBertForSequenceClassification", description.Architecture);
        Assert.Equal(["sadness", "joy", "love", "anger", "fear", "surprise"], description.Labels);
        Assert.Equal(["input_ids", "attention_mask"], description.Inputs);
        Assert.Equal(512, description.MaxPositionEmbeddings);
        foreach (var file in new[] { "model.onnx", "vocab.txt", "config.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            Assert.Equal(Sha256(Path.Combine(result.OutputDirectory, file)), description.Files[file]);
        }
    }

    [Fact]
    public void UnsupportedModelType_ListsTheSupportedOnes_AndLeavesNoOutputFolder()
    {
        var checkpoint = CopyCheckpoint(TestPaths.SmsModel);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), File.ReadAllText(Path.Combine(checkpoint, "config.json")).Replace("\"model_type\": \"bert\"", "\"model_type\": \"gpt2\""));
        var output = Path.Combine(_root, "out");

        var error = Assert.Throws<ConfigException>(() => OnnxExporter.Export(checkpoint, output));

        Assert.Contains("gpt2", error.Message);
        Assert.Contains("bert, distilbert, electra", error.Message);
        AssertNothingWritten(output);
    }

    [Fact]
    public void MissingVocab_SaysSo_AndLeavesNoOutputFolder()
    {
        var checkpoint = CopyCheckpoint(TestPaths.SmsModel);
        File.Delete(Path.Combine(checkpoint, "vocab.txt"));
        var output = Path.Combine(_root, "out");

        var error = Assert.Throws<ExportException>(() => OnnxExporter.Export(checkpoint, output));

        Assert.Contains("vocab.txt' was not found", error.Message);
        AssertNothingWritten(output);
    }

    [Fact]
    public void CorruptWeights_LeaveThePreviousExportUntouched()
    {
        var output = Path.Combine(_root, "out");
        OnnxExporter.Export(TestPaths.SmsModel, output);
        var before = File.ReadAllBytes(Path.Combine(output, "model.onnx"));
        var checkpoint = CopyCheckpoint(TestPaths.SmsModel);
        var weights = Path.Combine(checkpoint, "model.safetensors");
        using (var stream = File.Open(weights, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        Assert.ThrowsAny<CheckpointFormatException>(() => OnnxExporter.Export(checkpoint, output));

        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "model.onnx")));
        Assert.Empty(OutputFolder.Leftovers(output));
    }

    [Fact]
    public void WeightsWithFewerLayersThanConfig_AreRefusedBeforeAnyTensorIsRead()
    {
        var checkpoint = CopyCheckpoint(TestPaths.SmsModel);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), File.ReadAllText(Path.Combine(checkpoint, "config.json")).Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        var output = Path.Combine(_root, "out");

        var error = Assert.Throws<CheckpointFormatException>(() => OnnxExporter.Export(checkpoint, output));

        Assert.Contains("the weights hold 2 encoder layers", error.Message);
        Assert.Contains("num_hidden_layers is 3", error.Message);
        AssertNothingWritten(output);
    }

    [Theory]
    [InlineData("sms-spam-bert-tiny")]
    [InlineData("emotion-distilbert-tiny")]
    [InlineData("electra-random-parity")]
    public void RealCheckpoints_MatchTheShapesTheirConfigImplies(string model)
    {
        var folder = Path.Combine(TestPaths.Models, model);
        var config = TransformerConfig.Load(folder);
        using var checkpoint = CheckpointLoader.Open(folder);

        ExpectedTensorShapes.Verify(config, checkpoint);

        // Every expected tensor is in the checkpoint with exactly that shape (the base model and head alike).
        foreach (var tensor in ExpectedTensorShapes.For(config, ArchitectureSpec.For(config)))
        {
            Assert.Equal(tensor.Shape, checkpoint.Get(tensor.Name).Shape);
        }
    }

    [Fact]
    public void CheckpointFolder_IsExportedOnceIntoTheCache()
    {
        var cache = Path.Combine(_root, "cache");
        var checkpoint = CopyCheckpoint(TestPaths.EmotionModel);

        var first = ExportCache.ResolveRunnableModel(checkpoint, cache);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(first, "model.onnx"));
        var second = ExportCache.ResolveRunnableModel(checkpoint, cache);

        Assert.Equal(first, second);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(second, "model.onnx")));
        Assert.Equal(ExportCache.CheckpointKey(checkpoint), Path.GetFileName(first));
        Assert.Equal(TestPaths.SmsModel, ExportCache.ResolveRunnableModel(TestPaths.SmsModel, cache)); // has model.onnx: used as is
    }

    private string CopyCheckpoint(string source)
    {
        var folder = Path.Combine(_root, "checkpoint-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith("model.onnx", StringComparison.Ordinal) && !f.EndsWith(".bin", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private void AssertNothingWritten(string output)
    {
        Assert.False(Directory.Exists(output), $"{output} must not exist after a failed export");
        Assert.Empty(OutputFolder.Leftovers(output));
        Assert.Equal([], Directory.GetFileSystemEntries(_root, ".*"));
    }

    private static string Sha256(string path) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
}
