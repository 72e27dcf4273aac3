using System.Globalization;
using FastBert.Models.Reports;
using static FastBert.Models.Tests.Reports.ExpectedMetrics;

namespace FastBert.Models.Tests.Reports;

public sealed class MarkdownReportWriterTests
{
    private static string[] Lines(string markdown) => markdown.Split('\n');

    [Fact]
    public void Header_NamesMachineOnceAndEveryCommand()
    {
        var reports = SampleReports.All();
        var md = MarkdownReportWriter.Write(reports);

        Assert.StartsWith("# fastbert report\n", md);
        Assert.Contains(
            "**Machine:** Debian GNU/Linux 12 (bookworm) · Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (8 cores) · .NET 8.0.11 · ONNX Runtime 1.22.0",
            md);
        Assert.Contains("**Commands:**", md);
        foreach (var report in reports)
        {
            Assert.Contains($"`{report.Command}`", md);
        }

        Assert.Contains("1. evaluate, 2025-03-14 09:26:53 UTC: `fastbert evaluate models/sms-spam-bert-tiny", md);
        Assert.Contains("3. quantize, 2025-03-14 09:35:53 UTC: ", md);
    }

    [Fact]
    public void Header_ListsEachMachine_WhenReportsRanOnDifferentMachines()
    {
        var other = SampleReports.SmsBenchmark() with { Machine = SampleReports.Machine with { Cpu = "AMD EPYC 7763", Cores = 4 } };
        var md = MarkdownReportWriter.Write([SampleReports.SmsEvaluation(), other]);

        Assert.Contains("**Machines:**", md);
        Assert.Contains("1. Debian GNU/Linux 12 (bookworm) · Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz (8 cores)", md);
        Assert.Contains("2. Debian GNU/Linux 12 (bookworm) · AMD EPYC 7763 (4 cores)", md);
    }

    [Fact]
    public void Evaluation_MetricsTableHasOneRowPerModel_WithFixedDecimals()
    {
        var reports = SampleReports.All();
        var md = MarkdownReportWriter.Write(reports);

        Assert.Contains("| Model | Data | Examples | Accuracy | Macro P | Macro R | Macro F1 | Weighted P | Weighted R | Weighted F1 | AUROC | Log loss |", md);
        foreach (var e in reports.SelectMany(r => r.Evaluations))
        {
            var m = e.Metrics;
            var row = $"| {e.Model.Name} | {e.Data.Path} | {Int(e.Data.Examples)} | {Score(m.Accuracy)} | {Score(m.Macro.Precision)} | {Score(m.Macro.Recall)} | " +
                      $"{Score(m.Macro.F1)} | {Score(m.Weighted.Precision)} | {Score(m.Weighted.Recall)} | {Score(m.Weighted.F1)} | {Score(m.Auroc!.Value)} | {Score(m.LogLoss)} |";
            Assert.Contains(row, md);
        }

        // The literal numbers of the SMS fp32 model: 1105 of 1114 right.
        Assert.Contains("| fp32 | data/sms-spam/held-out.tsv | 1114 | 0.9919 |", md);
        Assert.Contains("| int8 | data/sms-spam/held-out.tsv | 1114 | 0.9910 |", md);
        Assert.Contains("| 0.9963 | 0.0317 |", md);
    }

    [Fact]
    public void Evaluation_PerClassAndConfusionTables()
    {
        var md = MarkdownReportWriter.Write([SampleReports.SmsEvaluation()]);

        Assert.Contains("| Label | Precision | Recall | F1 | Support | Accuracy |", md);
        // spam: 142 of 148 found, 142 of 145 spam predictions right.
        Assert.Contains("| spam | 0.9793 | 0.9595 | 0.9693 | 148 | 0.9595 |", md);
        Assert.Contains("| ham | 0.9938 | 0.9969 | 0.9953 | 966 | 0.9969 |", md);

        Assert.Contains("Confusion matrix (rows: true label, columns: predicted label):", md);
        Assert.Contains(@"| true \ predicted | ham | spam |", md);
        Assert.Contains("| **ham** | 963 | 3 |", md);
        Assert.Contains("| **spam** | 6 | 142 |", md);
        Assert.Contains("| **spam** | 6 | 142 |\n", md);
        Assert.Contains("### 1. fp32 on `data/sms-spam/held-out.tsv` (1114 examples)", md);
        Assert.Contains("Model file: models/sms-spam-bert-tiny/model.onnx, 17.56 MB, graph: fused, quantization: none.", md);
    }

