using System.Globalization;
using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Models.Metrics;
using FastBert.Models.Preparation;
using FastBert.Models.Quantization;
using FastBert.Tests;

namespace FastBert.Models.Tests.Preparation;

/// <summary>The model-folder contract: layout, hashes, model.json, and what the runtime reads from it.</summary>
public sealed class ModelContractTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-contract", Guid.NewGuid().ToString("N"));

    public ModelContractTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Inspect_TellsCheckpointsOnnxFoldersAndBothApart()
    {
        var exported = OnnxExporter.Export(TestPaths.EmotionModel, Path.Combine(_root, "exported")).OutputDirectory;

        Assert.Equal(ModelFolderContents.Both, ModelFolder.Inspect(TestPaths.SmsModel));
        Assert.Equal(ModelFolderContents.Checkpoint, ModelFolder.Inspect(TestPaths.EmotionModel));
        Assert.Equal(ModelFolderContents.Onnx, ModelFolder.Inspect(exported));
        Assert.Equal(ModelFolderContents.None, ModelFolder.Inspect(_root));
        Assert.Equal(ModelFolderContents.None, ModelFolder.Inspect(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void Sha256_MatchesTheHashesRecordedInTheModelsProvenance()
    {
        // PROVENANCE.txt lists "name  bytes  sha256" for every file, computed by the reference pipeline.
        var recorded = File.ReadLines(Path.Combine(TestPaths.SmsModel, "PROVENANCE.txt"))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 3 && parts[2].Length == 64)
            .ToDictionary(parts => parts[0], parts => parts[2]);

        Assert.Contains("model.onnx", recorded.Keys);
        foreach (var name in new[] { "config.json", "model.onnx" })
        {
            Assert.Equal(recorded[name], FileHashes.Sha256(Path.Combine(TestPaths.SmsModel, name)));
        }
    }

    [Fact]
    public void ModelInfo_ReportsWhatModelJsonRecords()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;

        using var model = BertModel.Load(exported);

        Assert.Equal(FileHashes.Sha256(Path.Combine(exported, ModelFolder.OnnxFile)), model.Info.Sha256);
        Assert.Null(model.Info.Quantization);
        Assert.Null(model.Info.Validation);
        Assert.Equal(Path.GetFullPath(TestPaths.SmsModel), model.Info.Source);
    }

    [Fact]
    public void CorruptModelJson_IsALoadErrorNamingTheFile()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;
        var descriptionPath = Path.Combine(exported, ModelDescription.FileName);
        File.WriteAllText(descriptionPath, "{ \"schemaVersion\": 1, \"labels\": [");

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(exported));

        Assert.Contains(descriptionPath, error.Message);
        Assert.Null(ModelDescription.TryReadFrom(exported));
    }

    [Fact]
    public void NewerSchemaVersion_IsRefusedWithAnUpdateHint()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;
        var descriptionPath = Path.Combine(exported, ModelDescription.FileName);
        (ModelDescription.Read(descriptionPath) with { SchemaVersion = ModelDescription.CurrentSchemaVersion + 1 }).Write(descriptionPath);

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(exported));

        Assert.Contains("Update fastbert", error.Message);
    }

    [Fact]
    public async Task Prepare_RecordsSourceAndTheGateFiguresMeasuredWithTheAppsSettings()
    {
        var data = WriteHeldOutTsv();
        var output = Path.Combine(_root, "prepared");
        var settings = new PrepareSettings
        {
            ManifestPath = Path.Combine(_root, "spam.yaml"),
            ModelName = "spam",
            Source = TestPaths.SmsModel,
            MaxTokens = 4,
            ValidationData = data,
            MinAccuracy = new Gate<double>(0.1, new ManifestLocation(9, 3)),
            OutputDirectory = output,
        };

        var result = await ModelPreparer.PrepareAsync(settings);

        Assert.True(result.Success, string.Join("; ", result.Failures.Select(f => f.Message)));
        using var model = BertModel.Load(output, new BertModelOptions { MaxTokens = 4 });
        var validation = Assert.IsType<ModelValidation>(model.Info.Validation);
        Assert.Equal(1114, validation.Examples);
        Assert.Equal(TestPaths.SmsModel, model.Info.Source);

        // The gate measured at the manifest's 4 tokens, not at the model's 512 or the old latency default of 128.
        var texts = SmsData.HeldOut().Select(m => m.Text).ToList();
        var labels = SmsData.HeldOut().Select(m => m.Label == "spam" ? 1 : 0).ToList();
        var atFour = ModelEvaluator.Evaluate(output, new RunSettings(MaxTokens: 4), texts, labels);
        var at128 = ModelEvaluator.Evaluate(output, new RunSettings(MaxTokens: 128), texts, labels);
        Assert.NotEqual(atFour.Correct, at128.Correct);
        Assert.Equal(Math.Round(atFour.Metrics.Accuracy, 6), validation.Accuracy);
        Assert.Equal(Math.Round(atFour.Metrics.Macro.F1, 6), validation.MacroF1);
    }

    [Fact]
    public void Int8Model_ReportsItsQuantization()
    {
        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = Path.Combine(_root, "int8") });

        using var model = BertModel.Load(result.OutputDirectory!);

        Assert.Equal("int8", model.Info.Quantization);
        Assert.Equal(FileHashes.Sha256(Path.Combine(result.OutputDirectory!, ModelFolder.OnnxFile)), model.Info.Sha256);
    }

    private string WriteHeldOutTsv()
    {
        var path = Path.Combine(_root, "sms-test.tsv");
        var lines = SmsData.HeldOut().Select(m => $"{m.Label}\t{m.Text.Replace('\t', ' ')}");
        File.WriteAllLines(path, lines.Prepend("label\ttext"));
        return path;
    }
}
