using FastBert.ModelFolders;
using FastBert.Models.Benchmarking;
using FastBert.Models.Quantization;
using FastBert.Models.Reports;
using FastBert.Models.Tests.Reports;
using FastBert.Tests;

namespace FastBert.Models.Tests.Quantization;

/// <summary>
/// The int8 guard of a multi-label model: the SMS checkpoint with <c>problem_type: multi_label_classification</c>
/// (two independent sigmoids), checked on SMS messages whose label set is their one label.
/// </summary>
public sealed class MultiLabelQuantizationGuardTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-multilabel-guard", Guid.NewGuid().ToString("N"));
    private readonly string _checkpoint;

    public MultiLabelQuantizationGuardTests()
    {
        _checkpoint = Path.Combine(_root, "checkpoint");
        MultiLabelModelFolder.WriteCheckpoint(_checkpoint);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static List<(string Text, IReadOnlyList<int> Labels)> Examples() =>
        QuantizationTestData.SmsHeldOut().Take(300).Select(e => (e.Text, (IReadOnlyList<int>)[e.Label])).ToList();

    [Fact]
    public void AcceptedRun_ReportsMicroF1AndTheShareOfUnchangedLabelDecisions()
    {
        var examples = Examples();
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = _checkpoint, OutputDirectory = target, MultiLabelExamples = examples });

        Assert.True(result.Accepted, result.Summary.Reason);
        var summary = result.Summary;
        Assert.Equal("multi-label", summary.Problem);
        Assert.Null(summary.AccuracyFp32);
        Assert.Null(summary.ArgmaxAgreement);
        Assert.Equal([0.5f, 0.5f], summary.Thresholds);
        Assert.All(summary.Attempts, a => Assert.Null(a.Accuracy));
        Assert.NotNull(summary.Attempts[^1].MicroF1);

        // Independent view: the PyTorch exporter's fp32 graph shipped with the model, and the int8 folder written,
        // each label decided at probability >= 0.5; micro F1 and agreement counted here.
        var fp32 = Decide(TestPaths.SmsModel, examples.Select(e => e.Text).ToList());
        var int8 = Decide(target, examples.Select(e => e.Text).ToList());
        var changed = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            changed += (fp32[i][0] != int8[i][0] ? 1 : 0) + (fp32[i][1] != int8[i][1] ? 1 : 0);
        }

        // The guard's fp32 is fastbert's own export of the same weights: decisions may differ from PyTorch's graph
        // only at a probability within float rounding of 0.5.
        Assert.Equal(1 - changed / (2.0 * examples.Count), summary.DecisionAgreement!.Value, 2);
        Assert.Equal(MicroF1(examples, fp32), summary.MicroF1Fp32!.Value, 2);
        Assert.Equal(MicroF1(examples, int8), summary.MicroF1Int8!.Value, 2);
        Assert.True(summary.MicroF1Fp32 - summary.MicroF1Int8 <= 0.005 + 1e-9);
        Assert.True(summary.DecisionAgreement >= 0.99);
        Assert.Equal("multi-label", ModelDescription.Read(Path.Combine(target, ModelDescription.FileName)).Problem);
        AssertReportsShowTheGuardsFigures(summary);
    }

    // report.json carries the multi-label guard's figures; report.md and report.html, rendered from it, show each one.
    private void AssertReportsShowTheGuardsFigures(QuantizationSummary summary)
    {
        var jsonPath = Path.Combine(_root, "report.json");
        File.WriteAllText(jsonPath, new Report
        {
            Kind = "quantize",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Command = "fastbert quantize",
            Machine = MachineDescription.Current(),
            Quantization = summary,
        }.ToJson());
        var read = Report.FromJson(File.ReadAllText(jsonPath), jsonPath);
        var q = read.Quantization!;
        Assert.NotEmpty(q.Attempts);

        var markdown = MarkdownReportWriter.Write([read]);
        Assert.Contains($"| Micro F1 fp32 | {ExpectedMetrics.Score(q.MicroF1Fp32!.Value)} |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| Micro F1 int8 | {ExpectedMetrics.Score(q.MicroF1Int8!.Value)} |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| Decision agreement | {ExpectedMetrics.Score(q.DecisionAgreement!.Value)} |", markdown, StringComparison.Ordinal);
        foreach (var a in q.Attempts)
        {
            Assert.Contains(
                $"| {ExpectedMetrics.Score(a.MicroF1!.Value)} | {ExpectedMetrics.Score(a.MicroF1Drop!.Value)} | {ExpectedMetrics.Score(a.DecisionAgreement!.Value)} | {(a.WithinBudget ? "yes" : "no")} |",
                markdown, StringComparison.Ordinal);
        }

        var found = ExpectedMetrics.Parse(HtmlReportWriter.Write([read]));
        ExpectedMetrics.AssertMatches(ExpectedMetrics.For([read]), found);
        Assert.Equal(ExpectedMetrics.Score(q.DecisionAgreement.Value), found[ExpectedMetrics.Key("decision-agreement", ("quantization", "0"))]);
        Assert.Equal(ExpectedMetrics.Score(q.Attempts[^1].MicroF1Drop!.Value),
            found[ExpectedMetrics.Key("micro-f1-drop", ("quantization", "0"), ("attempt", ExpectedMetrics.Int(q.Attempts[^1].Attempt)))]);
    }

    [Fact]
    public void AgreementAboveOne_IsRefused_NothingWritten_ReasonNamesDecisionAgreement()
    {
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = _checkpoint, OutputDirectory = target, MultiLabelExamples = Examples(), MinArgmaxAgreement = 1.01 });

        Assert.False(result.Accepted);
        Assert.False(Directory.Exists(target));
        Assert.Contains("min decision agreement 1.0100", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Contains("micro F1 drop", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Contains("(example, label) decisions", result.Summary.Reason, StringComparison.Ordinal);
        Assert.All(result.Summary.Attempts, a => Assert.NotNull(a.DecisionAgreement));
    }

    [Fact]
    public void GivenThresholds_DecideTheGuardAndAreRecordedInModelJson_TheRuntimeReadsThemBack()
    {
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = _checkpoint, OutputDirectory = target, MultiLabelExamples = Examples(), Thresholds = [0.25f, 0.75f] });

        Assert.True(result.Accepted, result.Summary.Reason);
        Assert.Equal([0.25f, 0.75f], result.Summary.Thresholds);
        using var model = BertModel.Load(target);
        Assert.Equal([0.25f, 0.75f], model.Info.Thresholds);
    }

    [Fact]
    public void SingleLabelExamplesForAMultiLabelModel_AreRefusedWithTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => Int8Quantizer.Quantize(new QuantizeRequest
        {
            Source = _checkpoint,
            OutputDirectory = Path.Combine(_root, "int8"),
            Examples = QuantizationTestData.SmsHeldOut().Take(10).ToList(),
        }));

        Assert.Contains("MultiLabelExamples", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "int8")));
    }

    private static bool[][] Decide(string folder, IReadOnlyList<string> texts)
    {
        using var model = BertModel.Load(folder, new BertModelOptions { Problem = ClassificationProblem.MultiLabel });
        return model.ClassifyBatch(texts).Select(r => r.Probabilities.Select(p => p >= 0.5f).ToArray()).ToArray();
    }

    private static double MicroF1(IReadOnlyList<(string Text, IReadOnlyList<int> Labels)> examples, bool[][] decisions)
    {
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            for (var c = 0; c < 2; c++)
            {
                var truth = examples[i].Labels.Contains(c);
                tp += truth && decisions[i][c] ? 1 : 0;
                fp += !truth && decisions[i][c] ? 1 : 0;
                fn += truth && !decisions[i][c] ? 1 : 0;
            }
        }

        return 2.0 * tp / (2 * tp + fp + fn);
    }
}
