using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>fastbert export --format triton|kserve</c>: the repository layout, the JSON summary and the usage failures.</summary>
public sealed class ServingExportCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-serving-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Triton_FromACheckpoint_WritesNameConfigAndVersionedModel_NamedAfterTheFolderByDefault()
    {
        // A checkpoint-only copy of the SMS model, so export builds the ONNX itself.
        var checkpoint = Directory.CreateDirectory(Path.Combine(_root, "sms-spam")).FullName;
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, file), Path.Combine(checkpoint, file));
        }

        var repo = Path.Combine(_root, "repo");
        var (exit, output, error) = CliRunner.Run("", "export", checkpoint, "--format", "triton", "--output", repo, "--json");

        Assert.True(exit == 0, error);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.Equal("sms-spam", summary.GetProperty("name").GetString());
        Assert.Equal(["ham", "spam"], summary.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        var files = summary.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains("sms-spam/config.pbtxt", files);
        Assert.Contains("sms-spam/1/model.onnx", files);
        Assert.Contains("sms-spam/labels.txt", files);
        Assert.Contains("sms-spam/vocab.txt", files);
        Assert.Contains("max_batch_size: 32", File.ReadAllText(Path.Combine(repo, "sms-spam", "config.pbtxt")), StringComparison.Ordinal);
    }

    [Fact]
    public void KServe_WithoutStorageUri_IsAnInputErrorNamingTheOption_AndWritesNothing()
    {
        var repo = Path.Combine(_root, "kserve");

        var (exit, _, error) = CliRunner.Run("", "export", TestPaths.SmsModel, "--format", "kserve", "--output", repo, "--name", "sms");

        Assert.Equal(3, exit);
        Assert.Contains("--storage-uri", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(repo));
    }

    [Fact]
    public void KServe_WithStorageUri_WritesTheInferenceServiceBesideTheRepository()
    {
        var repo = Path.Combine(_root, "kserve");

        var (exit, _, error) = CliRunner.Run("", "export", TestPaths.SmsModel, "--format", "kserve", "--output", repo, "--name", "sms", "--storage-uri", "gs://bucket/repo");

        Assert.True(exit == 0, error);
        var manifest = File.ReadAllText(Path.Combine(repo, "inferenceservice.yaml"));
        Assert.Contains("storageUri: \"gs://bucket/repo\"", manifest, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(repo, "sms", "1", "model.onnx")));
    }
}
