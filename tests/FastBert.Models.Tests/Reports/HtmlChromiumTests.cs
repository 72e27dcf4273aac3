using System.Buffers.Binary;
using System.Text.RegularExpressions;
using FastBert.Models.Metrics;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Models.Tests.Reports;

/// <summary>
/// report.html in a real browser (Debian's headless Chromium): it renders, and the numbers in the rendered DOM equal
/// the JSON's. Set FASTBERT_TEST_ARTIFACTS to a directory to keep the rendered HTML and screenshot for a look.
/// </summary>
public sealed class HtmlChromiumTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-report-chromium", Guid.NewGuid().ToString("N"));

    public HtmlChromiumTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void RenderedDom_NumbersEqualTheJson()
    {
        Chromium.RequireInstalled();
        var rendered = RenderSamples();

        var dom = Chromium.DumpDom(rendered.HtmlPath);

        // Compare with the reports as read back from the JSON files, formatted as documented.
        var fromJson = JsonInputs().Select(p => Report.FromJson(File.ReadAllText(p), p)).ToList();
        var found = ExpectedMetrics.Parse(dom);
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For(fromJson), found);
        Assert.True(found.Count > 150, $"only {found.Count} data-metric elements in the DOM");
        Assert.Equal("0.9919", found[ExpectedMetrics.Key("accuracy", ("eval", "0"), ("model", "fp32"))]);
        Assert.Equal("3", found[ExpectedMetrics.Key("confusion", ("eval", "0"), ("model", "fp32"), ("true", "ham"), ("pred", "spam"))]);
        Assert.Equal(
            ExpectedMetrics.Ms(fromJson[1].Benchmarks[0].Runs[0].P50Ms),
            found[ExpectedMetrics.Key("p50", ("benchmark", "0"), ("model", "fp32"), ("mode", "data"), ("batch", "1"), ("seq", "dynamic"))]);

        // The browser built the charts and kept example texts as text.
        Assert.Equal(11, Regex.Matches(dom, "<svg ").Count);
        Assert.Contains("&lt;script&gt;alert('x')&lt;/script&gt; call me | now", dom);
        Assert.Contains("http://win.example.com/claim", dom);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RenderedDom_TrainingTableAndChartsEqualTheJson()
    {
        Chromium.RequireInstalled();
        Directory.CreateDirectory(Path.Combine(_root, "train"));
        var paths = new[] { SampleReports.SmsTraining(), TrainingReportTests.LoraReport() }
            .Select((r, i) =>
            {
                var path = Path.Combine(_root, "train", $"train-{i}.json");
                File.WriteAllText(path, r.ToJson());
                return path;
            })
            .ToList();
        var rendered = ReportRenderer.RenderToDirectory(paths, Path.Combine(_root, "train-out"));

        var dom = Chromium.DumpDom(rendered.HtmlPath);

        var fromJson = paths.Select(p => Report.FromJson(File.ReadAllText(p), p)).ToList();
        var found = ExpectedMetrics.Parse(dom);
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For(fromJson), found);
        var epochs = fromJson[0].Training!.Epochs;
        for (var i = 0; i < epochs.Count; i++)
        {
            (string, string)[] key = [("training", "0"), ("epoch", ExpectedMetrics.Int(epochs[i].Epoch))];
            Assert.Equal(ExpectedMetrics.Score(epochs[i].TrainLoss), found[ExpectedMetrics.Key("train-loss", key)]);
            Assert.Equal(ExpectedMetrics.Score(epochs[i].ValidationLoss!.Value), found[ExpectedMetrics.Key("validation-loss", key)]);
            Assert.Equal(ExpectedMetrics.Score(epochs[i].MacroF1!.Value), found[ExpectedMetrics.Key("macro-f1", key)]);
        }

        Assert.Equal("0.9919", found[ExpectedMetrics.Key("accuracy", ("training", "0"), ("epoch", "2"))]);
        Assert.Equal("1.333e-4", found[ExpectedMetrics.Key("learning-rate", ("training", "1"), ("epoch", "1"))]);

        // Charts: loss and scores for the first run, loss only for the run without validation, plus the evaluation's two.
        Assert.Equal(5, Regex.Matches(dom, "<svg ").Count);
        var loss = TrainingReportTests.Series(TrainingReportTests.Chart(dom, "Loss per epoch, training 1"));
        Assert.Equal(4, loss["Train loss"].Count);
        Assert.Equal(4, loss["Validation loss"].Count);
        Assert.Single(TrainingReportTests.Series(TrainingReportTests.Chart(dom, "Loss per epoch, training 2"))["Train loss"]);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MultiLabelReport_PerLabelBarsAndSummaryEqualTheJson()
    {
        Chromium.RequireInstalled();
        var json = Path.Combine(_root, "multi-label.json");
        File.WriteAllText(json, MultiLabelSmsReport().ToJson());
        var rendered = ReportRenderer.RenderToDirectory([json], Path.Combine(_root, "multi-label"));

        var dom = Chromium.DumpDom(rendered.HtmlPath);

        var fromJson = Report.FromJson(File.ReadAllText(json), json);
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For([fromJson]), ExpectedMetrics.Parse(dom));
        Assert.Equal(2, fromJson.MultiLabelEvaluations.Count);
        Assert.Single(fromJson.MultiLabelComparisons);

        // One chart per evaluation, each with a precision, recall and F1 bar and a support figure per label.
        Assert.Equal(2, Regex.Matches(dom, "<svg ").Count);
        var bars = Regex.Matches(dom, "<rect [^>]*data-label=\"(?<label>[^\"]+)\" data-series=\"(?<series>[a-z0-9]+)\" data-value=\"(?<value>[0-9.]+)\"")
            .Select(m => (m.Groups["label"].Value, m.Groups["series"].Value, m.Groups["value"].Value))
            .ToList();
        var supports = Regex.Matches(dom, "data-label=\"(?<label>[^\"]+)\" data-support=\"(?<support>[0-9]+)\">n=\\k<support></text>")
            .Select(m => (m.Groups["label"].Value, m.Groups["support"].Value))
            .ToList();
        var expectedBars = fromJson.MultiLabelEvaluations
            .SelectMany(e => e.Metrics.PerLabel.SelectMany(l => new[]
            {
                (l.Label, "precision", ExpectedMetrics.Score(l.Precision)), (l.Label, "recall", ExpectedMetrics.Score(l.Recall)), (l.Label, "f1", ExpectedMetrics.Score(l.F1)),
            }))
            .ToList();
        Assert.Equal(expectedBars, bars);
        Assert.Equal(fromJson.MultiLabelEvaluations.SelectMany(e => e.Metrics.PerLabel.Select(l => (l.Label, ExpectedMetrics.Int(l.Support)))), supports);
        Assert.Equal(["ham", "spam"], bars.Select(b => b.Item1).Distinct());
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        KeepArtifacts(rendered.HtmlPath);
    }

    /// <summary>
    /// The SMS model read as two independent labels (ham, spam) on the first 80 messages of the SMS collection, at its
    /// own thresholds and, as a variant, at 0.9 for both labels.
    /// </summary>
    private static Report MultiLabelSmsReport()
    {
        var data = Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection");
        var rows = File.ReadLines(data).Skip(1).Take(80).Select(line => line.Split('\t', 2)).ToList();
        var texts = rows.Select(r => r[1]).ToList();
        using var folder = new MultiLabelModelFolder();
        using var model = BertModel.Load(folder.Path);
        var labels = model.Info.LabelNames;
        IReadOnlyList<IReadOnlyList<int>> sets = rows.Select(r => (IReadOnlyList<int>)[labels.ToList().IndexOf(r[0])]).ToList();
        Assert.DoesNotContain(sets, s => s[0] < 0);
        var own = MultiLabelModelEvaluator.Evaluate(model, texts, sets);
        var strict = MultiLabelModelEvaluator.Evaluate(model, texts, sets, [0.9f, 0.9f]);
        var size = new FileInfo(Path.Combine(folder.Path, "model.onnx")).Length;
        return new Report
        {
            Kind = "evaluate",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Command = "fastbert evaluate sms-tags strict=sms-tags --data SMSSpamCollection",
            Machine = new MachineInfo("linux", "cpu", 2, ".NET 10", "1.x"),
            MultiLabelEvaluations =
            [
                new MultiLabelEvaluation(new ModelRef("sms-tags", folder.Path, size), new DataRef(data, texts.Count), own.Metrics),
                new MultiLabelEvaluation(new ModelRef("strict", folder.Path, size), new DataRef(data, texts.Count), strict.Metrics),
            ],
            MultiLabelComparisons = [MultiLabelComparisonCalculator.Compare("sms-tags", "strict", own.Metrics, strict.Metrics, own.Decisions, strict.Decisions)],
        };
    }

    [Fact]
    public void Screenshot_IsANonTrivialPng()
    {
        Chromium.RequireInstalled();
        var rendered = RenderSamples();
        var png = Path.Combine(_root, "report.png");

        Chromium.Screenshot(rendered.HtmlPath, png, 1280, 2000);

        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 60_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(2000, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        KeepArtifacts(rendered.HtmlPath, png);
    }

    [Fact]
    public void HostileLabelsAndTexts_StayTextInTheBrowser()
    {
        Chromium.RequireInstalled();
        var report = HtmlReportWriterTests.HostileReport();
        var json = Path.Combine(_root, "hostile.json");
        File.WriteAllText(json, report.ToJson());
        var rendered = ReportRenderer.RenderToDirectory([json], Path.Combine(_root, "hostile"));

        var dom = Chromium.DumpDom(rendered.HtmlPath);

        Assert.DoesNotContain("<b>", dom);
        Assert.DoesNotContain("<i x=", dom);
        Assert.Contains("&lt;b&gt;broken?&lt;/b&gt; url(x) @import http://evil.example", dom);
        // One table row per flipped example: the "</td></tr></table>" in the text did not end the table.
        Assert.Single(Regex.Matches(dom, "data-metric=\"index\""));
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For([report]), ExpectedMetrics.Parse(dom));
    }

    private string[] JsonInputs()
    {
        var names = new[] { "sms-eval.json", "sms-bench.json", "sms-quantize.json", "emotion-eval.json" };
        var paths = names.Select(n => Path.Combine(_root, "in", n)).ToArray();
        if (!File.Exists(paths[0]))
        {
            Directory.CreateDirectory(Path.Combine(_root, "in"));
            var reports = SampleReports.All();
            for (var i = 0; i < paths.Length; i++)
            {
                File.WriteAllText(paths[i], reports[i].ToJson());
            }
        }

        return paths;
    }

    private RenderedReport RenderSamples() => ReportRenderer.RenderToDirectory(JsonInputs(), Path.Combine(_root, "out"));

    private static void KeepArtifacts(params string[] files)
    {
        var directory = Environment.GetEnvironmentVariable("FASTBERT_TEST_ARTIFACTS");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
        }
    }
}
