using System.Net;
using System.Text.RegularExpressions;
using FastBert.Models.Data;
using FastBert.Models.Metrics;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Models.Tests.Reports;

/// <summary>
/// An evaluate report of the real SMS model with its misclassified and flipped examples explained, rendered and read
/// back from headless Chromium's DOM: every explained word is a shaded span holding exactly that word of the text.
/// </summary>
public sealed class ExplainedExamplesChromiumTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fastbert-explained-report-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void MisclassifiedAndFlippedExamples_ShowEachExplainedWordAsAShadedSpan()
    {
        Chromium.RequireInstalled();
        var (report, _) = ExplainedSmsReport();
        var json = Path.Combine(_root, "eval.json");
        File.WriteAllText(json, report.ToJson());
        var rendered = ReportRenderer.RenderToDirectory([json], Path.Combine(_root, "out"));

        var dom = Chromium.DumpDom(rendered.HtmlPath);

        var fromJson = Report.FromJson(File.ReadAllText(json), json);
        var misclassified = fromJson.Evaluations[0].Misclassified!;
        Assert.NotEmpty(misclassified);
        for (var row = 0; row < misclassified.Count; row++)
        {
            var cell = TextCell(dom, $"<tr data-eval=\"0\" data-row=\"{row}\">");
            AssertShaded(cell, misclassified[row].Text, misclassified[row].Words);
        }

        var flipped = fromJson.Comparisons[0].Flipped;
        Assert.NotEmpty(flipped);
        for (var row = 0; row < Math.Min(ReportSet.FlippedShown, flipped.Count); row++)
        {
            var rowHtml = Between(dom, $"<tr data-comparison=\"0\" data-row=\"{row}\">", "</tr>");
            AssertShaded(Between(rowHtml, "data-words=\"baseline\">", "</td>"), flipped[row].Text, flipped[row].BaselineWords!);
            AssertShaded(Between(rowHtml, "data-words=\"variant\">", "</td>"), flipped[row].Text, flipped[row].VariantWords!);
        }

        // A word that decides the prediction is shaded at the strongest level, in the colour of its sign.
        var strongest = misclassified.SelectMany(x => x.Words).MaxBy(w => Math.Abs(w.Contribution))!;
        Assert.True(Math.Abs(strongest.Contribution) > 0.8, $"strongest contribution {strongest.Contribution}");
        Assert.Contains(Regex.Matches(dom, "<span class=\"w ([pn]5)\" data-word=\"([^\"]*)\""), m =>
            m.Groups[1].Value == (strongest.Contribution > 0 ? "p5" : "n5") && WebUtility.HtmlDecode(m.Groups[2].Value) == strongest.Word);
    }

    [Fact]
    public void ReportJson_KeepsTheExplanations()
    {
        var (report, _) = ExplainedSmsReport();

        var read = Report.FromJson(report.ToJson(), "eval.json");

        Assert.Equal(report.Evaluations[0].Misclassified!.SelectMany(x => x.Words), read.Evaluations[0].Misclassified!.SelectMany(x => x.Words));
        Assert.Equal(report.Comparisons[0].Flipped[0].VariantWords!, read.Comparisons[0].Flipped[0].VariantWords!);
        Assert.Null(read.Comparisons[0].Flipped.ElementAtOrDefault(ReportSet.FlippedShown)?.VariantWords);
    }

    /// <summary>
    /// The shared SMS model on its held-out split, against the same model cut to 8 tokens as the "variant" (it flips
    /// many examples), explained the way fastbert evaluate explains them.
    /// </summary>
    private static (Report Report, LabelledDataset Data) ExplainedSmsReport()
    {
        var data = LabelledDataReader.Read(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection"), DataReadOptions.Default, ["ham", "spam"])
            .Select(LabelledDataReader.ReadIndices(Path.Combine(TestPaths.Data, "sms-spam", "sms_test_indices.txt")));
        using var baseline = BertModel.Load(TestPaths.SmsModel);
        using var variant = BertModel.Load(TestPaths.SmsModel, new BertModelOptions { MaxTokens = 8 });
        var baselineEvaluation = ModelEvaluator.Evaluate(baseline, data.Texts, data.Labels);
        var variantEvaluation = ModelEvaluator.Evaluate(variant, data.Texts, data.Labels);
        var comparison = ComparisonCalculator.Compare("fp32", "cut-8", data.Examples, baselineEvaluation.Probabilities, variantEvaluation.Probabilities, baseline.Info.LabelNames);
        var model = new ModelRef("fp32", TestPaths.SmsModel, 1);
        var report = new Report
        {
            Kind = "evaluate",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Command = "fastbert evaluate",
            Machine = new MachineInfo("linux", "cpu", 2, ".NET", "1.0"),
            Evaluations =
            [
                new Evaluation(model, new DataRef("sms", data.Count), baselineEvaluation.Metrics) { Misclassified = ReportExplanations.Misclassified(baseline, data, baselineEvaluation) },
            ],
            Comparisons = [ReportExplanations.ExplainFlipped(comparison, baseline, variant)],
        };
        return (report, data);
    }

    private static void AssertShaded(string cellHtml, string text, IReadOnlyList<ExplainedWord> words)
    {
        var spans = Regex.Matches(cellHtml, "<span class=\"w( [pn][1-5])?\" data-word=\"([^\"]*)\" data-contribution=\"([^\"]*)\" title=\"[^\"]*\">([^<]*)</span>");
        Assert.Equal(words.Count, spans.Count);
        for (var i = 0; i < words.Count; i++)
        {
            Assert.Equal(words[i].Word, WebUtility.HtmlDecode(spans[i].Groups[4].Value));
            Assert.Equal(words[i].Word, WebUtility.HtmlDecode(spans[i].Groups[2].Value));
            Assert.Equal(ReportFormat.Delta(words[i].Contribution), spans[i].Groups[3].Value);
            var shade = spans[i].Groups[1].Value;
            Assert.True(Math.Abs(words[i].Contribution) < 0.005 ? shade == "" : shade.StartsWith(words[i].Contribution > 0 ? " p" : " n", StringComparison.Ordinal), $"'{words[i].Word}' {words[i].Contribution} shaded '{shade}'");
        }

        // Shading changes nothing in the text the reader sees.
        Assert.Equal(text, WebUtility.HtmlDecode(Regex.Replace(cellHtml, "<[^>]+>", "")));
    }

    private static string TextCell(string dom, string rowStart) =>
        Between(Between(dom, rowStart, "</tr>"), "<td class=\"text\">", "</td>");

    private static string Between(string html, string start, string end)
    {
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not in the DOM");
        from += start.Length;
        return html[from..html.IndexOf(end, from, StringComparison.Ordinal)];
    }
}
