using System.Text.Json;
using FastBert.Models.Tests.Hub;
using FastBert.ModelFolders;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// The SMS model's ONNX variants in the Optimum / transformers.js layout: onnx/model.onnx (the shared fp32 export)
/// and onnx/model_quantized.onnx (made once by <c>fastbert quantize</c> of the shared checkpoint).
/// </summary>
public sealed class SmsOnnxVariants : IDisposable
{
    public const string Quantized = "onnx/model_quantized.onnx";

    public SmsOnnxVariants()
    {
        Root = Directory.CreateTempSubdirectory("fastbert-variants-").FullName;
        var int8 = Path.Combine(Root, "int8");
        var (exit, _, error) = CliRunner.Run(string.Empty, "quantize", TestPaths.SmsModel, "--output", int8);
        Assert.True(exit == 0, error);
        QuantizedFile = Path.Combine(int8, ModelFolder.OnnxFile);
    }

    public string Root { get; }

    /// <summary>The int8 model.onnx that quantize wrote.</summary>
    public string QuantizedFile { get; }

    /// <summary>A fresh folder holding config.json, the tokenizer files (tokenizer.json, no vocab.txt) and both variants under onnx/.</summary>
    public string WriteOnnxOnlyRepo(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        File.Copy(Path.Combine(TestPaths.SmsModel, ModelFolder.ConfigFile), Path.Combine(folder, ModelFolder.ConfigFile));
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased", file), Path.Combine(folder, file));
        }

        File.Copy(Path.Combine(TestPaths.SmsModel, ModelFolder.OnnxFile), Path.Combine(folder, ModelFolder.OnnxLayoutFile));
        File.Copy(QuantizedFile, Path.Combine(folder, Quantized));
        return folder;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>
/// model.file and --model-file: a manifest (or a command) names which ONNX file of a model folder runs; prepare pulls
/// only that file from the Hub and ships it; a folder holding a checkpoint exports it unless an ONNX file is named.
/// </summary>
[Collection(nameof(PullCliTests))]
public sealed class ModelVariantCliTests : IClassFixture<SmsOnnxVariants>, IDisposable
{
    private const string RepoId = "fastbert/sms-spam-bert-tiny-variants";

    private readonly SmsOnnxVariants _variants;
    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-variant-cli-").FullName;

