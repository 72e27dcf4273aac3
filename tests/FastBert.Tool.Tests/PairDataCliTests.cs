using System.Text.Json;
using FastBert.Models.Export;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Data files of sentence pairs (<c>--text-pair-column</c>) for evaluate and quantize, on the SMS pairs fixture
/// (tests/fixtures/sms-pairs): a pair is spam when either message is.
/// </summary>
public sealed class PairDataCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-pairs", Guid.NewGuid().ToString("N"));

    public PairDataCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string TestPairs => Path.Combine(TestPaths.SmsPairs, "sms_pairs_test.tsv");

    private static readonly string[] PairColumns = ["--text-column", "sentence1", "--text-pair-column", "sentence2"];

    // The fixture read independently: split on tabs, header skipped.
    private static List<(string First, string Second, string Label)> ReadFixture() =>
        File.ReadLines(TestPairs).Skip(1).Select(l => l.Split('\t')).Select(f => (f[0], f[1], f[2])).ToList();

    [Fact]
    public void Evaluate_PairFile_EqualsPredictOnPairLines_AndItsMetricsRecomputed()
    {
        var rows = ReadFixture();
        var json = Path.Combine(_root, "eval.json");

        var (exit, _, error) = CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--data", TestPairs, "--json", json, .. PairColumns]);
        Assert.True(exit == 0, error);

        var input = string.Join('\n', rows.Select(r => JsonSerializer.Serialize(new { text = r.First, text_pair = r.Second }))) + "\n";
        var (predictExit, predictOutput, predictError) = CliRunner.Run(input, "predict", "--model", TestPaths.SmsModel);
        Assert.True(predictExit == 0, predictError);
        var predicted = predictOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("label").GetString()!).ToList();
        Assert.Equal(rows.Count, predicted.Count);

        var evaluation = Assert.Single(Report.FromJson(File.ReadAllText(json), json).Evaluations);
        Assert.Equal(rows.Count, evaluation.Data.Examples);
        var correct = rows.Zip(predicted).Count(x => x.First.Label == x.Second);
        Assert.Equal((double)correct / rows.Count, evaluation.Metrics.Accuracy, 12);
        var labels = evaluation.Metrics.Labels;
        for (var t = 0; t < labels.Count; t++)
        {
            for (var p = 0; p < labels.Count; p++)
            {
                Assert.Equal(rows.Zip(predicted).Count(x => x.First.Label == labels[t] && x.Second == labels[p]), evaluation.Metrics.ConfusionMatrix[t][p]);
            }
        }

        var macroF1 = labels.Select(label =>
        {
            var tp = rows.Zip(predicted).Count(x => x.First.Label == label && x.Second == label);
            var predictedCount = predicted.Count(p => p == label);
            var support = rows.Count(r => r.Label == label);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = (double)tp / support;
            return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }).Average();
        Assert.Equal(macroF1, evaluation.Metrics.Macro.F1, 12);

        // The misclassified pairs are the first wrong rows, each with its second text and no (single-text) explanation.
        var wrong = rows.Select((r, i) => (Row: r, Index: i)).Where(x => x.Row.Label != predicted[x.Index]).Take(10).ToList();
        Assert.NotEmpty(wrong);
        Assert.Equal(wrong.Select(w => w.Index), evaluation.Misclassified!.Select(m => m.Index));
        Assert.All(evaluation.Misclassified!.Zip(wrong), x =>
        {
            Assert.Equal(x.Second.Row.First, x.First.Text);
            Assert.Equal(x.Second.Row.Second, x.First.TextPair);
            Assert.Empty(x.First.Words);
        });

        // The second texts reached the model: the first texts alone score otherwise.
        var singleJson = Path.Combine(_root, "single.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", TestPairs, "--text-column", "sentence1", "--json", singleJson).Exit);
        Assert.NotEqual(evaluation.Metrics.Accuracy, Assert.Single(Report.FromJson(File.ReadAllText(singleJson), singleJson).Evaluations).Metrics.Accuracy);

        // The HTML report shows each misclassified pair's second text after [SEP].
        var site = Path.Combine(_root, "site");
        var (reportExit, _, reportError) = CliRunner.Run(string.Empty, "report", json, "--output", site);
        Assert.True(reportExit == 0, reportError);
        var html = File.ReadAllText(Path.Combine(site, "report.html"));
        var shownPairs = System.Text.RegularExpressions.Regex.Matches(html, "<span class=\"pair\">([^<]*)</span>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal(wrong.Select(w => w.Row.Second), shownPairs);
    }

    [Fact]
    public void Evaluate_PairsAsJsonLines_ScoresAsTheTsv()
    {
        var rows = ReadFixture();
        var jsonl = Path.Combine(_root, "pairs.jsonl");
        File.WriteAllLines(jsonl, rows.Select(r => JsonSerializer.Serialize(new { premise = r.First, hypothesis = r.Second, label = r.Label })));
        var tsvJson = Path.Combine(_root, "tsv.json");
        var jsonlJson = Path.Combine(_root, "jsonl.json");

        Assert.Equal(0, CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--data", TestPairs, "--json", tsvJson, .. PairColumns]).Exit);
        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", jsonl, "--text-column", "premise", "--text-pair-column", "hypothesis", "--json", jsonlJson);

        Assert.True(exit == 0, error);
        var fromTsv = Assert.Single(Report.FromJson(File.ReadAllText(tsvJson), tsvJson).Evaluations).Metrics;
        var fromJsonl = Assert.Single(Report.FromJson(File.ReadAllText(jsonlJson), jsonlJson).Evaluations).Metrics;
        Assert.Equal(fromTsv.Accuracy, fromJsonl.Accuracy);
        Assert.Equal(fromTsv.LogLoss, fromJsonl.LogLoss);
    }

    [NodeFact]
    public void Evaluate_PairsAsParquet_ScoresAsTheTsv_AndAMissingColumnListsTheColumns()
    {
        var parquet = Path.Combine(_root, "pairs.parquet");
        ParquetFixtures.Write(_root, parquet, ReadFixture().Select(r => new Dictionary<string, object> { ["sentence1"] = r.First, ["sentence2"] = r.Second, ["label"] = r.Label }), null);
        var tsvJson = Path.Combine(_root, "tsv.json");
        var parquetJson = Path.Combine(_root, "parquet.json");

        Assert.Equal(0, CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--data", TestPairs, "--json", tsvJson, .. PairColumns]).Exit);
        var (exit, _, error) = CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--data", parquet, "--json", parquetJson, .. PairColumns]);

        Assert.True(exit == 0, error);
        var fromTsv = Assert.Single(Report.FromJson(File.ReadAllText(tsvJson), tsvJson).Evaluations).Metrics;
        var fromParquet = Assert.Single(Report.FromJson(File.ReadAllText(parquetJson), parquetJson).Evaluations).Metrics;
        Assert.Equal(fromTsv.Accuracy, fromParquet.Accuracy);
        Assert.Equal(fromTsv.LogLoss, fromParquet.LogLoss);

        var (missingExit, _, missingError) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", parquet, "--text-column", "sentence1", "--text-pair-column", "hypothesis");
        Assert.Equal(ExitCodes.InputError, missingExit);
        Assert.Contains("there is no column 'hypothesis'; the columns are sentence1, sentence2, label", missingError);
    }

    [Fact]
    public void Prepare_PairManifest_GatesAndGuardsOnThePairs_AsEvaluateScoresThem()
    {
        var evalJson = Path.Combine(_root, "eval.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--data", TestPairs, "--json", evalJson, .. PairColumns]).Exit);
        var pairAccuracy = Assert.Single(Report.FromJson(File.ReadAllText(evalJson), evalJson).Evaluations).Metrics.Accuracy;

        // A gate between the first texts' accuracy alone (0.74) and the pairs' (0.82) passes only when the gate reads pairs.
        var validate = $"validate:\n  data: {TestPairs}\n  textColumn: sentence1\n  textPairColumn: sentence2\n  minAccuracy: 0.8\n";
        var manifest = Path.Combine(_root, "thread.yaml");
        File.WriteAllText(manifest, $"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\ninputs: [first, second]\nquantize: {{ mode: int8, maxAccuracyDrop: 0.05 }}\n{validate}");
        var output = Path.Combine(_root, "prepared");

        var (exit, stdout, error) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + error);
        var report = Report.FromJson(File.ReadAllText(Path.Combine(output, "report.json")), "report.json");
        Assert.Equal(pairAccuracy, report.Quantization!.AccuracyFp32!.Value, 12);
        var intEvalJson = Path.Combine(_root, "int8-eval.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, ["evaluate", output, "--data", TestPairs, "--json", intEvalJson, .. PairColumns]).Exit);
        Assert.Equal(Assert.Single(Report.FromJson(File.ReadAllText(intEvalJson), intEvalJson).Evaluations).Metrics.Accuracy, Assert.Single(report.Evaluations).Metrics.Accuracy, 12);

        // The same manifest without textPairColumn would validate first texts alone: FB0020 at validate.
        var unpaired = Path.Combine(_root, "unpaired.yaml");
        File.WriteAllText(unpaired, $"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\ninputs: [first, second]\nvalidate:\n  data: {TestPairs}\n  textColumn: sentence1\n");
        var refused = CliRunner.Run(string.Empty, "prepare", unpaired, "--output", Path.Combine(_root, "never"));
        Assert.NotEqual(0, refused.Exit);
        Assert.Matches(@"unpaired\.yaml\(5,1\): error FB0020: .*validate\.textPairColumn", refused.Output + refused.Error);
        Assert.False(Directory.Exists(Path.Combine(_root, "never")));
    }

    [Theory]
    [InlineData("tsv", "no text pair column named 'sentence3'; the first row's columns are: 'sentence1', 'sentence2', 'label'")]
    [InlineData("jsonl", "no text pair field (looked for 'sentence3'; the object has 'sentence1', 'sentence2', 'label')")]
    public void Evaluate_MissingPairColumn_NamesTheColumnsPresent(string format, string expected)
    {
        var data = TestPairs;
        if (format == "jsonl")
        {
            data = Path.Combine(_root, "pairs.jsonl");
            File.WriteAllLines(data, ReadFixture().Take(3).Select(r => JsonSerializer.Serialize(new { sentence1 = r.First, sentence2 = r.Second, label = r.Label })));
        }

        var (exit, output, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", data, "--text-column", "sentence1", "--text-pair-column", "sentence3");

        Assert.NotEqual(0, exit);
        Assert.Contains(data, error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Quantize_GuardsOnPairs_WithTheAccuracyEvaluateGivesBothModelsOnThePairs()
    {
        var output = Path.Combine(_root, "int8");
        var json = Path.Combine(_root, "q.json");

        var (exit, _, error) = CliRunner.Run(string.Empty, ["quantize", TestPaths.SmsModel, "--output", output, "--json", json, "--data", TestPairs, "--max-accuracy-drop", "0.05", "--min-agreement", "0.9", .. PairColumns]);

        Assert.True(exit == 0, error);
        var summary = Report.FromJson(File.ReadAllText(json), json).Quantization!;
        var evalJson = Path.Combine(_root, "eval.json");
        Assert.Equal(0, CliRunner.Run(string.Empty, ["evaluate", TestPaths.SmsModel, "--model", output, "--data", TestPairs, "--json", evalJson, .. PairColumns]).Exit);
        var report = Report.FromJson(File.ReadAllText(evalJson), evalJson);
        Assert.Equal(report.Evaluations[0].Metrics.Accuracy, summary.AccuracyFp32!.Value, 12);
        Assert.Equal(report.Evaluations[1].Metrics.Accuracy, summary.AccuracyInt8!.Value, 12);
        Assert.Equal(report.Comparisons[0].ArgmaxAgreement, summary.ArgmaxAgreement!.Value, 12);

        // The pair's first texts alone are another guard set: the guard read the second texts.
        using var model = BertModel.Load(ExportCache.ResolveRunnableModel(TestPaths.SmsModel));
        var rows = ReadFixture();
        var firstsAlone = rows.Count(r => model.Info.LabelNames[model.Classify(r.First).Index] == r.Label) / (double)rows.Count;
        Assert.NotEqual(firstsAlone, summary.AccuracyFp32!.Value, 6);
    }
}
