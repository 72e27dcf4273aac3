using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FastBert.Models.Reports;
using static FastBert.Models.Tests.Reports.ExpectedMetrics;

namespace FastBert.Models.Tests.Reports;

/// <summary>The training section of a <c>train</c> report: Markdown, HTML and charts, validation and JSON.</summary>
public sealed partial class TrainingReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-report-training", Guid.NewGuid().ToString("N"));

    public TrainingReportTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    internal static Report LoraReport() => new()
    {
        Kind = "train",
        CreatedUtc = new DateTimeOffset(2025, 3, 15, 8, 0, 0, TimeSpan.Zero),
        Command = "fastbert train models/emotion-distilbert-tiny --mode lora --data data/emotion/train.txt",
        Machine = SampleReports.Machine,
        Training = SampleReports.LoraTrainingSummary(),
    };

    private static Report WithTraining(TrainingSummary training) => SampleReports.SmsTraining() with { Training = training };

    // ---- Markdown ---------------------------------------------------------------------------------------------

    [Fact]
    public void Markdown_TrainingSummary_ListsModeModelParametersSettingsAndOutcome()
    {
        var md = MarkdownReportWriter.Write([SampleReports.SmsTraining()]);

        Assert.Contains("## Training\n\n- Mode: full\n- Base model: `models/bert-tiny` (bert)\n- Labels: ham, spam\n", md);
        Assert.Contains("- Parameters: 4386178 trainable of 4386178 (100.0%)\n", md);
        Assert.Contains("- Newly initialized: `classifier.weight`, `classifier.bias`\n", md);
        Assert.Contains("- Data: `data/sms-spam/train.tsv` (4458 examples); validation `data/sms-spam/held-out.tsv` (1114 examples)\n", md);
        Assert.Contains(
            "- Settings: epochs 5 · learning rate 5e-5 · batch 32 · max tokens 128 · seed 42 · weight decay 0.01 · warmup ratio 0.1 · gradient clip 1 · " +
            "early stopping patience 2 · class weights 1, 3.25\n", md);
        Assert.Contains("- Outcome: early-stopping; 4 of 5 epochs completed; kept epoch 2\n", md);
        Assert.Contains("- Total time: 241.9 s\n", md);
    }

    [Fact]
    public void Markdown_EpochTable_HasOneRowPerEpochWithTheJsonNumbers()
    {
        var report = SampleReports.SmsTraining();
        var md = MarkdownReportWriter.Write([report]);

        Assert.Contains(
            "| Epoch | Steps | Train loss | Validation loss | Accuracy | Macro P | Macro R | Macro F1 | Weighted F1 | AUROC | Seconds | LR |\n" +
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n", md);
        Assert.Contains("| 1 | 140 | 0.4129 | 0.1182 | 0.9695 | 0.9511 | 0.9023 | 0.9252 | 0.9685 | 0.9844 | 61.3 | 4.365e-5 |\n", md);
        Assert.Contains("| 2 | 140 | 0.0872 | 0.0317 | 0.9919 | 0.9866 | 0.9782 | 0.9823 | 0.9919 | 0.9963 | 58.9 | 3.175e-5 |\n", md);
        Assert.Contains("| 4 | 140 | 0.0250 | 0.0403 | 0.9892 | 0.9835 | 0.9701 | 0.9767 | 0.9891 | 0.9959 | 59.1 | 7.937e-6 |\n", md);
        foreach (var e in report.Training!.Epochs)
        {
            var row = $"| {Int(e.Epoch)} | {Int(e.Steps)} | {Score(e.TrainLoss)} | {Score(e.ValidationLoss!.Value)} | {Score(e.Accuracy!.Value)} | " +
                      $"{Score(e.MacroPrecision!.Value)} | {Score(e.MacroRecall!.Value)} | {Score(e.MacroF1!.Value)} | {Score(e.WeightedF1!.Value)} | " +
                      $"{Score(e.Auroc!.Value)} | {Sec(e.Seconds)} | {Lr(e.LearningRate)} |\n";
            Assert.Contains(row, md);
        }

        Assert.Equal(4, Regex.Matches(md, @"^\| \d \| 140 \|", RegexOptions.Multiline).Count);
    }

    [Fact]
    public void Markdown_MissingEpochValues_AreADash_AndLoraSettingsAreListed()
    {
        var md = MarkdownReportWriter.Write([LoraReport()]);

        Assert.Contains("| 1 | 1000 | 1.2044 | - | - | - | - | - | - | - | 312.5 | 1.333e-4 |\n", md);
        Assert.Contains("- Parameters: 9222 trainable of 11178502 (0.082%)\n", md);
        Assert.Contains("- Base model: `models/emotion-distilbert-tiny` (distilbert)\n", md);
        Assert.Contains("- Data: `data/emotion/train.txt` (16000 examples)\n", md);
        Assert.Contains("early stopping off · LoRA rank 8 · LoRA alpha 16 · LoRA targets q\\_lin, v\\_lin\n", md);
        Assert.Contains("- Outcome: cancelled; 1 of 3 epochs completed; kept epoch 1\n", md);
        Assert.DoesNotContain("Newly initialized", md);
        Assert.DoesNotContain("No results.", md);
    }

    [Fact]
    public void Markdown_TrainingComesBeforeTheEvaluation_AndSeveralAreNumbered()
    {
        var single = MarkdownReportWriter.Write([SampleReports.SmsTraining()]);
        var training = single.IndexOf("## Training\n", StringComparison.Ordinal);
        var evaluation = single.IndexOf("## Evaluation\n", StringComparison.Ordinal);
        Assert.True(training > 0 && evaluation > training, $"training at {training}, evaluation at {evaluation}");
        Assert.Contains("| fp32 | data/sms-spam/held-out.tsv | 1114 | 0.9919 |", single);

        var two = MarkdownReportWriter.Write([SampleReports.SmsEvaluation(), SampleReports.SmsTraining(), LoraReport()]);
        Assert.Contains("## Training 1\n", two);
        Assert.Contains("## Training 2\n", two);
        Assert.True(two.IndexOf("## Training 2\n", StringComparison.Ordinal) < two.IndexOf("## Evaluation\n", StringComparison.Ordinal));
        Assert.Contains("| 1 | 1000 | 1.2044 | - |", two[two.IndexOf("## Training 2\n", StringComparison.Ordinal)..]);
    }

    // ---- HTML -------------------------------------------------------------------------------------------------

    [Fact]
    public void Html_EveryTrainingNumberSitsInADataMetricElement()
    {
        Report[] reports = [SampleReports.SmsEvaluation(), SampleReports.SmsTraining(), LoraReport()];

        var found = Parse(HtmlReportWriter.Write(reports));

        AssertMatches(For(reports), found);
        Assert.Equal("0.0872", found[Key("train-loss", ("training", "0"), ("epoch", "2"))]);
        Assert.Equal("0.9919", found[Key("accuracy", ("training", "0"), ("epoch", "2"))]);
        Assert.Equal("3.175e-5", found[Key("learning-rate", ("training", "0"), ("epoch", "2"))]);
        Assert.Equal("2", found[Key("kept-epoch", ("training", "0"))]);
        Assert.Equal("9222", found[Key("trainable-parameters", ("training", "1"))]);
        Assert.Equal("1.2044", found[Key("train-loss", ("training", "1"), ("epoch", "1"))]);
        Assert.False(found.ContainsKey(Key("validation-loss", ("training", "1"), ("epoch", "1"))));
        // The evaluation inside the train report is numbered after the evaluate report's two.
        Assert.Equal("0.9919", found[Key("accuracy", ("eval", "2"), ("model", "fp32"))]);
    }

    [Fact]
    public void Html_LossAndScoreCharts_HaveOnePathPerSeriesWithAPointPerEpoch()
    {
        var report = SampleReports.SmsTraining();
        var html = HtmlReportWriter.Write([report]);
        var epochs = report.Training!.Epochs;

        Assert.Equal(4, Regex.Matches(html, "<svg ").Count); // loss, scores, confusion matrix, per-class bars
        Assert.True(html.IndexOf("aria-label=\"Loss per epoch\"", StringComparison.Ordinal) < html.IndexOf("aria-label=\"Confusion matrix of ", StringComparison.Ordinal));

        var loss = Chart(html, "Loss per epoch");
        var series = Series(loss);
        Assert.Equal(["Train loss", "Validation loss"], series.Keys.Order(StringComparer.Ordinal));
        var train = series["Train loss"];
        var validation = series["Validation loss"];
        Assert.Equal(4, train.Count);
        Assert.Equal(4, validation.Count);
        // SVG y grows downwards: falling train loss means rising y; validation loss is lowest at epoch 2.
        Assert.True(train.Zip(train.Skip(1)).All(p => p.Second.Y > p.First.Y), "train loss should fall every epoch");
        Assert.Equal(1, validation.Select((p, i) => (p.Y, i)).Max().i);
        Assert.True(train.Zip(train.Skip(1)).All(p => p.Second.X > p.First.X), "epochs should run left to right");
        Assert.Equal(8 + 2, Regex.Matches(loss, "<circle ").Count); // 4 points per series plus the legend's markers
        Assert.Contains($">Train loss, epoch 3&#58; {Score(epochs[2].TrainLoss)}</title>", loss);
        Assert.Contains(">Train loss</text>", loss);
        Assert.Contains(">Validation loss</text>", loss);
        Assert.Equal(0, YTicks(loss)[0]); // losses from zero

        var scores = Chart(html, "Validation scores per epoch");
        var scoreSeries = Series(scores);
        Assert.Equal(["Accuracy", "Macro F1"], scoreSeries.Keys.Order(StringComparer.Ordinal));
        Assert.All(scoreSeries.Values, points => Assert.Equal(4, points.Count));
        Assert.Contains($">Macro F1, epoch 2&#58; {Score(epochs[1].MacroF1!.Value)}</title>", scores);
        var ticks = YTicks(scores);
        Assert.True(ticks[0] >= 0.9 && ticks[^1] <= 1, $"score axis {ticks[0]} to {ticks[^1]} should zoom in on 0.96..0.99 within [0, 1]");
        Assert.True(ticks[0] <= epochs.Min(e => e.Accuracy!.Value) && ticks[^1] >= epochs.Max(e => e.Accuracy!.Value));
    }

    [Fact]
    public void Html_OneEpochWithoutValidation_DrawsTheTrainLossPointAndNoScoreChart()
    {
        var html = HtmlReportWriter.Write([LoraReport()]);

        var loss = Chart(html, "Loss per epoch");
        var series = Series(loss);
        Assert.Single(series["Train loss"]);
        Assert.Equal(["Train loss"], series.Keys);
        Assert.DoesNotContain(">Validation loss</text>", loss);
        Assert.DoesNotContain("Validation scores per epoch", html);
        Assert.Single(Regex.Matches(html, "<svg "));
        Assert.Contains("<td class=\"num missing\">-</td>", html);
        Assert.Equal(7, Regex.Matches(html, "<td class=\"num missing\">-</td>").Count);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    [Fact]
    public void Html_MissingValueInTheMiddle_BreaksTheLine()
    {
        var summary = SampleReports.SmsTrainingSummary();
        var epochs = summary.Epochs.ToList();
        epochs[1] = epochs[1] with { ValidationLoss = null, Accuracy = null };
        var html = HtmlReportWriter.Write([WithTraining(summary with { Epochs = epochs })]);

        var d = PathData(Chart(html, "Loss per epoch"), "Validation loss");
        Assert.Equal(3, Points(d).Count);
        Assert.Matches(@"^M[\d.]+ [\d.]+ M[\d.]+ [\d.]+ L[\d.]+ [\d.]+$", d);
        Assert.Matches(@"^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+$", PathData(Chart(html, "Loss per epoch"), "Train loss"));
        Assert.Equal(3, Points(PathData(Chart(html, "Validation scores per epoch"), "Accuracy")).Count);
    }

    [Fact]
    public void Html_TrainingTextsAreEscaped_AndThePageStaysSelfContained()
    {
        var summary = SampleReports.SmsTrainingSummary() with
        {
            BaseModel = "models/<b>x</b>&\"y\"",
            Labels = ["<i>ham</i>", "spam & co"],
            NewlyInitialized = ["<script>w</script>"],
            TrainingData = new DataRef("http://evil.example/train.tsv", 10),
        };
        var html = HtmlReportWriter.Write([WithTraining(summary)]);

        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<i>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html);
        Assert.Contains("<code>models/&lt;b&gt;x&lt;/b&gt;&amp;&quot;y&quot;</code>", html);
        Assert.Contains("&lt;i&gt;ham&lt;/i&gt;, spam &amp; co", html);
    }

    [Fact]
    public void LineChart_WithoutAnyValue_SaysSo()
    {
        var svg = SvgCharts.LineChart("Empty", "epoch", [1, 2], [new LineSeries("A", "#000000", [null, double.NaN])], v => v.ToString(CultureInfo.InvariantCulture));

        Assert.Contains("No values recorded", svg);
        Assert.DoesNotContain("<path", svg);
    }

    // ---- validation -------------------------------------------------------------------------------------------

    [Fact]
    public void Validator_AcceptsGoodSummaries()
    {
        ReportValidator.Validate(SampleReports.SmsTraining(), "sms");
        ReportValidator.Validate(LoraReport(), "lora");
        var noKept = SampleReports.SmsTrainingSummary() with { KeptEpoch = null, Outcome = "completed" };
        ReportValidator.Validate(WithTraining(noKept), "no-kept");
    }

    public static TheoryData<string, string> BadSummaries() => new()
    {
        { "no-epochs", "training.epochs is empty" },
        { "skipped-epoch", "training.epochs[2].epoch is 4, expected 3" },
        { "unordered-epochs", "training.epochs[0].epoch is 2, expected 1" },
        { "negative-train-loss", "training.epochs[0].trainLoss is -0.1, expected a finite number ≥ 0" },
        { "infinite-train-loss", "training.epochs[3].trainLoss is Infinity, expected a finite number ≥ 0" },
        { "nan-validation-loss", "training.epochs[1].validationLoss is NaN, expected a finite number ≥ 0" },
        { "accuracy-above-one", "training.epochs[0].accuracy is 1.2, expected a score in [0, 1]" },
        { "negative-macro-f1", "training.epochs[1].macroF1 is -0.01, expected a score in [0, 1]" },
        { "auroc-above-one", "training.epochs[2].auroc is 1.5, expected a score in [0, 1]" },
        { "weighted-f1-nan", "training.epochs[0].weightedF1 is NaN, expected a score in [0, 1]" },
        { "zero-total", "training.totalParameters is 0, expected a positive count" },
        { "zero-trainable", "training.trainableParameters is 0, expected 1 to totalParameters (4386178)" },
        { "trainable-above-total", "training.trainableParameters is 4386179, expected 1 to totalParameters (4386178)" },
        { "kept-epoch-beyond", "training.keptEpoch is 5, not one of the epochs 1 to 4" },
        { "kept-epoch-zero", "training.keptEpoch is 0, not one of the epochs 1 to 4" },
        { "unknown-mode", "training.mode is 'partial', expected one of full, head, lora" },
        { "unknown-outcome", "training.outcome is 'done', expected one of completed, early-stopping, cancelled" },
        { "null-mode", "training.mode is missing" },
        { "null-settings", "training.settings is missing" },
        { "null-label", "training.labels[1] is missing" },
        { "wrong-schema", "training.schema is 'fastbert.train/v0', expected 'fastbert.train/v1'" },
    };

    [Theory]
    [MemberData(nameof(BadSummaries))]
    public void Validator_RejectsABadSummary_NamingTheField(string problem, string message)
    {
        var good = SampleReports.SmsTrainingSummary();
        var epochs = good.Epochs.ToList();
        var bad = problem switch
        {
            "no-epochs" => good with { Epochs = [] },
            "skipped-epoch" => good with { Epochs = [epochs[0], epochs[1], epochs[3]], KeptEpoch = 1 },
            "unordered-epochs" => good with { Epochs = [epochs[1], epochs[0], epochs[2], epochs[3]] },
            "negative-train-loss" => good with { Epochs = Replace(epochs, 0, e => e with { TrainLoss = -0.1 }) },
            "infinite-train-loss" => good with { Epochs = Replace(epochs, 3, e => e with { TrainLoss = double.PositiveInfinity }) },
            "nan-validation-loss" => good with { Epochs = Replace(epochs, 1, e => e with { ValidationLoss = double.NaN }) },
            "accuracy-above-one" => good with { Epochs = Replace(epochs, 0, e => e with { Accuracy = 1.2 }) },
            "negative-macro-f1" => good with { Epochs = Replace(epochs, 1, e => e with { MacroF1 = -0.01 }) },
            "auroc-above-one" => good with { Epochs = Replace(epochs, 2, e => e with { Auroc = 1.5 }) },
            "weighted-f1-nan" => good with { Epochs = Replace(epochs, 0, e => e with { WeightedF1 = double.NaN }) },
            "zero-total" => good with { TotalParameters = 0 },
            "zero-trainable" => good with { TrainableParameters = 0 },
            "trainable-above-total" => good with { TrainableParameters = good.TotalParameters + 1 },
            "kept-epoch-beyond" => good with { KeptEpoch = 5 },
            "kept-epoch-zero" => good with { KeptEpoch = 0 },
            "unknown-mode" => good with { Mode = "partial" },
            "unknown-outcome" => good with { Outcome = "done" },
            "null-mode" => good with { Mode = null! },
            "null-settings" => good with { Settings = null! },
            "null-label" => good with { Labels = ["ham", null!] },
            "wrong-schema" => good with { Schema = "fastbert.train/v0" },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var error = Assert.Throws<InvalidDataException>(() => ReportValidator.Validate(WithTraining(bad), "train.json"));

        Assert.Equal($"train.json: not a valid fastbert report ({message}).", error.Message);
    }

    [Fact]
    public void Renderer_RejectsATrainReportWithMissingEpochs_NamingFileAndPath()
    {
        var json = JsonNode.Parse(SampleReports.SmsTraining().ToJson())!;
        json["training"]!["epochs"] = null;
        var path = Path.Combine(_root, "train.json");
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<InvalidDataException>(() => ReportRenderer.RenderToDirectory([path], Path.Combine(_root, "out")));

        Assert.StartsWith(path + ":", error.Message);
        Assert.Contains("training.epochs is missing", error.Message);
    }

    // ---- JSON -------------------------------------------------------------------------------------------------

    [Fact]
    public void Json_ReportWithTraining_RoundTrips()
    {
        var report = SampleReports.SmsTraining();
        var json = report.ToJson();

        var back = Report.FromJson(json, "train-report.json");

        Assert.Equal(json, back.ToJson());
        var t = back.Training!;
        Assert.Equal("train", back.Kind);
        Assert.Equal(TrainingSummary.CurrentSchema, t.Schema);
        Assert.Equal(4, t.Epochs.Count);
        Assert.Equal(0.031742, t.Epochs[1].ValidationLoss);
        Assert.Equal(7.937e-6, t.Epochs[3].LearningRate);
        Assert.Equal(2, t.KeptEpoch);
        Assert.Equal([1.0, 3.25], t.Settings.ClassWeights!);
        Assert.Equal(["classifier.weight", "classifier.bias"], t.NewlyInitialized);
        Assert.Equal(0.99631, back.Evaluations[0].Metrics.Auroc);

        using var document = JsonDocument.Parse(json);
        var training = document.RootElement.GetProperty("training");
        Assert.Equal("fastbert.train/v1", training.GetProperty("schema").GetString());
        Assert.Equal("early-stopping", training.GetProperty("outcome").GetString());
        Assert.Equal(0.087216, training.GetProperty("epochs")[1].GetProperty("trainLoss").GetDouble());
        Assert.Equal(2, training.GetProperty("settings").GetProperty("earlyStoppingPatience").GetInt32());
        Assert.Equal(4386178, training.GetProperty("trainableParameters").GetInt64());
    }

    [Fact]
    public void Json_MissingEpochValues_AreLeftOutAndReadBackAsNull()
    {
        var json = LoraReport().ToJson();

        var back = Report.FromJson(json, "lora.json");

        var epoch = JsonDocument.Parse(json).RootElement.GetProperty("training").GetProperty("epochs")[0];
        Assert.False(epoch.TryGetProperty("validationLoss", out _));
        Assert.False(epoch.TryGetProperty("auroc", out _));
        Assert.Null(back.Training!.Epochs[0].ValidationLoss);
        Assert.Null(back.Training.ValidationData);
        Assert.Equal(1.204418, back.Training.Epochs[0].TrainLoss);
        Assert.Equal(["q_lin", "v_lin"], back.Training.Settings.LoraTargets!);
        Assert.Equal(json, back.ToJson());
    }

    [Fact]
    public void Json_TrainingSummaryAlone_IsTrainJsonWithItsOwnSchema()
    {
        var summary = SampleReports.SmsTrainingSummary();

        var json = JsonSerializer.Serialize(summary, Report.JsonOptions);
        var back = JsonSerializer.Deserialize<TrainingSummary>(json, Report.JsonOptions)!;

        Assert.StartsWith("{\n  \"schema\": \"fastbert.train/v1\",\n  \"mode\": \"full\",", json.ReplaceLineEndings("\n"));
        Assert.Equal(json, JsonSerializer.Serialize(back, Report.JsonOptions));
        Assert.Equal("fastbert.train/v1", back.Schema);
        Assert.Equal(0.996012, back.Epochs[2].Auroc);
        Assert.Equal(241.93, back.TotalSeconds);
        Assert.Equal(new DataRef("data/sms-spam/train.tsv", 4458), back.TrainingData);
        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.TryGetProperty("kind", out _));
        Assert.Equal(140, document.RootElement.GetProperty("epochs")[0].GetProperty("steps").GetInt32());
    }

    // ---- report command ---------------------------------------------------------------------------------------

    [Fact]
    public void Renderer_CombinesATrainReportWithOthers()
    {
        Report[] reports = [SampleReports.SmsTraining(), SampleReports.SmsEvaluation(), LoraReport()];
        var paths = reports.Select((r, i) => WriteJson($"in-{i}.json", r.ToJson())).ToList();

        var rendered = ReportRenderer.RenderToDirectory(paths, Path.Combine(_root, "out"));

        using var merged = JsonDocument.Parse(File.ReadAllText(rendered.JsonPath));
        Assert.Equal(3, merged.RootElement.GetArrayLength());
        Assert.Equal("train", merged.RootElement[0].GetProperty("kind").GetString());
        var md = File.ReadAllText(rendered.MarkdownPath);
        Assert.Contains("## Training 1\n", md);
        Assert.Contains("## Training 2\n", md);
        Assert.Contains("1. train, 2025-03-14 08:56:53 UTC: `fastbert train models/bert-tiny", md);
        Assert.Contains("| 2 | 140 | 0.0872 | 0.0317 |", md);
        AssertMatches(For(reports), Parse(File.ReadAllText(rendered.HtmlPath)));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private string WriteJson(string name, string content)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static IReadOnlyList<EpochSummary> Replace(List<EpochSummary> epochs, int index, Func<EpochSummary, EpochSummary> change)
    {
        var copy = epochs.ToList();
        copy[index] = change(copy[index]);
        return copy;
    }

    /// <summary>The &lt;svg&gt; element with exactly this aria-label.</summary>
    internal static string Chart(string html, string ariaLabel)
    {
        var start = html.IndexOf($"aria-label=\"{ariaLabel}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart '{ariaLabel}'");
        return html[start..html.IndexOf("</svg>", start, StringComparison.Ordinal)];
    }

    /// <summary>Each series path's points by series name.</summary>
    internal static Dictionary<string, List<(double X, double Y)>> Series(string chart) =>
        SeriesPath().Matches(chart).ToDictionary(m => m.Groups["name"].Value, m => Points(m.Groups["d"].Value));

    private static string PathData(string chart, string series) =>
        SeriesPath().Matches(chart).Single(m => m.Groups["name"].Value == series).Groups["d"].Value;

    internal static List<(double X, double Y)> Points(string d) =>
        PathPoint().Matches(d).Select(m => (Number(m.Groups["x"].Value), Number(m.Groups["y"].Value))).ToList();

    /// <summary>The y-axis tick values, bottom to top (labels right-aligned left of the plot).</summary>
    private static List<double> YTicks(string chart) =>
        YTick().Matches(chart).Select(m => Number(m.Groups["v"].Value)).ToList();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex("""<path class="series" data-series="(?<name>[^"]*)" d="(?<d>[^"]*)"[^>]*>""")]
    private static partial Regex SeriesPath();

    [GeneratedRegex(@"[ML](?<x>-?[\d.]+) (?<y>-?[\d.]+)")]
    private static partial Regex PathPoint();

    [GeneratedRegex("""<text x="[\d.]+" y="[\d.]+" text-anchor="end" font-size="11" fill="#57606a">(?<v>-?[\d.]+)</text>""")]
    private static partial Regex YTick();
}
