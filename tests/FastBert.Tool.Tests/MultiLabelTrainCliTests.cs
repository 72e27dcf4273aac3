using System.Text.Json;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// The multi-label path end to end on a subset of the real debtags data: train one epoch → the checkpoint says
/// multi_label_classification → predict prints label sets → evaluate's micro-F1 equals the one computed from
/// predict's own output against the data's labels.
/// </summary>
public sealed class MultiLabelTrainCliTests : IDisposable
{
    private static readonly string Debtags = Path.Combine(TestPaths.Data, "debtags");
    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-ml-train-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static string[] Labels => JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(Debtags, "labels.json")))!;

    [Fact]
    public void TrainOneEpoch_ThenPredictAndEvaluate_AgreeOnMicroF1()
    {
        var train = Subset("train.jsonl", 160);
        var validation = Subset("val.jsonl", 40);
        var output = Path.Combine(_root, "model");

        var (exit, stdout, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", train, "--validation", validation,
            "--problem", "multi-label", "--labels", string.Join(',', Labels), "--class-weights", "auto", "--epochs", "1", "--batch", "16",
            "--max-tokens", "32", "--lr", "1e-3", "--output", output, "--json");

        Assert.True(exit == 0, error);
        using (var summary = JsonDocument.Parse(stdout))
        {
            Assert.Equal("multi-label", summary.RootElement.GetProperty("problem").GetString());
            Assert.Equal(23, summary.RootElement.GetProperty("settings").GetProperty("classWeights").GetArrayLength());
        }

        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "config.json"))))
        {
            Assert.Equal("multi_label_classification", config.RootElement.GetProperty("problem_type").GetString());
        }

        var report = Report.FromJson(File.ReadAllText(Path.Combine(output, "report.json")), "report.json");
        Assert.Equal(40, Assert.Single(report.MultiLabelEvaluations).Metrics.Examples);

        // predict on the checkpoint (exported into the cache) against the validation rows' labels.
        var rows = File.ReadLines(validation).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var input = string.Join('\n', rows.Select(r => JsonSerializer.Serialize(r.GetProperty("text").GetString())));
        var (predictExit, predictOut, predictError) = CliRunner.Run(input, "predict", "--model", output);
        Assert.True(predictExit == 0, predictError);
        var lines = predictOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows.Length, lines.Length);
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var probabilities = line.RootElement.GetProperty("probabilities");
            Assert.Equal(Labels, probabilities.EnumerateObject().Select(p => p.Name));
            var chosen = line.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            Assert.Equal(probabilities.EnumerateObject().Where(p => p.Value.GetDouble() >= 0.5).Select(p => p.Name).ToHashSet(), chosen);
            var truth = rows[i].GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            tp += chosen.Count(truth.Contains);
            fp += chosen.Count(l => !truth.Contains(l));
            fn += truth.Count(l => !chosen.Contains(l));
        }

        var expectedMicroF1 = 2.0 * tp / Math.Max(1, (2 * tp) + fp + fn);
        var reportPath = Path.Combine(_root, "evaluate.json");
        var (evalExit, evalOut, evalError) = CliRunner.Run(string.Empty, "evaluate", output, "--data", validation, "--json", reportPath);
        Assert.True(evalExit == 0, evalError);
        Assert.Contains("micro F1", evalOut, StringComparison.Ordinal);
        var evaluation = Assert.Single(Report.FromJson(File.ReadAllText(reportPath), reportPath).MultiLabelEvaluations);
        Assert.Equal(expectedMicroF1, evaluation.Metrics.Micro.F1, 6);
        Assert.Equal(23, evaluation.Metrics.PerLabel.Count);
    }

    [NodeFact]
    public void TrainOnParquetLabelLists_GivesTheWeightsOfTheSameRowsAsJsonLines()
    {
        var train = Subset("train.jsonl", 48);
        var validation = Subset("val.jsonl", 16);
        var parquet = Path.Combine(_root, "train.parquet");
        ParquetFixtures.Write(_root, parquet, File.ReadLines(train).Select(line =>
        {
            using var row = JsonDocument.Parse(line);
            return new Dictionary<string, object>
            {
                ["text"] = row.RootElement.GetProperty("text").GetString()!,
                ["labels"] = row.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray(),
            };
        }), null);

        string Train(string data, string name)
        {
            var output = Path.Combine(_root, name);
            var (exit, _, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", data, "--validation", validation,
                "--problem", "multi-label", "--labels", string.Join(',', Labels), "--epochs", "1", "--batch", "16", "--max-tokens", "24", "--seed", "7",
                "--output", output);
            Assert.True(exit == 0, error);
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(output, "model.safetensors"))));
        }

        Assert.Equal(Train(train, "from-jsonl"), Train(parquet, "from-parquet"));
    }

    [Fact]
    public void Stratify_WithMultiLabel_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", Subset("train.jsonl", 20), "--split", "0.2", "--stratify",
            "--problem", "multi-label", "--labels", string.Join(',', Labels), "--output", Path.Combine(_root, "never"));

        Assert.NotEqual(0, exit);
        Assert.Contains("--stratify", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "never")));
    }

    private string Subset(string file, int rows)
    {
        var path = Path.Combine(_root, file);
        File.WriteAllLines(path, File.ReadLines(Path.Combine(Debtags, file)).Take(rows));
        return path;
    }
}
