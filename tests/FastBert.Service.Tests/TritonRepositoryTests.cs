using ClassifierService;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Serving;
using FastBert.Service.Tests.Triton;
using FastBert.Tests;

namespace FastBert.Service.Tests;

/// <summary>
/// <c>ServingRepository</c> (what <c>fastbert export --format triton|kserve</c> writes) checked against Triton's
/// configuration schema, and <see cref="TritonClassifierClient{TLabel}"/> against a v2 server running the exported ONNX.
/// </summary>
public sealed class TritonRepositoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-triton-").FullName;

    // The model SpamClassifier loads (the sample's prepared folder, copied beside this assembly).
    private static string ServedModel => Path.Combine(AppContext.BaseDirectory, "fastbert", "spam");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Triton_ConfigParsesAgainstTritonsSchema_WithTheModelsInputsOutputsAndBatching()
    {
        var repo = Path.Combine(_root, "repo");

        var result = ServingRepository.Write(ServedModel, repo, ServingFormat.Triton, new ServingRepositoryOptions { Name = "sms-spam", MaxBatchSize = 16, IntraOpThreads = 2 });

        var config = TextFormat.Parse<ModelConfig>(File.ReadAllText(Path.Combine(repo, "sms-spam", "config.pbtxt")));
        Assert.Equal("sms-spam", config.Name);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal(16, config.MaxBatchSize);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], config.Input.Select(i => i.Name));
        Assert.All(config.Input, input =>
        {
            Assert.Equal(DataType.TypeInt64, input.DataType);
            Assert.Equal([-1L], input.Dims);
        });
        var logits = Assert.Single(config.Output);
        Assert.Equal("logits", logits.Name);
        Assert.Equal(DataType.TypeFp32, logits.DataType);
        Assert.Equal([2L], logits.Dims);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, config.SchedulingChoiceCase);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, Assert.Single(config.InstanceGroup).Kind);
        Assert.Equal("2", config.Parameters["intra_op_thread_count"].StringValue);

        // The graph's own inputs and output are the ones the config names, and the label file lists id2label.
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(repo, "sms-spam", "1", "model.onnx"));
        Assert.Equal(config.Input.Select(i => i.Name).Order(), session.InputNames.Order());
        Assert.Contains("logits", session.OutputNames);
        Assert.Equal(["ham", "spam"], File.ReadAllLines(Path.Combine(repo, "sms-spam", logits.LabelFilename)));
        Assert.Equal(FastBert.ModelFolders.FileHashes.Sha256(Path.Combine(ServedModel, "model.onnx")), FastBert.ModelFolders.FileHashes.Sha256(Path.Combine(repo, "sms-spam", "1", "model.onnx")));
        Assert.Contains("sms-spam/vocab.txt", result.Files);
        Assert.Contains("sms-spam/config.json", result.Files);
    }

    [Fact]
    public void TextFormatParser_RejectsFieldsAndValuesTritonsSchemaDoesNotHave()
    {
        Assert.Throws<FormatException>(() => TextFormat.Parse<ModelConfig>("max_batch: 4"));
        Assert.Throws<FormatException>(() => TextFormat.Parse<ModelConfig>("input { name: \"x\" data_type: TYPE_LONG }"));
        Assert.Throws<FormatException>(() => TextFormat.Parse<ModelConfig>("max_batch_size: \"4\""));
        Assert.Throws<FormatException>(() => TextFormat.Parse<ModelConfig>("instance_group { kind: KIND_CPU"));
    }

    [Fact]
    public void KServe_WritesTheRepositoryAndAnInferenceServiceServingIt()
    {
        var repo = Path.Combine(_root, "kserve");

        ServingRepository.Write(ServedModel, repo, ServingFormat.KServe, new ServingRepositoryOptions { Name = "sms-spam", StorageUri = "s3://models/fastbert" });

        var manifest = File.ReadAllText(Path.Combine(repo, "inferenceservice.yaml"));
        Assert.Contains("kind: InferenceService", manifest, StringComparison.Ordinal);
        Assert.Contains("  name: sms-spam\n", manifest, StringComparison.Ordinal);
        Assert.Contains("        name: onnx\n", manifest, StringComparison.Ordinal);
        Assert.Contains("      protocolVersion: v2\n", manifest, StringComparison.Ordinal);
        Assert.Contains("      storageUri: \"s3://models/fastbert\"\n", manifest, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(repo, "sms-spam", "config.pbtxt")));
        Assert.True(File.Exists(Path.Combine(repo, "sms-spam", "1", "model.onnx")));
    }

    [Fact]
    public void Repository_RefusesAFolderItDidNotWrite_AndBadSettings_LeavingNothingBehind()
    {
        var foreign = Directory.CreateDirectory(Path.Combine(_root, "foreign")).FullName;
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "mine");

        Assert.Throws<OutputFolderException>(() => ServingRepository.Write(ServedModel, foreign, ServingFormat.Triton));
        Assert.Equal(["notes.txt"], Directory.GetFiles(foreign).Select(Path.GetFileName));
        var kserve = Assert.Throws<ExportException>(() => ServingRepository.Write(ServedModel, Path.Combine(_root, "k"), ServingFormat.KServe, new ServingRepositoryOptions { Name = "spam" }));
        Assert.Contains("--storage-uri", kserve.Message, StringComparison.Ordinal);
        Assert.Throws<ExportException>(() => ServingRepository.Write(ServedModel, Path.Combine(_root, "n"), ServingFormat.Triton, new ServingRepositoryOptions { Name = "Spam Filter" }));
        Assert.False(Directory.Exists(Path.Combine(_root, "k")));
        Assert.False(Directory.Exists(Path.Combine(_root, "n")));

        // Writing again over its own repository replaces it.
        var repo = Path.Combine(_root, "again");
        ServingRepository.Write(ServedModel, repo, ServingFormat.Triton, new ServingRepositoryOptions { Name = "one" });
        ServingRepository.Write(ServedModel, repo, ServingFormat.Triton, new ServingRepositoryOptions { Name = "two" });
        Assert.Equal(["two"], Directory.GetDirectories(repo).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Client_OverTheV2Protocol_AnswersAsTheInProcessClassifier()
    {
        var repo = Path.Combine(_root, "repo");
        ServingRepository.Write(ServedModel, repo, ServingFormat.Triton, new ServingRepositoryOptions { Name = "sms-spam" });
        await using var server = await V2InferenceServer.StartAsync(repo, "sms-spam");
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = TritonClassifierClient<SpamLabel>.FromModelDirectory(http, Path.Combine(repo, "sms-spam"), maxTokens: 128);
        using var local = SpamClassifier.Load();
        var texts = SmsData.HeldOut().Take(40).Select(m => m.Text).Append(string.Join(' ', Enumerable.Repeat("free prize", 100))).ToList();

        var remote = await client.PredictBatchAsync(texts);
        var one = await client.PredictAsync(texts[0]);
        var direct = local.PredictBatch(texts);

        Assert.Equal("sms-spam", client.ModelName);
        Assert.Equal(2, server.InferRequests);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(direct[i].Label, remote[i].Label);
            Assert.Equal(direct[i].TokenCount, remote[i].TokenCount);
            Assert.Equal(direct[i].Truncated, remote[i].Truncated);
            Assert.Equal(direct[i].Scores[1], remote[i].Scores[1], 1e-4f);
        }

        Assert.True(remote[^1].Truncated);
        Assert.Equal(direct[0].Scores[1], one.Scores[1], 1e-4f);
        Assert.Contains(remote, p => p.Label == SpamLabel.Spam);
        Assert.Contains(remote, p => p.Label == SpamLabel.Ham);
    }

    [Fact]
    public async Task Client_ReportsTheServersErrorForAnUnknownModel()
    {
        var repo = Path.Combine(_root, "repo");
        ServingRepository.Write(ServedModel, repo, ServingFormat.Triton, new ServingRepositoryOptions { Name = "sms-spam" });
        await using var server = await V2InferenceServer.StartAsync(repo, "sms-spam");
        using var http = new HttpClient { BaseAddress = server.Address };
        var client = TritonClassifierClient<SpamLabel>.FromModelDirectory(http, Path.Combine(repo, "sms-spam"), modelName: "other");

        var error = await Assert.ThrowsAsync<TritonInferenceException>(() => client.PredictAsync("hello"));

        Assert.Contains("v2/models/other/infer answered 404", error.Message, StringComparison.Ordinal);
        Assert.Contains("'other' is not found", error.Message, StringComparison.Ordinal);
    }
}
