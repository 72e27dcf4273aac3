using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Models.Reports;

namespace FastBert.Models.Quantization;

/// <summary>What <see cref="Int8Quantizer.Quantize"/> quantizes, where it writes, and the accuracy budget it must keep.</summary>
public sealed record QuantizeRequest
{
    /// <summary>
    /// A Hugging Face checkpoint folder (config.json + model.safetensors or pytorch_model.bin + vocab.txt), or a
    /// folder written by <see cref="OnnxExporter.Export"/>, whose model.json names the checkpoint it came from.
    /// </summary>
    public required string Source { get; init; }

    /// <summary>The int8 model folder to write (model.onnx, tokenizer files, config.json, model.json).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// Labelled texts (label = output index) the int8 model is checked on against the float32 model. Null: the
    /// int8 model is written without an accuracy check (the summary says so).
    /// </summary>
    public IReadOnlyList<(string Text, int Label)>? Examples { get; init; }

    /// <summary>
    /// A multi-label model's labelled texts (config.json <c>problem_type: multi_label_classification</c>): each text
    /// with its set of label indices (may be empty), given instead of <see cref="Examples"/>. The guard then compares
    /// per-label decisions at <see cref="Thresholds"/>: <see cref="MaxAccuracyDrop"/> bounds the micro-F1 drop and
    /// <see cref="MinArgmaxAgreement"/> the share of (example, label) decisions int8 makes as fp32 does.
    /// </summary>
    public IReadOnlyList<(string Text, IReadOnlyList<int> Labels)>? MultiLabelExamples { get; init; }

    /// <summary>
    /// Sentence pairs: the second text of each example of <see cref="Examples"/> (or <see cref="MultiLabelExamples"/>),
    /// in the same order; the guard classifies each pair. Null: single texts.
    /// </summary>
    public IReadOnlyList<string?>? TextPairs { get; init; }

    /// <summary>
    /// A multi-label model's per-label thresholds, in output order; recorded in the int8 folder's model.json. Null:
    /// the source folder's model.json thresholds, else 0.5 for every label.
    /// </summary>
    public IReadOnlyList<float>? Thresholds { get; init; }

    /// <summary>Largest allowed accuracy loss (fp32 accuracy − int8 accuracy, a fraction; multi-label: micro-F1 loss). Default: 0.005.</summary>
    public double MaxAccuracyDrop { get; init; } = 0.005;

    /// <summary>Smallest allowed share of examples whose int8 argmax equals the fp32 argmax (multi-label: of (example, label) decisions unchanged). Default: 0.99.</summary>
    public double MinArgmaxAgreement { get; init; } = 0.99;

    /// <summary>One weight scale per output channel; false: one per tensor. Default: true.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>7-bit weights (±63), for CPUs without VNNI. Default: false.</summary>
    public bool ReduceRange { get; init; }

    /// <summary>
    /// Replace an existing output folder that fastbert did not write (no model.json) when the result is accepted.
    /// Default: false, such a folder is refused; fastbert's own earlier output is always replaced.
    /// </summary>
    public bool Force { get; init; }

    /// <summary>How the app will run the model (token limit, lowercasing): the guard measures with these. Default: the model's own.</summary>
    public RunSettings Run { get; init; } = RunSettings.Default;

    /// <summary>ONNX Runtime threads used while evaluating; null: all cores.</summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>How quantized linears are written. Default: <see cref="Int8Quantizer.DefaultMatMul"/>.</summary>
    public QuantizedMatMulKind MatMul { get; init; } = Int8Quantizer.DefaultMatMul;

    /// <summary>Progress messages (one line each), e.g. for the console.</summary>
    public IProgress<string>? Progress { get; init; }
}

/// <summary>
/// The outcome of <see cref="Int8Quantizer.Quantize"/>. When <see cref="Accepted"/> is false nothing was written
/// and <see cref="QuantizationSummary.Reason"/> says why (callers exit with code 2).
/// </summary>
public sealed record QuantizeResult(
    bool Accepted,
    string? OutputDirectory,
    QuantizationSummary Summary,
    ModelDescription? Model,
    IReadOnlyList<LinearSensitivity> Sensitivity,
    TimeSpan Elapsed);

/// <summary>
/// How much quantizing one linear layer alone (with the word embeddings int8, every other linear float32) moves the
/// model away from float32 on the examples: mean KL(fp32 ‖ probe) of the class probabilities, and argmax agreement
/// (multi-label: the mean over labels of the Bernoulli KL of each sigmoid, and decision agreement).
/// </summary>
public sealed record LinearSensitivity(string Layer, double MeanKlDivergence, double ArgmaxAgreement);

/// <summary>The source could not be quantized (missing checkpoint, bad arguments); nothing was written.</summary>
public sealed class QuantizationException(string message, Exception? innerException = null) : Exception(message, innerException);
