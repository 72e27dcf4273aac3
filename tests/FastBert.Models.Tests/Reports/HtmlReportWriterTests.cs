using System.Globalization;
using System.Text.RegularExpressions;
using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Reports;

/// <summary>The HTML as text (no browser); <see cref="HtmlChromiumTests"/> renders it.</summary>
public sealed class HtmlReportWriterTests
{
    [Fact]
    public void Html_IsSelfContained_NoScriptLinkUrlOrImport()
    {
        var html = HtmlReportWriter.Write(SampleReports.All());

        // The sample's flipped SMS texts contain "http://win.example.com/claim" and a <script> tag: both must stay inert text.
        foreach (var forbidden in new[] { "<script", "<link", "http://", "https://", "@import", "url(", "<img", "<iframe", "<object", "<embed", "xlink:href", " href=", " src=" })
        {
            Assert.False(html.Contains(forbidden, StringComparison.OrdinalIgnoreCase), $"report.html contains '{forbidden}'");
        }

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<style>", html);
        Assert.Contains("font-family: system-ui", html);
        Assert.Contains("<meta charset=\"utf-8\">", html);
    }

    [Fact]
    public void Html_HasTheChartsForEveryEvaluationRunAndTheScatter()
    {
        var reports = SampleReports.All();
        var html = HtmlReportWriter.Write(reports);

        Assert.Equal(3, Count(html, "aria-label=\"Confusion matrix of "));
        Assert.Equal(3, Count(html, "aria-label=\"Precision, recall and F1 per class of "));
        Assert.Equal(4, Count(html, "aria-label=\"Latency histogram of "));
        Assert.Equal(1, Count(html, "aria-label=\"Accuracy against p50 latency per model\""));
        Assert.Equal(11, Count(html, "<svg "));

        // Emotion heatmap: 36 cells, each with its count and row share.
        var emotion = Section(html, "Confusion matrix of emotion-distilbert-tiny");
        Assert.Equal(36, Count(emotion, "<g class=\"cell\">"));
        Assert.Contains(">114</text>", emotion);
        Assert.Contains(">71.7%</text>", emotion); // love → love: 114 of 159
        foreach (var label in SampleReports.EmotionLabels)
        {
            Assert.Contains($">{label}</text>", emotion);
        }

        // The scatter labels the two benchmarked SMS models; the emotion model has no benchmark.
        var scatter = Section(html, "Accuracy against p50 latency per model");
        Assert.Equal(2, Count(scatter, "<circle "));
        Assert.Contains(">fp32</text>", scatter);
        Assert.Contains(">int8</text>", scatter);
        Assert.Contains("p50 ms per call at batch 1", scatter);

        // Histogram markers.
        var histogram = Section(html, "Latency histogram of fp32, data, batch 1, sequence dynamic");
        var run = reports[1].Benchmarks[0].Runs[0];
        Assert.Contains($">p50 {ExpectedMetrics.Ms(run.P50Ms)} ms</text>", histogram);
        Assert.Contains($">p95 {ExpectedMetrics.Ms(run.P95Ms)} ms</text>", histogram);
        Assert.Contains("stroke-dasharray", histogram);
    }

    [Fact]
    public void Html_SourceCarriesEveryJsonNumberInADataMetricElement()
    {
        var reports = SampleReports.All();

        var found = ExpectedMetrics.Parse(HtmlReportWriter.Write(reports));

        ExpectedMetrics.AssertMatches(ExpectedMetrics.For(reports), found);
        Assert.Equal("0.9919", found[ExpectedMetrics.Key("accuracy", ("eval", "0"), ("model", "fp32"))]);
        Assert.Equal("3", found[ExpectedMetrics.Key("confusion", ("eval", "0"), ("model", "fp32"), ("true", "ham"), ("pred", "spam"))]);
        Assert.Equal("0.9693", found[ExpectedMetrics.Key("f1", ("eval", "0"), ("model", "fp32"), ("label", "spam"))]);
    }

