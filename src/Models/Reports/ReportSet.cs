namespace FastBert.Models.Reports;

/// <summary>
/// Several reports seen as one document: their trainings, evaluations, comparisons, benchmarks and quantizations in
/// file order, numbered across files (the numbers are the <c>data-training</c>, <c>data-eval</c>… indices of the HTML).
/// </summary>
internal sealed class ReportSet
{
    /// <summary>How many flipped examples a comparison lists (the count always covers all of them).</summary>
    public const int FlippedShown = 10;

    /// <summary>How many misclassified examples an evaluation lists with their words explained.</summary>
    public const int MisclassifiedShown = 10;

    private ReportSet(IReadOnlyList<Report> reports)
    {
        Reports = reports;
        Evaluations = reports.SelectMany(r => r.Evaluations).ToList();
        Comparisons = reports.SelectMany(r => r.Comparisons).ToList();
        MultiLabelEvaluations = reports.SelectMany(r => r.MultiLabelEvaluations ?? []).ToList();
        MultiLabelComparisons = reports.SelectMany(r => r.MultiLabelComparisons ?? []).ToList();
        Benchmarks = reports.SelectMany(r => r.Benchmarks).ToList();
        Quantizations = reports.Where(r => r.Quantization is not null).Select(r => r.Quantization!).ToList();
        Trainings = reports.Where(r => r.Training is not null).Select(r => r.Training!).ToList();
        var machines = reports.Select(r => r.Machine).Distinct().ToList();
        SharedMachine = machines.Count == 1 ? machines[0] : null;
    }

    public IReadOnlyList<Report> Reports { get; }

    public IReadOnlyList<Evaluation> Evaluations { get; }

    public IReadOnlyList<VariantComparison> Comparisons { get; }

    public IReadOnlyList<MultiLabelEvaluation> MultiLabelEvaluations { get; }

    public IReadOnlyList<MultiLabelComparison> MultiLabelComparisons { get; }

    public IReadOnlyList<BenchmarkResult> Benchmarks { get; }

    public IReadOnlyList<QuantizationSummary> Quantizations { get; }

    public IReadOnlyList<TrainingSummary> Trainings { get; }

    /// <summary>True when no report has a section to show.</summary>
    public bool IsEmpty => Trainings.Count + Evaluations.Count + MultiLabelEvaluations.Count + Comparisons.Count + Benchmarks.Count + Quantizations.Count == 0;

    /// <summary>The machine all reports ran on, or null when they differ (then each report's machine is listed).</summary>
    public MachineInfo? SharedMachine { get; }

    public static ReportSet From(IReadOnlyList<Report> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        for (var i = 0; i < reports.Count; i++)
        {
            ReportValidator.Validate(reports[i], $"reports[{i}]");
        }

        return new ReportSet(reports);
    }

    /// <summary>
    /// The run a model's latency is quoted from in the accuracy-vs-latency view: the smallest batch (batch 1 when
    /// measured), preferring real data with dynamic padding over a fixed sequence length.
    /// </summary>
    public static LatencyRun? ReferenceRun(BenchmarkResult benchmark) =>
        benchmark.Runs
            .OrderBy(r => r.Batch)
            .ThenBy(r => r.Sequence is null ? 0 : 1)
            .FirstOrDefault();

    /// <summary>
    /// Models with both an evaluation and a benchmark (matched by <see cref="ModelRef.Name"/>; the first of each when
    /// a name repeats), as accuracy against the reference run's p50.
    /// </summary>
    public IReadOnlyList<LatencyAccuracyPoint> LatencyAccuracyPoints()
    {
        var points = new List<LatencyAccuracyPoint>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var benchmark in Benchmarks)
        {
            if (!seen.Add(benchmark.Model.Name))
            {
                continue;
            }

            var evaluation = Evaluations.FirstOrDefault(e => e.Model.Name == benchmark.Model.Name);
            var run = ReferenceRun(benchmark);
            if (evaluation is null || run is null)
            {
                continue;
            }

            points.Add(new LatencyAccuracyPoint(benchmark.Model.Name, evaluation.Metrics.Accuracy, run.P50Ms, run.Batch, evaluation.Data?.Path ?? ""));
        }

        return points;
    }
}

internal sealed record LatencyAccuracyPoint(string Model, double Accuracy, double P50Ms, int Batch, string DataPath);
