using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastBert.Models.Reports;

/// <summary>
/// The report contract written by <c>evaluate</c>, <c>benchmark</c> and <c>quantize</c> (<c>--json FILE</c>) and read
/// by <c>report</c>. Versioned by <see cref="Schema"/>; fields are only ever added. Markdown and HTML are rendered
/// from this same model.
/// </summary>
public sealed record Report
{
    public const string CurrentSchema = "fastbert.report/v1";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Schema { get; init; } = CurrentSchema;

    /// <summary>evaluate | benchmark | quantize | prepare | train.</summary>
    public required string Kind { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The command line that produced the report.</summary>
    public required string Command { get; init; }

    public required MachineInfo Machine { get; init; }

    public IReadOnlyList<Evaluation> Evaluations { get; init; } = [];

    /// <summary>Variants compared with the first evaluation (fp32 vs int8…); empty for a single model.</summary>
    public IReadOnlyList<VariantComparison> Comparisons { get; init; } = [];

    public IReadOnlyList<BenchmarkResult> Benchmarks { get; init; } = [];

    /// <summary>Multi-label models evaluated (instead of <see cref="Evaluations"/>); empty otherwise.</summary>
    public IReadOnlyList<MultiLabelEvaluation> MultiLabelEvaluations { get; init; } = [];

    /// <summary>Multi-label variants compared with the first multi-label evaluation.</summary>
    public IReadOnlyList<MultiLabelComparison> MultiLabelComparisons { get; init; } = [];

    public QuantizationSummary? Quantization { get; init; }

    /// <summary>What <c>train</c> did, epoch by epoch (kind <c>train</c> only).</summary>
    public TrainingSummary? Training { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static Report FromJson(string json, string path)
    {
        Report? report;
        try
        {
            report = JsonSerializer.Deserialize<Report>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a fastbert report ({ex.Message}).", ex);
        }

        if (report is null || report.Schema != CurrentSchema)
        {
            throw new InvalidDataException($"{path}: expected schema '{CurrentSchema}', found '{report?.Schema}'.");
        }

        return report;
    }
}

public sealed record MachineInfo(string Os, string Cpu, int Cores, string Runtime, string OnnxRuntime);

/// <summary>Which model a result is about.</summary>
public sealed record ModelRef(string Name, string Path, long FileSizeBytes, string? GraphForm = null, string? Quantization = null);

public sealed record DataRef(string Path, int Examples);

/// <summary>One model on one labelled data set.</summary>
public sealed record Evaluation(ModelRef Model, DataRef Data, ClassificationMetrics Metrics)
{
    /// <summary>The first misclassified examples in data order, each word with its contribution to the wrong label (absent in older reports).</summary>
    public IReadOnlyList<ExplainedExample>? Misclassified { get; init; }
}

/// <summary>An example and the words that drove the model's prediction for it (see <c>BertModel.Explain</c>).</summary>
/// <param name="Index">0-based position in the data.</param>
/// <param name="Confidence">The predicted label's probability.</param>
/// <param name="Words">The words of <paramref name="Text"/>; empty for a sentence pair, which is not explained.</param>
public sealed record ExplainedExample(int Index, string Text, string Expected, string Predicted, double Confidence, IReadOnlyList<ExplainedWord> Words)
{
    /// <summary>A sentence pair's second text (absent for single texts and in older reports).</summary>
    public string? TextPair { get; init; }
}

/// <summary>A word of an example's text: its UTF-16 span and its contribution to the predicted label's probability (occlusion).</summary>
public sealed record ExplainedWord(string Word, int Start, int End, double Contribution);

/// <summary>One multi-label model on one labelled data set.</summary>
public sealed record MultiLabelEvaluation(ModelRef Model, DataRef Data, MultiLabelMetrics Metrics);

/// <summary>
/// A multi-label variant against the baseline on the same data: the micro-F1 change and the share of
/// (example, label) decisions left unchanged.
/// </summary>
public sealed record MultiLabelComparison(string Baseline, string Variant, double MicroF1Delta, double MacroF1Delta, double SubsetAccuracyDelta, double DecisionAgreement, int ChangedDecisions);

/// <summary>Multi-label metrics (scikit-learn definitions; see <c>Metrics/MultiLabelMetrics.cs</c>).</summary>
public sealed record MultiLabelMetrics
{
    public required IReadOnlyList<string> Labels { get; init; }

    public required int Examples { get; init; }

    /// <summary>From TP/FP/FN summed over every (example, label).</summary>
    public required AveragedScores Micro { get; init; }

    public required AveragedScores Macro { get; init; }

    public required AveragedScores Weighted { get; init; }

    /// <summary>Per example, then averaged over examples.</summary>
    public required AveragedScores Samples { get; init; }

    /// <summary>Share of examples whose predicted label set is exactly the true set.</summary>
    public required double SubsetAccuracy { get; init; }

    /// <summary>Share of (example, label) decisions that are wrong.</summary>
    public required double HammingLoss { get; init; }

    /// <summary>Mean number of true labels per example.</summary>
    public required double LabelCardinality { get; init; }

    /// <summary>Mean number of predicted labels per example.</summary>
    public required double PredictedCardinality { get; init; }

    /// <summary>The threshold of each label, in label order, when they were recorded with the evaluation.</summary>
    public IReadOnlyList<float>? Thresholds { get; init; }

    public required IReadOnlyList<LabelScores> PerLabel { get; init; }
}

/// <summary>One label of a multi-label model: Support = examples that have it, Predicted = examples given it.</summary>
public sealed record LabelScores(string Label, double Precision, double Recall, double F1, int Support, int Predicted, double? Auroc);

/// <summary>Scikit-learn definitions; see docs in <c>Metrics/Metrics.cs</c>.</summary>
public sealed record ClassificationMetrics
{
    public required IReadOnlyList<string> Labels { get; init; }

    public required double Accuracy { get; init; }

    /// <summary>Unweighted mean over classes.</summary>
    public required AveragedScores Macro { get; init; }

    /// <summary>Mean over classes weighted by support (true count).</summary>
    public required AveragedScores Weighted { get; init; }

    public required IReadOnlyList<ClassScores> PerClass { get; init; }

    /// <summary>[true label][predicted label] counts.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; }

    /// <summary>Binary: AUROC of the positive (index 1) class; multi-class: macro one-vs-rest. Null when undefined.</summary>
    public double? Auroc { get; init; }

    public required double LogLoss { get; init; }
}

public sealed record AveragedScores(double Precision, double Recall, double F1);

/// <summary>Per-class scores; Accuracy is the class's recall (share of its examples predicted right).</summary>
public sealed record ClassScores(string Label, double Precision, double Recall, double F1, int Support, double Accuracy);

/// <summary>A variant against the baseline (the first evaluated model) on the same data.</summary>
public sealed record VariantComparison(
    string Baseline,
    string Variant,
    double AccuracyDelta,
    double MacroF1Delta,
    double WeightedF1Delta,
    double ArgmaxAgreement,
    IReadOnlyList<FlippedExample> Flipped);

public sealed record FlippedExample(int Index, string Text, string Expected, string Baseline, string Variant)
{
    /// <summary>A sentence pair's second text (absent for single texts and in older reports); pairs carry no words.</summary>
    public string? TextPair { get; init; }

    /// <summary>Each word's contribution to the baseline's label, under the baseline (absent in older reports and beyond the shown examples).</summary>
    public IReadOnlyList<ExplainedWord>? BaselineWords { get; init; }

    /// <summary>Each word's contribution to the variant's label, under the variant.</summary>
    public IReadOnlyList<ExplainedWord>? VariantWords { get; init; }
}

/// <summary>Speed and footprint of one model.</summary>
public sealed record BenchmarkResult(ModelRef Model, double LoadMs, long PeakWorkingSetBytes, IReadOnlyList<LatencyRun> Runs);

/// <summary>
/// Latency of repeated calls at one batch size: on real data with dynamic padding (<see cref="Sequence"/> null) or
/// at a fixed sequence length. Times are per call (one batch), in milliseconds.
/// </summary>
public sealed record LatencyRun(
    string Mode,
    int Batch,
    int? Sequence,
    int Iterations,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MeanMs,
    double StdMs,
    double ItemsPerSecond,
    IReadOnlyList<double> LatenciesMs);

/// <summary>
/// What quantize did and why: the accepted layout, or the reason nothing was written. A multi-label model's guard
/// fills the micro-F1 and decision-agreement fields instead of the accuracy and argmax ones; its budget is then
/// <see cref="MaxAccuracyDrop"/> read as the largest micro-F1 drop and <see cref="MinAgreement"/> as the smallest
/// share of (example, label) decisions unchanged.
/// </summary>
public sealed record QuantizationSummary(
    bool Accepted,
    string Reason,
    double MaxAccuracyDrop,
    double? AccuracyFp32,
    double? AccuracyInt8,
    double? ArgmaxAgreement,
    long Fp32SizeBytes,
    long? Int8SizeBytes,
    IReadOnlyList<string> KeptFp32,
    IReadOnlyList<QuantizationAttempt> Attempts)
{
    /// <summary><c>multi-label</c> when the guard compared per-label decisions; null for a single-label model.</summary>
    public string? Problem { get; init; }

    /// <summary>The smallest accepted agreement (argmax, or per-label decisions for multi-label); null when not recorded.</summary>
    public double? MinAgreement { get; init; }

    public double? MicroF1Fp32 { get; init; }

    public double? MicroF1Int8 { get; init; }

    /// <summary>Share of (example, label) decisions the int8 model makes as fp32 does, at <see cref="Thresholds"/>.</summary>
    public double? DecisionAgreement { get; init; }

    /// <summary>The per-label thresholds the multi-label guard decided with, in output order.</summary>
    public IReadOnlyList<float>? Thresholds { get; init; }
}

/// <summary>One layout the guard evaluated; a multi-label model's attempt has the micro-F1 fields, not the accuracy ones.</summary>
public sealed record QuantizationAttempt(int Attempt, IReadOnlyList<string> KeptFp32, double? Accuracy, double? AccuracyDrop, double? ArgmaxAgreement, bool WithinBudget)
{
    public double? MicroF1 { get; init; }

    public double? MicroF1Drop { get; init; }

    public double? DecisionAgreement { get; init; }
}

/// <summary>
/// A fine-tuning run (<c>fastbert train</c>): settings, parameter counts and one entry per completed epoch. Also the
/// body of <c>train.json</c> (schema <see cref="TrainingSummary.Schema"/>).
/// </summary>
public sealed record TrainingSummary
{
    public const string CurrentSchema = "fastbert.train/v1";

    public string Schema { get; init; } = CurrentSchema;

    /// <summary>full | head | lora.</summary>
    public required string Mode { get; init; }

    /// <summary>The base checkpoint folder (or the config-only folder of a from-scratch run).</summary>
    public required string BaseModel { get; init; }

    /// <summary>True when every weight started random (<c>--from-scratch</c>).</summary>
    public bool FromScratch { get; init; }

    /// <summary>bert | distilbert | electra.</summary>
    public required string ModelType { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary><c>multi-label</c> for a multi-label run; null for single-label.</summary>
    public string? Problem { get; init; }

    /// <summary>Weights that started random because the base has no head for these labels (empty when none).</summary>
    public IReadOnlyList<string> NewlyInitialized { get; init; } = [];

    public required long TrainableParameters { get; init; }

    public required long TotalParameters { get; init; }

    public required TrainingSettings Settings { get; init; }

    public required DataRef TrainingData { get; init; }

    public DataRef? ValidationData { get; init; }

    public required IReadOnlyList<EpochSummary> Epochs { get; init; }

    /// <summary>The epoch whose weights were written (the best one under early stopping, else the last completed).</summary>
    public int? KeptEpoch { get; init; }

    /// <summary>completed | early-stopping | cancelled.</summary>
    public required string Outcome { get; init; }

    public required double TotalSeconds { get; init; }
}

/// <summary>Hyper-parameters of a training run, as used (defaults filled in).</summary>
public sealed record TrainingSettings(
    int Epochs,
    double LearningRate,
    int BatchSize,
    int MaxTokens,
    int Seed,
    double WeightDecay,
    double WarmupRatio,
    double GradientClip,
    int? EarlyStoppingPatience,
    IReadOnlyList<double>? ClassWeights,
    int? LoraRank = null,
    double? LoraAlpha = null,
    IReadOnlyList<string>? LoraTargets = null);

/// <summary>One completed epoch: mean training loss, validation metrics (when there is validation data) and timing.</summary>
public sealed record EpochSummary(
    int Epoch,
    int Steps,
    double TrainLoss,
    double? ValidationLoss,
    double? Accuracy,
    double? MacroPrecision,
    double? MacroRecall,
    double? MacroF1,
    double? WeightedF1,
    double? Auroc,
    double Seconds,
    double LearningRate)
{
    /// <summary>Multi-label runs: validation micro-F1 (<see cref="Accuracy"/> is then the subset accuracy).</summary>
    public double? MicroF1 { get; init; }

    /// <summary>Multi-label runs: validation Hamming loss.</summary>
    public double? HammingLoss { get; init; }
}