    [Fact]
    public void Html_EscapesLabelsNamesAndTexts()
    {
        var report = HostileReport();
        var html = HtmlReportWriter.Write([report]);

        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("<i ", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
        Assert.Contains("a &amp; &quot;b&quot;", html);
        Assert.Contains("data-label=\"&lt;b&gt;bold&lt;/b&gt;\"", html);

        // The parsed data-metric values and labels decode back to the originals.
        var found = ExpectedMetrics.Parse(html);
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For([report]), found);
    }

    [Fact]
    public void Html_NoScatter_WhenNoModelHasBothAnEvaluationAndABenchmark()
    {
        var html = HtmlReportWriter.Write([SampleReports.EmotionEvaluation(), SampleReports.SmsBenchmark()]);

        Assert.DoesNotContain("Accuracy against p50 latency", html);
        Assert.Equal(4, Count(html, "aria-label=\"Latency histogram of "));
    }

    [Fact]
    public void Html_RefusedQuantization_ShowsBadgeAndNoNumberForMissingValues()
    {
        var report = SampleReports.RefusedQuantization();
        var html = HtmlReportWriter.Write([report]);

        Assert.Contains("<span class=\"badge refused\">Refused</span>", html);
        Assert.DoesNotContain("data-metric=\"int8-size-mb\"", html);
        Assert.Contains("<td class=\"num missing\">n/a</td>", html);
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For([report]), ExpectedMetrics.Parse(html));
    }

    [Fact]
    public void Html_DoesNotDependOnTheCurrentCulture()
    {
        var reports = SampleReports.All();
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = HtmlReportWriter.Write(reports);
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            Assert.Equal(invariant, HtmlReportWriter.Write(reports));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Html_HandlesEmptyLatenciesAndASingleClassRow()
    {
        var bench = SampleReports.SmsBenchmark();
        var run = bench.Benchmarks[0].Runs[0] with { LatenciesMs = [] };
        var same = bench.Benchmarks[0].Runs[1] with { LatenciesMs = Enumerable.Repeat(5.0, 50).ToList(), P50Ms = 5, P95Ms = 5 };
        var html = HtmlReportWriter.Write([bench with { Benchmarks = [bench.Benchmarks[0] with { Runs = [run, same] }] }]);

        Assert.Contains("No raw latencies recorded", html);
        Assert.DoesNotContain("NaN", html);
        Assert.DoesNotContain("Infinity", html);
    }

    /// <summary>Labels, names and texts full of markup characters.</summary>
    internal static Report HostileReport()
    {
        string[] labels = ["<b>bold</b>", "a & \"b\"", "it's <i x='1'>"];
        var metrics = SampleReports.Metrics(labels, [[50, 3, 1], [4, 40, 2], [0, 1, 30]], auroc: null, logLoss: 0.2513);
        var model = new ModelRef("model <&> \"x\"", "models/a&b/<m>.onnx", 1_234_567);
        return new Report
        {
            Kind = "evaluate",
            CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Command = "fastbert evaluate \"models/a&b\" --data <in.tsv>",
            Machine = new MachineInfo("Linux <os>", "CPU & \"co\"", 2, "8.0", "1.22"),
            Evaluations = [new Evaluation(model, new DataRef("data/<x>&y.tsv", 131), metrics)],
            Comparisons =
            [
                new VariantComparison(model.Name, "int8 <q>", -0.01, -0.02, -0.015, 0.97,
                    [new FlippedExample(3, "</td></tr></table><b>broken?</b> url(x) @import http://evil.example", labels[0], labels[0], labels[1])]),
            ],
            Benchmarks = [new BenchmarkResult(model, 12.5, 50_000_000, [SampleReports.Run("da<ta>", 1, null, 1.5, 0.05, 7)])],
        };
    }

    private static int Count(string text, string part) => Regex.Matches(text, Regex.Escape(part)).Count;

    /// <summary>The &lt;svg&gt; element whose aria-label starts with the given text.</summary>
    private static string Section(string html, string ariaLabel)
    {
        var start = html.IndexOf($"aria-label=\"{ariaLabel}", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no chart '{ariaLabel}'");
        var end = html.IndexOf("</svg>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
