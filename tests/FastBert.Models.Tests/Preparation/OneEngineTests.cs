using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Preparation;
using FastBert.Tests;

namespace FastBert.Models.Tests.Preparation;

/// <summary>
/// The build's in-process preparation of a plain local checkpoint (<see cref="PlainModelPreparer"/>, no ONNX Runtime)
/// and <c>fastbert prepare</c>'s engine (<see cref="ModelPreparer"/>) write the same model folder and lock file.
/// </summary>
public sealed class OneEngineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-one-engine", Guid.NewGuid().ToString("N"));

    public OneEngineTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task PlainCheckpoint_TheBuildAndFastbertPrepare_WriteTheSameModelFilesModelJsonAndLock()
    {
        var buildManifest = Manifest("build");
        var toolManifest = Manifest("tool");
        var buildOutput = Path.Combine(_root, "build", "out");
        var toolOutput = Path.Combine(_root, "tool", "out");

        var built = PlainModelPreparer.Prepare(new PlainPreparation
        {
            ManifestPath = buildManifest,
            Source = TestPaths.EmotionModel,
            SourceDirectory = TestPaths.EmotionModel,
            OutputDirectory = buildOutput,
        });
        var prepared = await ModelPreparer.PrepareAsync(new PrepareSettings
        {
            ManifestPath = toolManifest,
            ModelName = "emotion",
            Source = TestPaths.EmotionModel,
            OutputDirectory = toolOutput,
        });

        Assert.True(built.Succeeded, built.Message);
        Assert.True(prepared.Success, string.Join("; ", prepared.Failures.Select(f => f.Message)));
        var modelFiles = Directory.GetFiles(buildOutput).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(ModelFolder.OnnxFile, modelFiles);
        Assert.Contains(ModelDescription.FileName, modelFiles);
        foreach (var name in modelFiles.Where(n => n != ModelDescription.FileName))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(buildOutput, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(toolOutput, name!))), $"{name} differs");
        }

        // The tool also writes its report and model.ort (ONNX Runtime's pre-optimised graph, which the build, without
        // ONNX Runtime, cannot make); model.json differs only by recording that graph.
        var toolModelFiles = Directory.GetFiles(toolOutput).Select(Path.GetFileName).Where(n => !n!.StartsWith("report.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(modelFiles.Append(ModelFolder.RuntimeGraphFile).Order(StringComparer.Ordinal), toolModelFiles);
        var buildDescription = ModelDescription.Read(Path.Combine(buildOutput, ModelDescription.FileName));
        var toolDescription = ModelDescription.Read(Path.Combine(toolOutput, ModelDescription.FileName));
        Assert.Null(buildDescription.RuntimeGraph);
        Assert.Equal(ModelFolder.RuntimeGraphFile, toolDescription.RuntimeGraph!.File);
        Assert.Equal(buildDescription.Files, toolDescription.Files.Where(f => f.Key != ModelFolder.RuntimeGraphFile));
        var withoutGraph = toolDescription with { RuntimeGraph = null, Files = buildDescription.Files };
        var rewritten = Path.Combine(_root, "tool-model-without-graph.json");
        withoutGraph.Write(rewritten);
        Assert.Equal(File.ReadAllText(Path.Combine(buildOutput, ModelDescription.FileName)), File.ReadAllText(rewritten));
        Assert.Equal(File.ReadAllText(LockFile.PathFor(toolManifest)), File.ReadAllText(LockFile.PathFor(buildManifest)));
        var locked = LockFile.TryRead(LockFile.PathFor(buildManifest))!;
        Assert.Equal(["anger", "fear", "joy", "love", "sadness", "surprise"], locked.Labels.Order(StringComparer.Ordinal));
        Assert.Equal(FileHashes.Sha256(Path.Combine(TestPaths.EmotionModel, ModelFolder.ConfigFile)), locked.Files[ModelFolder.ConfigFile]);
        Assert.Equal(TestPaths.EmotionModel, ModelDescription.Read(Path.Combine(buildOutput, ModelDescription.FileName)).Source);
    }

    [Fact]
    public async Task LabelsThatDisagreeWithConfig_AreTheSameFailureFromBoth_AndWriteNothing()
    {
        var labels = new[] { "joy", "anger" };
        var buildOutput = Path.Combine(_root, "build", "out");
        var built = PlainModelPreparer.Prepare(new PlainPreparation
        {
            ManifestPath = Manifest("build"),
            Source = TestPaths.EmotionModel,
            SourceDirectory = TestPaths.EmotionModel,
            Labels = labels,
            OutputDirectory = buildOutput,
        });
        var prepared = await ModelPreparer.PrepareAsync(new PrepareSettings
        {
            ManifestPath = Manifest("tool"),
            ModelName = "emotion",
            Source = TestPaths.EmotionModel,
            Labels = labels,
            OutputDirectory = Path.Combine(_root, "tool", "out"),
        });

        Assert.False(built.Succeeded);
        Assert.Equal(PlainPreparationKey.Labels, built.Key);
        Assert.Equal(ManifestDiagnosticIds.LabelMismatch, built.Code);
        var failure = Assert.Single(prepared.Failures);
        Assert.Equal(ManifestDiagnosticIds.LabelMismatch, failure.Code);
        Assert.Equal(failure.Message, built.Message);
        Assert.False(Directory.Exists(buildOutput));
        Assert.False(File.Exists(LockFile.PathFor(Manifest("build"))));
    }

    private string Manifest(string folder)
    {
        var directory = Path.Combine(_root, folder);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "emotion.yaml");
        File.WriteAllText(path, "model:\n  source: emotion\n");
        return path;
    }
}
