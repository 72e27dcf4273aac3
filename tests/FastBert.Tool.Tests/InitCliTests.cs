using FastBert.Manifest;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

public sealed class InitCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-init", Guid.NewGuid().ToString("N"));

    public InitCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Init_WritesAManifestThatParses_WithTheCheckpointsLabels()
    {
        var (exit, output, error) = CliRunner.Run(string.Empty, "init", TestPaths.EmotionModel, "--name", "emotion", "--output", _root);

        Assert.True(exit == 0, error);
        var path = output.Trim();
        Assert.Equal(Path.Combine(_root, "emotion.yaml"), path);
        var parsed = ManifestParser.Parse(path, File.ReadAllText(path), "App");
        Assert.True(parsed.Success, string.Join("\n", parsed.Diagnostics));
        Assert.Equal(["sadness", "joy", "love", "anger", "fear", "surprise"], parsed.Manifest!.Labels.Select(l => l.Name));
        Assert.Equal("EmotionClassifier", parsed.Manifest.ClassName);
        Assert.Equal(Path.GetFullPath(TestPaths.EmotionModel), Path.GetFullPath(parsed.Manifest.ResolveModelDirectory()!));
    }

    [Fact]
    public void Init_DoesNotOverwriteWithoutForce()
    {
        Assert.Equal(0, CliRunner.Run(string.Empty, "init", TestPaths.SmsModel, "--name", "spam", "--output", _root).Exit);

        var (exit, _, error) = CliRunner.Run(string.Empty, "init", TestPaths.SmsModel, "--name", "spam", "--output", _root);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--force", error);
    }
}
