using FastBert.Models.Configuration;

namespace FastBert.Models.Onnx;

/// <summary>The three sequence-classification heads fastbert exports.</summary>
public enum ClassifierHead
{
    /// <summary>BERT: tanh(pooler(h[CLS])) then classifier.</summary>
    BertPooler,

    /// <summary>DistilBERT: relu(pre_classifier(h[CLS])) then classifier.</summary>
    DistilBertPreClassifier,

    /// <summary>ELECTRA: classifier.dense, gelu, classifier.out_proj on h[CLS].</summary>
    ElectraDenseGelu,
}

/// <summary>A linear layer's stored tensor names (weight stored [out, in]).</summary>
public sealed record LinearNames(string Weight, string Bias)
{
    /// <summary>The module name, e.g. <c>bert.encoder.layer.0.attention.self.query</c>.</summary>
    public string Module => Weight[..^".weight".Length];

    public static LinearNames Of(string prefix) => new($"{prefix}.weight", $"{prefix}.bias");
}

/// <summary>A layer norm's stored tensor names.</summary>
public sealed record NormNames(string Weight, string Bias)
{
    public static NormNames Of(string prefix) => new($"{prefix}.weight", $"{prefix}.bias");
}

/// <summary>The stored tensor names of one post-LayerNorm encoder layer.</summary>
public sealed record EncoderLayerNames(
    LinearNames Query,
    LinearNames Key,
    LinearNames Value,
    LinearNames AttentionOutput,
    NormNames AttentionNorm,
    LinearNames Intermediate,
    LinearNames Output,
    NormNames OutputNorm)
{
    public IEnumerable<LinearNames> Linears => [Query, Key, Value, AttentionOutput, Intermediate, Output];
}

/// <summary>
/// Everything the graph writer needs about one checkpoint's architecture: sizes and the stored tensor name of each
/// piece, the same post-LayerNorm encoder for BERT, DistilBERT and ELECTRA.
/// </summary>
public sealed record ArchitectureSpec(
    int HiddenSize,
    int NumHeads,
    int LabelCount,
    float LayerNormEps,
    string WordEmbeddings,
    string PositionEmbeddings,
    string? TokenTypeEmbeddings,
    NormNames EmbeddingNorm,
    LinearNames? EmbeddingProjection,
    IReadOnlyList<EncoderLayerNames> Layers,
    ClassifierHead Head,
    LinearNames HeadDense,
    LinearNames Classifier)
{
    public bool HasTokenTypes => TokenTypeEmbeddings is not null;

    /// <summary>The base model's tensor-name prefix (<c>bert</c>, <c>distilbert</c>, <c>electra</c>); the head is everything outside it.</summary>
    public string BaseModelPrefix => WordEmbeddings[..WordEmbeddings.IndexOf('.')];

    /// <summary>Every linear layer inside the base model (embedding projection, encoder layers, BERT's pooler), in order.</summary>
    public IEnumerable<LinearNames> BaseLinears =>
        (EmbeddingProjection is null ? [] : new[] { EmbeddingProjection })
            .Concat(Layers.SelectMany(l => l.Linears))
            .Concat(HeadDenseInBase ? [HeadDense] : []);

    /// <summary>The classification head's linear layers (outside the base model), the last one producing the logits.</summary>
    public IEnumerable<LinearNames> HeadLinears => HeadDenseInBase ? [Classifier] : [HeadDense, Classifier];

    // BERT's pooler belongs to the base model; DistilBERT's pre_classifier and ELECTRA's classifier.dense do not.
    private bool HeadDenseInBase => HeadDense.Weight.StartsWith(BaseModelPrefix + ".", StringComparison.Ordinal);

    /// <summary>The architecture of a parsed config.json.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A model type without an architecture.</exception>
    public static ArchitectureSpec For(TransformerConfig config)
    {
        var eps = (float)config.LayerNormEps;
        return config.ModelType switch
        {
            ModelType.Bert => Bert("bert", config.HiddenSize, config.NumHeads, config.NumLayers, config.NumLabels, eps),
            ModelType.Electra => Bert("electra", config.HiddenSize, config.NumHeads, config.NumLayers, config.NumLabels, eps, electra: true, projectEmbeddings: config.EmbeddingSize != config.HiddenSize),
            ModelType.DistilBert => DistilBert(config.HiddenSize, config.NumHeads, config.NumLayers, config.NumLabels, eps),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.ModelType, "model type without an architecture"),
        };
    }

    public static ArchitectureSpec Bert(string root, int hidden, int heads, int layers, int labels, float eps, bool electra = false, bool projectEmbeddings = false) => new(
        hidden,
        heads,
        labels,
        eps,
        $"{root}.embeddings.word_embeddings.weight",
        $"{root}.embeddings.position_embeddings.weight",
        $"{root}.embeddings.token_type_embeddings.weight",
        NormNames.Of($"{root}.embeddings.LayerNorm"),
        projectEmbeddings ? LinearNames.Of($"{root}.embeddings_project") : null,
        Enumerable.Range(0, layers).Select(i =>
        {
            var p = $"{root}.encoder.layer.{i}";
            return new EncoderLayerNames(
                LinearNames.Of($"{p}.attention.self.query"),
                LinearNames.Of($"{p}.attention.self.key"),
                LinearNames.Of($"{p}.attention.self.value"),
                LinearNames.Of($"{p}.attention.output.dense"),
                NormNames.Of($"{p}.attention.output.LayerNorm"),
                LinearNames.Of($"{p}.intermediate.dense"),
                LinearNames.Of($"{p}.output.dense"),
                NormNames.Of($"{p}.output.LayerNorm"));
        }).ToList(),
        electra ? ClassifierHead.ElectraDenseGelu : ClassifierHead.BertPooler,
        electra ? LinearNames.Of("classifier.dense") : LinearNames.Of($"{root}.pooler.dense"),
        electra ? LinearNames.Of("classifier.out_proj") : LinearNames.Of("classifier"));

    public static ArchitectureSpec DistilBert(int hidden, int heads, int layers, int labels, float eps) => new(
        hidden,
        heads,
        labels,
        eps,
        "distilbert.embeddings.word_embeddings.weight",
        "distilbert.embeddings.position_embeddings.weight",
        null,
        NormNames.Of("distilbert.embeddings.LayerNorm"),
        null,
        Enumerable.Range(0, layers).Select(i =>
        {
            var p = $"distilbert.transformer.layer.{i}";
            return new EncoderLayerNames(
                LinearNames.Of($"{p}.attention.q_lin"),
                LinearNames.Of($"{p}.attention.k_lin"),
                LinearNames.Of($"{p}.attention.v_lin"),
                LinearNames.Of($"{p}.attention.out_lin"),
                NormNames.Of($"{p}.sa_layer_norm"),
                LinearNames.Of($"{p}.ffn.lin1"),
                LinearNames.Of($"{p}.ffn.lin2"),
                NormNames.Of($"{p}.output_layer_norm"));
        }).ToList(),
        ClassifierHead.DistilBertPreClassifier,
        LinearNames.Of("pre_classifier"),
        LinearNames.Of("classifier"));
}
