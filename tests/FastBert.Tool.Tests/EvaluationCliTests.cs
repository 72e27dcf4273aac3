using System.Text.Json;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>evaluate</c>, <c>benchmark</c> and <c>report</c> on the shared SMS model and data.</summary>
public sealed class EvaluationCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-eval", Guid.NewGuid().ToString("N"));

    public EvaluationCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string SmsData => Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection");

    private static string SmsIndices => Path.Combine(TestPaths.Data, "sms-spam", "sms_test_indices.txt");

    [Fact]
    public void Evaluate_HeldOutSms_WritesReportWithReferenceAccuracy()
    {
        var json = Path.Combine(_root, "eval.json");

        var (exit, output, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", SmsData, "--indices", SmsIndices, "--json", json);

        Assert.True(exit == 0, error);
        var report = Report.FromJson(File.ReadAllText(json), json);
        var evaluation = Assert.Single(report.Evaluations);
        Assert.Equal(1114, evaluation.Data.Examples);
        Assert.Equal(["ham", "spam"], evaluation.Metrics.Labels);
        Assert.InRange(evaluation.Metrics.Accuracy, 0.991, 1.0);
        Assert.Equal(1114, evaluation.Metrics.ConfusionMatrix.Sum(row => row.Sum()));
        Assert.Equal(965, evaluation.Metrics.PerClass[0].Support);
        Assert.NotNull(evaluation.Metrics.Auroc);
        Assert.Contains("accuracy", output);

        // The misclassified examples (as many as the confusion matrix's off-diagonal, up to 10), each word explained in place.
        var wrong = evaluation.Metrics.ConfusionMatrix.Select((row, t) => row.Where((_, p) => p != t).Sum()).Sum();
        var misclassified = evaluation.Misclassified!;
        Assert.Equal(Math.Min(10, wrong), misclassified.Count);
        Assert.All(misclassified, x =>
        {
            Assert.NotEqual(x.Expected, x.Predicted);
            Assert.NotEmpty(x.Words);
            Assert.All(x.Words, w => Assert.Equal(w.Word, x.Text[w.Start..w.End]));
        });
    }

    [Fact]
    public void Evaluate_TwoModels_ComparesTheSecondWithTheFirst()
    {
        var json = Path.Combine(_root, "compare.json");
        var exported = Path.Combine(_root, "exported");
        Assert.Equal(0, CliRunner.Run(string.Empty, "export", TestPaths.SmsModel, "--output", exported, "--form", "standard").Exit);

        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--model", exported, "--data", SmsData, "--indices", SmsIndices, "--json", json);

        Assert.True(exit == 0, error);
        var comparison = Assert.Single(Report.FromJson(File.ReadAllText(json), json).Comparisons);
        Assert.Equal(1.0, comparison.ArgmaxAgreement); // same weights, different graph: identical decisions
        Assert.Empty(comparison.Flipped);
    }

    [Fact]
    public void Evaluate_UnknownLabelInData_IsAnInputErrorNamingTheLine()
    {
        var data = Path.Combine(_root, "bad.tsv");
        File.WriteAllText(data, "label\ttext\nham\thello\neggs\tcall now\n");

        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", data);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(":3", error);
        Assert.Contains("eggs", error);
    }

    [Fact]
    public void Benchmark_ThenReport_WritesLatenciesAndASelfContainedHtml()
    {
        var json = Path.Combine(_root, "bench.json");
        var evalJson = Path.Combine(_root, "eval.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", SmsData, "--indices", SmsIndices, "--json", evalJson).Exit);

        var (exit, _, error) = CliRunner.Run(string.Empty, "benchmark", TestPaths.SmsModel, "--data", SmsData, "--batch", "1,4", "--seq", "16", "--warmup", "1", "--iters", "5", "--json", json);

        Assert.True(exit == 0, error);
        var benchmark = Assert.Single(Report.FromJson(File.ReadAllText(json), json).Benchmarks);
        Assert.Equal(4, benchmark.Runs.Count); // (data + fixed) x (batch 1, 4)
        Assert.All(benchmark.Runs, run =>
        {
            Assert.Equal(5, run.LatenciesMs.Count);
            Assert.True(run.P50Ms <= run.P95Ms && run.P95Ms <= run.P99Ms);
            Assert.True(run.ItemsPerSecond > 0);
        });
        Assert.True(benchmark.PeakWorkingSetBytes > 0);

        var output = Path.Combine(_root, "report");
        var (reportExit, _, reportError) = CliRunner.Run(string.Empty, "report", evalJson, json, "--output", output);

        Assert.True(reportExit == 0, reportError);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html);
        Assert.True(File.Exists(Path.Combine(output, "report.md")));
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json"))).RootElement.ValueKind);
    }

    [Fact]
    public void Benchmark_BadBatchList_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run(string.Empty, "benchmark", TestPaths.SmsModel, "--batch", "1,zero");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--batch", error);
    }
}
