using FastBert.Models.Metrics;
using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Reports;

/// <summary>A multi-label evaluation survives the JSON contract and is rendered in Markdown with its per-label table.</summary>
public sealed class MultiLabelReportTests
{
    [Fact]
    public void MultiLabelEvaluation_RoundTripsThroughJson_AndRendersMicroF1AndPerLabelRows()
    {
        IReadOnlyList<IReadOnlyList<int>> truth = [[0, 1], [2], [], [0]];
        float[][] probabilities = [[0.9f, 0.2f, 0.1f], [0.3f, 0.6f, 0.7f], [0.1f, 0.4f, 0.2f], [0.8f, 0.1f, 0.55f]];
        var metrics = MultiLabelMetricsCalculator.Compute(truth, probabilities, [0.5f, 0.5f, 0.5f], ["a", "b", "c"]) with { Thresholds = [0.5f, 0.5f, 0.5f] };
        var report = new Report
        {
            Kind = "evaluate",
            CreatedUtc = DateTimeOffset.UnixEpoch,
            Command = "fastbert evaluate tags",
            Machine = new MachineInfo("linux", "cpu", 2, ".NET 10", "1.x"),
            MultiLabelEvaluations = [new MultiLabelEvaluation(new ModelRef("tags", "/m", 10), new DataRef("tags.jsonl", 4), metrics)],
        };

        var read = Report.FromJson(report.ToJson(), "report.json");
        var markdown = MarkdownReportWriter.Write([read]);

        Assert.Equal(metrics.Micro.F1, Assert.Single(read.MultiLabelEvaluations).Metrics.Micro.F1);
        Assert.Contains("## Multi-label evaluation", markdown, StringComparison.Ordinal);
        // micro F1 2/3, macro F1 5/9, subset accuracy 1/4, Hamming loss 1/4 (the hand-worked case of MultiLabelMetricsTests).
        Assert.Contains("| tags | tags.jsonl | 4 | 0.6667 | 0.5556 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.2500 | 0.2500 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| c | 0.5000 | 1.0000 | 0.6667 | 1 | 2 | 1.0000 | 0.5000 |", markdown, StringComparison.Ordinal);
    }
}