    [Fact]
    public void Evaluation_SixClassEmotionConfusionMatrix()
    {
        var md = MarkdownReportWriter.Write([SampleReports.EmotionEvaluation()]);

        Assert.Contains(@"| true \ predicted | sadness | joy | love | anger | fear | surprise |", md);
        Assert.Contains("| --- | ---: | ---: | ---: | ---: | ---: | ---: |", md);
        Assert.Contains("| **love** | 4 | 38 | 114 | 2 | 1 | 0 |", md);
        Assert.Contains("| **surprise** | 3 | 9 | 0 | 1 | 14 | 39 |", md);
        Assert.Contains("| emotion-distilbert-tiny | data/emotion/test.txt | 2000 | 0.8805 |", md);
        Assert.Contains("| surprise | 0.6964 | 0.5909 | 0.6393 | 66 | 0.5909 |", md);
    }

    [Fact]
    public void Comparison_ShowsDeltasAgreementCountAndFirstTenFlips()
    {
        var report = SampleReports.SmsEvaluation();
        var md = MarkdownReportWriter.Write([report]);
        var c = report.Comparisons[0];

        Assert.Contains("| Baseline | Variant | Δ accuracy | Δ macro F1 | Δ weighted F1 | Argmax agreement | Flipped |", md);
        Assert.Contains($"| fp32 | int8 | -0.0009 | {Delta(c.MacroF1Delta)} | {Delta(c.WeightedF1Delta)} | 0.9883 | 13 |", md);
        Assert.Contains("### fp32 → int8: flipped examples (first 10 of 13)", md);
        Assert.Contains("| Index | Expected | fp32 | int8 | Text |", md);

        var rows = Lines(md).SkipWhile(l => !l.StartsWith("| Index |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(10, rows.Count);
        Assert.StartsWith("| 17 | spam | spam | ham | Free entry in 2 a wkly comp", rows[0]);
        Assert.StartsWith("| 533 |", rows[9]);
        Assert.DoesNotContain("XXXMobileMovieClub", md);
        Assert.DoesNotContain("Eleventh flipped example", md);
        Assert.DoesNotContain("Twelfth flipped example", md);

        // Markup and the column separator in example texts are escaped; each row keeps its six separators.
        Assert.Contains(@"| 412 | ham | spam | ham | \<script\>alert('x')\</script\> call me \| now |", md);
        Assert.Contains(@"Is that seriously how you spell his name? \<3 \& ""quotes"" 'too' |", md);
        Assert.All(rows, r => Assert.Equal(6, r.Replace(@"\|", "").Count(ch => ch == '|')));
    }

    [Fact]
    public void Comparison_WithFewFlips_SaysAll()
    {
        var report = SampleReports.SmsEvaluation();
        var few = report with { Comparisons = [report.Comparisons[0] with { Flipped = SampleReports.SmsFlips().Take(3).ToList() }] };

        var md = MarkdownReportWriter.Write([few]);

        Assert.Contains("### fp32 → int8: flipped examples (all 3)", md);
    }

    [Fact]
    public void Benchmark_TablesHaveModelFootprintAndOneRowPerRun()
    {
        var report = SampleReports.SmsBenchmark();
        var md = MarkdownReportWriter.Write([report]);

        Assert.Contains("| Model | Load ms | Peak working set MB | File size MB |", md);
        Assert.Contains("| fp32 | 184.372 | 96.47 | 17.56 |", md);
        Assert.Contains("| int8 | 121.905 | 71.30 | 4.52 |", md);
        Assert.Contains("| Model | Mode | Batch | Seq | Iterations | p50 ms | p95 ms | p99 ms | Mean ms | Std ms | Items/s |", md);
        foreach (var b in report.Benchmarks)
        {
            foreach (var run in b.Runs)
            {
                Assert.Contains(
                    $"| {b.Model.Name} | data | {run.Batch} | dynamic | 200 | {Ms(run.P50Ms)} | {Ms(run.P95Ms)} | {Ms(run.P99Ms)} | {Ms(run.MeanMs)} | {Ms(run.StdMs)} | {Rate(run.ItemsPerSecond)} |",
                    md);
            }
        }

        var runRows = Lines(md).Count(l => l.StartsWith("| fp32 | data |", StringComparison.Ordinal) || l.StartsWith("| int8 | data |", StringComparison.Ordinal));
        Assert.Equal(4, runRows);
        Assert.Matches(@"\| fp32 \| data \| 1 \| dynamic \| 200 \| 2\.\d{3} \| \d\.\d{3} \|", md);
    }

    [Fact]
    public void Benchmark_FixedSequenceRunShowsItsLength()
    {
        var report = SampleReports.SmsBenchmark();
        var fixedRun = SampleReports.Run("fixed", 8, 128, medianMs: 9.5, spread: 0.04, seed: 9);
        var withFixed = report with { Benchmarks = [report.Benchmarks[0] with { Runs = [fixedRun] }] };

        var md = MarkdownReportWriter.Write([withFixed]);

        Assert.Contains($"| fp32 | fixed | 8 | 128 | 200 | {Ms(fixedRun.P50Ms)} |", md);
    }

    [Fact]
    public void Quantization_Accepted_ShowsSizesKeptLayersAndAttempts()
    {
        var report = SampleReports.SmsQuantization();
        var md = MarkdownReportWriter.Write([report]);

        Assert.Contains("## Quantization\n", md);
        Assert.Contains("**Accepted**: int8 accuracy 0.9910 is within 0.0100 of fp32 0.9919 with the classifier kept in fp32", md);
        Assert.Contains("| Max accuracy drop | 0.0100 |", md);
        Assert.Contains("| Accuracy fp32 | 0.9919 |", md);
        Assert.Contains("| Accuracy int8 | 0.9910 |", md);
        Assert.Contains("| Argmax agreement | 0.9883 |", md);
        Assert.Contains("| fp32 size MB | 17.56 |", md);
        Assert.Contains("| int8 size MB | 4.52 |", md);
        Assert.Contains("Kept in fp32: `/classifier/MatMul`", md);
        Assert.Contains("| Attempt | Kept fp32 | Accuracy | Accuracy drop | Argmax agreement | Within budget |", md);
        Assert.Contains("| 1 | none | 0.9776 | 0.0144 | 0.9820 | no |", md);
        Assert.Contains("| 2 | `/classifier/MatMul` | 0.9910 | 0.0009 | 0.9883 | yes |", md);
    }

    [Fact]
    public void Quantization_Refused_ShowsReasonAndMissingValues()
    {
        var md = MarkdownReportWriter.Write([SampleReports.RefusedQuantization()]);

        Assert.Contains("**Refused**: every layout lost more than 0.0020 accuracy; nothing was written", md);
        Assert.Contains("| Accuracy int8 | n/a |", md);
        Assert.Contains("| int8 size MB | n/a |", md);
        Assert.Contains("| fp32 size MB | 44.71 |", md);
        Assert.Contains("Kept in fp32: none", md);
        Assert.Contains("| 2 | `/classifier/MatMul`, `/pre_classifier/MatMul` | 0.8745 | 0.0060 | n/a | no |", md);
    }

    [Fact]
    public void Numbers_DoNotDependOnTheCurrentCulture()
    {
        var reports = SampleReports.All();
        var original = CultureInfo.CurrentCulture;
        string invariant;
        string german;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = MarkdownReportWriter.Write(reports);
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            german = MarkdownReportWriter.Write(reports);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(invariant, german);
        Assert.Contains("0.9919", german);
        Assert.DoesNotContain("0,9919", german);
    }

    [Fact]
    public void EmptyList_SaysNoResults_AndNullReportIsRejected()
    {
        Assert.Contains("No results.", MarkdownReportWriter.Write([]));
        Assert.Throws<ArgumentNullException>(() => MarkdownReportWriter.Write(null!));
        var broken = SampleReports.SmsEvaluation() with { Machine = null! };
        var error = Assert.Throws<InvalidDataException>(() => MarkdownReportWriter.Write([broken]));
        Assert.Contains("reports[0]", error.Message);
        Assert.Contains("machine", error.Message);
    }
}