    public ModelVariantCliTests(SmsOnnxVariants variants)
    {
        _variants = variants;
        Repo = variants.WriteOnnxOnlyRepo(Path.Combine(_root, "repo"));
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
    public void PrepareWithModelFile_PullsOnlyThatVariant_AndPredictsAsPredictWithModelFile()
    {
        using var server = new HubTestServer(Repo, RepoId);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        var manifest = WriteManifest($"model:\n  source: hf:{RepoId}\n  file: {SmsOnnxVariants.Quantized}\nlabels: [ham, spam]\n");
        var output = Path.Combine(_root, "prepared");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + stderr);
        var snapshot = Directory.GetDirectories(Path.Combine(_root, "cache", "models--fastbert--sms-spam-bert-tiny-variants", "snapshots")).Single();
        Assert.True(File.Exists(Path.Combine(snapshot, SmsOnnxVariants.Quantized)));
        Assert.False(File.Exists(Path.Combine(snapshot, ModelFolder.OnnxLayoutFile)));
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/" + ModelFolder.OnnxLayoutFile, StringComparison.Ordinal));
        Assert.Empty(server.Violations);
        Assert.Equal(File.ReadAllBytes(_variants.QuantizedFile), File.ReadAllBytes(Path.Combine(output, ModelFolder.OnnxFile)));
        using (var locked = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "spam.lock.json"))))
        {
            Assert.Equal(FileHashes.Sha256(_variants.QuantizedFile), locked.RootElement.GetProperty("files").GetProperty(SmsOnnxVariants.Quantized).GetString());
        }

        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        var input = string.Join('\n', goldens.Select(g => JsonSerializer.Serialize(new { text = g.Text })));
        var fromPrepared = CliRunner.Run(input, "predict", "--model", output);
        var fromVariant = CliRunner.Run(input, "predict", "--model", Repo, "--model-file", SmsOnnxVariants.Quantized);
        var fromDefault = CliRunner.Run(input, "predict", "--model", Repo);

        Assert.True(fromVariant.Exit == 0, fromVariant.Error);
        Assert.Equal(fromVariant.Output, fromPrepared.Output);
        // The int8 variant's probabilities are not the fp32 ones, so the option really chose the file.
        Assert.NotEqual(fromDefault.Output, fromVariant.Output);
    }

    [Fact]
    public void PrepareWithAModelFileTheRepoLacks_FailsNamingIt()
    {
        using var server = new HubTestServer(Repo, RepoId);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        var manifest = WriteManifest($"model:\n  source: hf:{RepoId}\n  file: onnx/model_fp16.onnx\nlabels: [ham, spam]\n");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "prepared"));

        Assert.NotEqual(0, exit);
        Assert.Contains("onnx/model_fp16.onnx", stdout + stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.False(Directory.Exists(Path.Combine(_root, "prepared")));
    }

    [Theory]
    [InlineData("../model.onnx", "not a relative path")]
    [InlineData("onnx/model.bin", "not an .onnx file")]
    public void PrepareWithABadModelFile_IsFB0021AtTheFileLine(string file, string problem)
    {
        var manifest = WriteManifest($"model:\n  source: {Repo}\n  file: {file}\nlabels: [ham, spam]\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "prepared"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"spam\.yaml\(3,9\): error FB0021: model\.file '" + System.Text.RegularExpressions.Regex.Escape(file) + "' cannot be used: it is " + problem, stdout);
    }

    [Fact]
    public void FolderWithACheckpointAndOnnxFiles_ShipsTheNamedFile_ElseExportsTheCheckpoint()
    {
        var both = Path.Combine(_root, "both");
        Directory.CreateDirectory(Path.Combine(both, "onnx"));
        foreach (var file in Directory.GetFiles(TestPaths.SmsModel))
        {
            File.Copy(file, Path.Combine(both, Path.GetFileName(file)));
        }

        File.Copy(_variants.QuantizedFile, Path.Combine(both, SmsOnnxVariants.Quantized));
        Assert.Equal(ModelFolderContents.Both, ModelFolder.Inspect(both));

        var named = Prepare($"model:\n  source: {both}\n  file: {SmsOnnxVariants.Quantized}\nlabels: [ham, spam]\nvalidate: {{ data: {WriteSmsData()} }}\n", "named");
        Assert.Equal(File.ReadAllBytes(_variants.QuantizedFile), File.ReadAllBytes(Path.Combine(named, ModelFolder.OnnxFile)));
        Assert.Equal(ModelFolder.OnnxFile, ModelDescription.Read(Path.Combine(named, ModelDescription.FileName)).SourceWeights);

        var unnamed = Prepare($"model:\n  source: {both}\nlabels: [ham, spam]\nvalidate: {{ data: {WriteSmsData()} }}\n", "unnamed");
        Assert.Equal(ModelFolder.SafetensorsFile, ModelDescription.Read(Path.Combine(unnamed, ModelDescription.FileName)).SourceWeights);

        // int8 with a named ready file is refused (it would not ship what model.file names); without one it quantizes the checkpoint.
        var manifest = WriteManifest($"model:\n  source: {both}\n  file: {SmsOnnxVariants.Quantized}\nlabels: [ham, spam]\nquantize: {{ mode: int8 }}\n");
        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "refused"));
        Assert.Equal(2, exit);
        Assert.Matches(@"spam\.yaml\(5,\d+\): error FB0300: quantize\.mode int8 .* model\.file names the ready ONNX file onnx/model_quantized\.onnx", stdout);
        Assert.False(Directory.Exists(Path.Combine(_root, "refused")));
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("explain")]
    [InlineData("evaluate")]
    [InlineData("benchmark")]
    public void ModelFileTheFolderLacks_IsAUsageError_ListingItsOnnxFiles(string command)
    {
        string[] arguments = command is "predict" or "explain"
            ? [command, "--model", Repo, "--model-file", "onnx/model_int8.onnx"]
            : command == "evaluate"
                ? [command, Repo, "--model-file", "onnx/model_int8.onnx", "--data", WriteSmsData()]
                : [command, Repo, "--model-file", "onnx/model_int8.onnx"];

        var (exit, _, error) = CliRunner.Run("\"hello\"", arguments);

        Assert.Equal(1, exit);
        Assert.Contains($"--model-file: {Repo} has no onnx/model_int8.onnx; its ONNX files are: onnx/model.onnx, onnx/model_quantized.onnx.", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void ModelFileThatIsNotAnOnnxPath_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run("\"hello\"", "predict", "--model", Repo, "--model-file", "../model.onnx");

        Assert.Equal(1, exit);
        Assert.Contains("--model-file: '../model.onnx' is not a relative path inside the model folder", error);
    }

    [Fact]
    public void EvaluateAndBenchmarkWithModelFile_RunThatVariant()
    {
        var data = WriteSmsData();
        var reference = Path.Combine(_root, "int8-as-model-onnx");
        Directory.CreateDirectory(reference);
        foreach (var file in new[] { ModelFolder.ConfigFile, "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(Repo, file), Path.Combine(reference, file));
        }

        File.Copy(_variants.QuantizedFile, Path.Combine(reference, ModelFolder.OnnxFile));

        var viaOption = Path.Combine(_root, "via-option.json");
        var viaFolder = Path.Combine(_root, "via-folder.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, "evaluate", Repo, "--model-file", SmsOnnxVariants.Quantized, "--data", data, "--json", viaOption).Exit);
        Assert.Equal(0, CliRunner.Run(string.Empty, "evaluate", reference, "--data", data, "--json", viaFolder).Exit);
        Assert.Equal(Metrics(viaFolder), Metrics(viaOption));

        var bench = Path.Combine(_root, "bench.json");
        var (exit, _, error) = CliRunner.Run(string.Empty, "benchmark", Repo, "--model-file", SmsOnnxVariants.Quantized, "--batch", "1", "--seq", "16", "--warmup", "0", "--iters", "1", "--json", bench);
        Assert.True(exit == 0, error);
        using var report = JsonDocument.Parse(File.ReadAllText(bench));
        Assert.Equal(new FileInfo(_variants.QuantizedFile).Length, report.RootElement.GetProperty("benchmarks")[0].GetProperty("model").GetProperty("fileSizeBytes").GetInt64());
    }

    private static string Metrics(string reportPath)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        return report.RootElement.GetProperty("evaluations")[0].GetProperty("metrics").GetRawText();
    }

    private string Prepare(string manifestText, string name)
    {
        var output = Path.Combine(_root, name);
        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", WriteManifest(manifestText), "--output", output);
        Assert.True(exit == 0, stdout + stderr);
        return output;
    }

    private string WriteManifest(string text)
    {
        var path = Path.Combine(_root, "spam.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    private string WriteSmsData()
    {
        var path = Path.Combine(_root, "sms.tsv");
        File.WriteAllLines(path, SmsData.HeldOut().Take(60).Select(e => $"{e.Label}\t{System.Text.RegularExpressions.Regex.Replace(e.Text, "\\s+", " ")}").Prepend("label\ttext"));
        return path;
    }
}
