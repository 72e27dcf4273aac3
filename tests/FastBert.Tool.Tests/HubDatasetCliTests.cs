using System.Text.Json;
using FastBert.Models.Reports;
using FastBert.Models.Tests.Hub;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// <c>evaluate --dataset</c> against Hub datasets on the loopback Hub server, whose Parquet files DuckDB wrote from the
/// SMS held-out rows: in the dataset's own layout (two shards, a ClassLabel in the files' metadata) and only on the
/// Hub's <c>refs/convert/parquet</c> branch (fast-bert style <c>0_ham</c> labels). Each must score exactly what
/// evaluate scores on the same rows as a TSV file.
/// </summary>
[Collection(nameof(PullCliTests))]
public sealed class HubDatasetCliTests : IDisposable
{
    private const string NativeRepo = "fastbert-test/sms_spam";
    private const string ConvertedRepo = "fastbert-test/sms_converted";
    private const string NativeCommit = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
    private const string ConvertedCommit = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    private const string MainOfConverted = "0123456789abcdef0123456789abcdef01234567";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-dataset", Guid.NewGuid().ToString("N"));

    public HubDatasetCliTests() => Directory.CreateDirectory(_root);

    private string Cache => Path.Combine(_root, "cache");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Directory.Delete(_root, recursive: true);
    }

    [NodeFact]
    public void EvaluateFromHubDataset_EqualsEvaluateFromTheSameRowsAsTsv_InBothLayouts()
    {
        var rows = SmsData.HeldOut();
        using var server = StartServer(rows);

        var tsv = Path.Combine(_root, "held-out.tsv");
        File.WriteAllLines(tsv, ["label\ttext", .. rows.Select(r => $"{r.Label}\t{r.Text}")]);
        var fromTsv = Evaluate("--data", tsv);

        // Native layout: config plain_text, split test in two shards; the ClassLabel names ham/spam map by name.
        var native = Evaluate("--dataset", NativeRepo, "--dataset-config", "plain_text", "--dataset-split", "test", "--dataset-input-column", "sms");
        Assert.Equal(rows.Count, native.Data.Examples);
        Assert.Equal($"hf-dataset:{NativeRepo}@{NativeCommit} plain_text/test", native.Data.Path);
        AssertSameScores(fromTsv, native);

        var snapshot = Path.Combine(Cache, "datasets--fastbert-test--sms_spam", "snapshots", NativeCommit, "plain_text");
        Assert.True(File.Exists(Path.Combine(snapshot, "test-00000-of-00002.parquet")));
        Assert.True(File.Exists(Path.Combine(snapshot, "test-00001-of-00002.parquet")));
        Assert.False(File.Exists(Path.Combine(snapshot, "train-00000-of-00001.parquet"))); // only the split asked for
        Assert.Empty(Directory.EnumerateFiles(Cache, "*.incomplete", SearchOption.AllDirectories));

        // Only on refs/convert/parquet, config default (the only one: --dataset-config may be left out), labels 0_ham / 1_spam.
        var fromTsvFirst = Evaluate("--data", tsv, "--max-samples", "300");
        var converted = Evaluate("--dataset", ConvertedRepo, "--dataset-split", "validation", "--normalize-labels", "--max-samples", "300");
        Assert.Equal(300, converted.Data.Examples);
        Assert.Equal($"hf-dataset:{ConvertedRepo}@{ConvertedCommit} default/validation", converted.Data.Path);
        AssertSameScores(fromTsvFirst, converted);
        Assert.True(File.Exists(Path.Combine(Cache, "datasets--fastbert-test--sms_converted", "snapshots", ConvertedCommit, "default", "validation", "0000.parquet")));
        Assert.Empty(server.Violations);
    }

    [NodeFact]
    public void QuantizeGuardedByAHubDataset_ReportsTheAccuracyOnItsRows()
    {
        using var server = StartServer(SmsData.HeldOut().Take(200).ToList());
        var output = Path.Combine(_root, "int8");

        var (exit, stdout, error) = CliRunner.Run(string.Empty, "quantize", TestPaths.SmsModel, "--output", output,
            "--dataset", $"hf-dataset:{NativeRepo}", "--dataset-config", "plain_text", "--dataset-split", "test", "--max-samples", "120");

        Assert.True(exit == 0, error);
        Assert.Contains("accuracy fp32", stdout);
        Assert.Contains($"hf-dataset:{NativeRepo}@{NativeCommit} plain_text/test", error);
        Assert.True(File.Exists(Path.Combine(output, "model.onnx")));
    }

    [NodeFact]
    public void EvaluateFromHubDataset_Mistakes_ListWhatExists_AndAnUnreachableHubIsANetworkError()
    {
        using var server = StartServer(SmsData.HeldOut().Take(40).ToList());

        var split = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", NativeRepo, "--dataset-config", "plain_text", "--dataset-split", "validation");
        Assert.Equal(ExitCodes.InputError, split.Exit);
        Assert.Contains("no split 'validation'", split.Error);
        Assert.Contains("config 'plain_text': splits test, train", split.Error);

        var config = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", NativeRepo, "--dataset-config", "sst2", "--dataset-split", "test");
        Assert.Equal(ExitCodes.InputError, config.Exit);
        Assert.Contains("no configuration 'sst2'", config.Error);

        var column = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", NativeRepo, "--dataset-config", "plain_text", "--dataset-split", "test", "--dataset-input-column", "sentence");
        Assert.Equal(ExitCodes.InputError, column.Exit);
        Assert.Contains("there is no column 'sentence'; the columns are sms, label", column.Error);

        // Without --normalize-labels, 0_ham is no label of the model.
        var labels = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", ConvertedRepo, "--dataset-split", "validation");
        Assert.Equal(ExitCodes.InputError, labels.Exit);
        Assert.Contains("unknown label '0_ham'", labels.Error);

        var repo = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", "nobody/nothing", "--dataset-split", "test");
        Assert.Equal(ExitCodes.InputError, repo.Exit);
        Assert.Contains("nobody/nothing", repo.Error);

        Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://127.0.0.1:9");
        var unreachable = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--dataset", NativeRepo, "--dataset-split", "test");
        Assert.Equal(ExitCodes.NetworkError, unreachable.Exit);
        Assert.Contains("Could not reach the Hugging Face Hub at http://127.0.0.1:9", unreachable.Error);
        Assert.DoesNotContain("   at ", unreachable.Error);
    }

    private HubTestServer StartServer(IReadOnlyList<(string Label, string Text)> rows)
    {
        var classLabel = """{"info":{"features":{"sms":{"dtype":"string","_type":"Value"},"label":{"names":["ham","spam"],"_type":"ClassLabel"}}}}""";
        var half = rows.Count / 2;
        var native = Path.Combine(_root, "native");
        WriteParquet(Path.Combine(native, "plain_text", "test-00000-of-00002.parquet"), rows.Take(half).Select(r => Row("sms", r.Text, r.Label == "spam" ? 1 : 0)), classLabel);
        WriteParquet(Path.Combine(native, "plain_text", "test-00001-of-00002.parquet"), rows.Skip(half).Select(r => Row("sms", r.Text, r.Label == "spam" ? 1 : 0)), classLabel);
        WriteParquet(Path.Combine(native, "plain_text", "train-00000-of-00001.parquet"), rows.Take(5).Select(r => Row("sms", r.Text, r.Label == "spam" ? 1 : 0)), classLabel);
        File.WriteAllText(Path.Combine(native, "README.md"), "---\nlicense: cc-by-4.0\n---\n");

        var convertedMain = Path.Combine(_root, "converted-main");
        Directory.CreateDirectory(convertedMain);
        File.WriteAllText(Path.Combine(convertedMain, "validation.csv"), "text,label\n");
        var converted = Path.Combine(_root, "converted");
        WriteParquet(Path.Combine(converted, "default", "validation", "0000.parquet"), rows.Select(r => Row("text", r.Text, r.Label == "spam" ? "1_spam" : "0_ham")), null);

        var server = new HubTestServer(TestPaths.SmsModel);
        server.AddDataset(NativeRepo, "main", NativeCommit, native);
        server.AddDataset(ConvertedRepo, "main", MainOfConverted, convertedMain);
        server.AddDataset(ConvertedRepo, "refs/convert/parquet", ConvertedCommit, converted);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", Cache);
        return server;
    }

    private static Dictionary<string, object> Row(string textColumn, string text, object label) => new() { [textColumn] = text, ["label"] = label };

    private void WriteParquet(string path, IEnumerable<Dictionary<string, object>> rows, string? metadata) =>
        ParquetFixtures.Write(_root, path, rows, metadata);

    private Evaluation Evaluate(params string[] data)
    {
        var json = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".json");
        var (exit, _, error) = CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, .. data, "--json", json]);
        Assert.True(exit == 0, error);
        return Assert.Single(Report.FromJson(File.ReadAllText(json), json).Evaluations);
    }

    private static void AssertSameScores(Evaluation expected, Evaluation actual)
    {
        Assert.Equal(expected.Data.Examples, actual.Data.Examples);
        Assert.Equal(expected.Metrics.Accuracy, actual.Metrics.Accuracy);
        Assert.Equal(expected.Metrics.LogLoss, actual.Metrics.LogLoss);
        Assert.Equal(expected.Metrics.Auroc, actual.Metrics.Auroc);
        Assert.Equal(expected.Metrics.Macro.F1, actual.Metrics.Macro.F1);
        Assert.Equal(JsonSerializer.Serialize(expected.Metrics.ConfusionMatrix), JsonSerializer.Serialize(actual.Metrics.ConfusionMatrix));
    }
}
