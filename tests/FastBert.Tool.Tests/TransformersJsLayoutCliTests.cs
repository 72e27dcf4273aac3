using System.Text.Json;
using FastBert.Models.Tests.Hub;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// A Hub repository in the Optimum / transformers.js layout — config.json and the tokenizer files at the root (a
/// tokenizer.json, no vocab.txt), the ONNX files under onnx/ — built from the shared SMS model and served on
/// 127.0.0.1: <c>pull</c> fetches only the chosen ONNX variant, and <c>predict</c> runs the pulled folder.
/// </summary>
[Collection(nameof(PullCliTests))]
public sealed class TransformersJsLayoutCliTests : IDisposable
{
    private const string RepoId = "fastbert/sms-spam-bert-tiny-onnx";
    private const string QuantizedVariant = "onnx/model_quantized.onnx";

    private static readonly string SharedTokenizer = Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased");

    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-tjs-").FullName;

    public TransformersJsLayoutCliTests()
    {
        Repo = Path.Combine(_root, "repo");
        Directory.CreateDirectory(Path.Combine(Repo, "onnx"));
        File.Copy(Path.Combine(TestPaths.SmsModel, "config.json"), Path.Combine(Repo, "config.json"));
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(SharedTokenizer, file), Path.Combine(Repo, file));
        }

        File.Copy(Path.Combine(TestPaths.SmsModel, "model.onnx"), Path.Combine(Repo, "onnx", "model.onnx"));
        File.Copy(Path.Combine(TestPaths.SmsModel, "model.onnx"), Path.Combine(Repo, QuantizedVariant));
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Path.Combine(_root, "cache"));
    }

    private string Repo { get; }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Pull_TakesOnnxModelOnnx_AndNoOtherVariant_ThenPredictMatchesTheSharedModel()
    {
        using var server = new HubTestServer(Repo, RepoId);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);

        var (snapshot, files) = Pull(server);

        Assert.Equal(["config.json", "onnx/model.onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"], files);
        Assert.False(File.Exists(Path.Combine(snapshot, "vocab.txt")));
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith(QuantizedVariant, StringComparison.Ordinal));
        Assert.Empty(server.Violations);

        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        var input = string.Join('\n', goldens.Select(g => JsonSerializer.Serialize(new { text = g.Text })));
        var fromPulled = CliRunner.Run(input, "predict", "--model", snapshot);
        var fromShared = CliRunner.Run(input, "predict", "--model", TestPaths.SmsModel);

        Assert.True(fromPulled.Exit == 0, fromPulled.Error);
        Assert.Equal(fromShared.Output, fromPulled.Output);
        Assert.Equal(goldens.Select(g => g.Pred), fromPulled.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("label").GetString()));
    }

    [Fact]
    public void Pull_WithModelFile_TakesOnlyThatVariant()
    {
        using var server = new HubTestServer(Repo, RepoId);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);

        var (snapshot, files) = Pull(server, "--model-file", QuantizedVariant);

        Assert.Equal(["config.json", QuantizedVariant, "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"], files);
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/onnx/model.onnx", StringComparison.Ordinal) || r.Path.EndsWith("model.safetensors", StringComparison.Ordinal));
        using var model = BertModel.Load(snapshot, new BertModelOptions { OnnxFile = QuantizedVariant });
        Assert.Equal(Path.Combine(snapshot, QuantizedVariant), model.Info.ModelFile);
        Assert.Equal(["ham", "spam"], model.Info.LabelNames);
    }

    [Fact]
    public void PrepareFromTheHubRepo_WritesARunnableFolderWithItsTokenizerJson()
    {
        using var server = new HubTestServer(Repo, RepoId);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        string manifest = Path.Combine(_root, "spam.yaml");
        File.WriteAllText(manifest, $"model:\n  source: hf:{RepoId}\nlabels: [ham, spam]\n");
        string output = Path.Combine(_root, "prepared");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + stderr);
        Assert.True(File.Exists(Path.Combine(output, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(output, "vocab.txt")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repo, "onnx", "model.onnx")), File.ReadAllBytes(Path.Combine(output, "model.onnx")));
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith(QuantizedVariant, StringComparison.Ordinal));

        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        using var model = BertModel.Load(output);
        Assert.Equal(goldens.Select(g => g.Pred), goldens.Select(g => model.Info.LabelNames[model.Classify(g.Text).Index]));
    }

    [Fact]
    public void Pull_WithABadModelFile_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run(string.Empty, "pull", $"hf:{RepoId}", "--model-file", "onnx/model.bin");
        Assert.NotEqual(0, exit);
        Assert.Contains("--model-file", error);
        Assert.Contains(".onnx", error);
    }

    [Theory]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""", "BPE")]
    [InlineData("{ not json", "not valid JSON")]
    public void Predict_OnAFolderWithAnUnusableTokenizerJson_NamesTheFile(string content, string expected)
    {
        string tokenizerJson = Path.Combine(Repo, "tokenizer.json");
        File.WriteAllText(tokenizerJson, content);

        var (exit, _, error) = CliRunner.Run("\"hello\"", "predict", "--model", Repo);

        Assert.NotEqual(0, exit);
        Assert.Contains(tokenizerJson, error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
    }

    private static (string Snapshot, string[] Files) Pull(HubTestServer server, params string[] extra)
    {
        var (exit, output, error) = CliRunner.Run(string.Empty, ["pull", $"hf:{RepoId}", "--json", .. extra]);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.GetProperty("snapshot").GetString()!,
                json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }
}
