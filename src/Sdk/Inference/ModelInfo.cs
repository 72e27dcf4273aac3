namespace FastBert;

/// <summary>What a loaded model is and where it came from.</summary>
public sealed record ModelInfo
{
    /// <summary>The folder the model was loaded from.</summary>
    public required string Directory { get; init; }

    /// <summary>The ONNX file inside <see cref="Directory"/>.</summary>
    public required string ModelFile { get; init; }

    /// <summary>config.json's model_type (bert, distilbert, electra…) when known.</summary>
    public string? ModelType { get; init; }

    /// <summary>Label names in model output order.</summary>
    public required IReadOnlyList<string> LabelNames { get; init; }

    /// <summary>Token limit applied to every text, including [CLS] and [SEP].</summary>
    public required int MaxTokens { get; init; }

    /// <summary>Whether the tokenizer lowercases.</summary>
    public required bool Lowercase { get; init; }

    /// <summary>The ONNX graph's input names.</summary>
    public required IReadOnlyList<string> InputNames { get; init; }
}
