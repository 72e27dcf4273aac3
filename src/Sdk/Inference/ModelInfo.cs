using FastBert.ModelFolders;

namespace FastBert;

/// <summary>What a loaded model is and where it came from.</summary>
public sealed record ModelInfo
{
    /// <summary>The folder the model was loaded from.</summary>
    public required string Directory { get; init; }

    /// <summary>The ONNX file inside <see cref="Directory"/>.</summary>
    public required string ModelFile { get; init; }

    /// <summary>The pre-optimised model.ort the session was built from instead of <see cref="ModelFile"/> (see <see cref="RuntimeGraph"/>); null when it ran the ONNX file.</summary>
    public string? RuntimeGraphFile { get; init; }

    /// <summary>config.json's model_type (bert, distilbert, electra…) when known.</summary>
    public string? ModelType { get; init; }

    /// <summary>Label names in model output order.</summary>
    public required IReadOnlyList<string> LabelNames { get; init; }

    /// <summary>Single-label (softmax, one label per text) or multi-label (a sigmoid per label, any set of labels).</summary>
    public ClassificationProblem Problem { get; init; } = ClassificationProblem.SingleLabel;

    /// <summary>
    /// A multi-label model's threshold per label in output order: a label is chosen when its probability is at or
    /// above its threshold (the options', else model.json's, else 0.5). Empty for a single-label model.
    /// </summary>
    public IReadOnlyList<float> Thresholds { get; init; } = [];

    /// <summary>Token limit applied to every text, including [CLS] and [SEP].</summary>
    public required int MaxTokens { get; init; }

    /// <summary>
    /// The longest sequence the model accepts, [CLS] and [SEP] included: config.json's max_position_embeddings
    /// (512 when it does not say). <see cref="MaxTokens"/> is at most this.
    /// </summary>
    public required int MaxPositions { get; init; }

    /// <summary>Whether the tokenizer lowercases.</summary>
    public required bool Lowercase { get; init; }

    /// <summary>The ONNX graph's input names.</summary>
    public required IReadOnlyList<string> InputNames { get; init; }

    /// <summary>Where the model came from (<c>hf:org/name@rev</c> or a folder), from model.json; null when unrecorded.</summary>
    public string? Source { get; init; }

    /// <summary>The Hub commit of the model's files, from model.json; null for local sources.</summary>
    public string? Revision { get; init; }

    /// <summary>sha256 of model.onnx as recorded in model.json when it was written; null without model.json.</summary>
    public string? Sha256 { get; init; }

    /// <summary>Quantization applied ("int8"), or null for float32.</summary>
    public string? Quantization { get; init; }

    /// <summary>The validation figures the model passed at build time (prepare with <c>validate:</c>); else null.</summary>
    public ModelValidation? Validation { get; init; }
}
