using FastBert.ModelFolders;

namespace FastBert.Models.Configuration;

/// <summary>The encoder families fastbert builds (TinyBERT and MiniLM are <see cref="Bert"/>).</summary>
public enum ModelType
{
    Bert,
    DistilBert,
    Electra,
}

/// <summary>
/// A Hugging Face config.json, normalised across families: DistilBERT's <c>dim</c>/<c>n_layers</c>/<c>n_heads</c>/
/// <c>hidden_dim</c>/<c>activation</c> land in the same properties as BERT's and ELECTRA's.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>The <c>model_type</c> values accepted (plus their aliases); anything else is refused.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["bert", "distilbert", "electra"];

    /// <summary>The activations the exporter implements (<c>gelu</c> is the exact erf form).</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["gelu"];

    public required ModelType ModelType { get; init; }

    /// <summary>Width of the encoder (distilbert: <c>dim</c>).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Encoder layers (distilbert: <c>n_layers</c>).</summary>
    public required int NumLayers { get; init; }

    /// <summary>Attention heads (distilbert: <c>n_heads</c>).</summary>
    public required int NumHeads { get; init; }

    /// <summary>Feed-forward width (distilbert: <c>hidden_dim</c>).</summary>
    public required int IntermediateSize { get; init; }

    public required int VocabSize { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>Token-type (segment) vocabulary; 0 for distilbert, which has no token types.</summary>
    public required int TypeVocabSize { get; init; }

    /// <summary>LayerNorm epsilon (distilbert: always 1e-12).</summary>
    public required double LayerNormEps { get; init; }

    /// <summary>The feed-forward activation (distilbert: <c>activation</c>); one of <see cref="SupportedActivations"/>.</summary>
    public required string HiddenAct { get; init; }

    /// <summary>Embedding width; differs from <see cref="HiddenSize"/> only for ELECTRA (then projected).</summary>
    public required int EmbeddingSize { get; init; }

    /// <summary>Class labels by id (from <c>id2label</c>, else <c>LABEL_i</c> for <c>num_labels</c>, else 2 labels).</summary>
    public required IReadOnlyList<string> Id2Label { get; init; }

    public int NumLabels => Id2Label.Count;

    /// <summary>config.json's <c>problem_type</c>: single-label (softmax) unless it says multi_label_classification.</summary>
    public ClassificationProblem Problem { get; init; } = ClassificationProblem.SingleLabel;

    public required int PadTokenId { get; init; }

    /// <summary>The raw <c>architectures</c> (e.g. <c>BertForSequenceClassification</c>); empty when absent.</summary>
    public required IReadOnlyList<string> Architectures { get; init; }

    /// <summary>Dropout after embeddings, attention output and feed-forward output (BERT <c>hidden_dropout_prob</c>, DistilBERT <c>dropout</c>). Training only.</summary>
    public double HiddenDropout { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities (<c>attention_probs_dropout_prob</c> / <c>attention_dropout</c>). Training only.</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Dropout before the classifier (<c>classifier_dropout</c>, else the hidden dropout; DistilBERT <c>seq_classif_dropout</c>). Training only.</summary>
    public double ClassifierDropout { get; init; } = 0.1;

    /// <summary>Standard deviation of the normal initialisation of new weights (<c>initializer_range</c>).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Head size = <see cref="HiddenSize"/> / <see cref="NumHeads"/>.</summary>
    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>The file this was read from, or null when built in code.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Reads and validates a config.json (or the one inside a folder).</summary>
    /// <exception cref="ConfigException">
    /// Missing file, invalid JSON, a missing or mistyped required key, an unsupported model_type / activation /
    /// position-embedding type, or inconsistent sizes. The message names the file and the key.
    /// </exception>
    public static TransformerConfig Load(string path) => From(ConfigJson.Load(path));

    /// <summary>Parses config.json text; <paramref name="path"/> is only used in messages.</summary>
    public static TransformerConfig Parse(string json, string path = "config.json") => From(ConfigJson.Parse(json, path));

    /// <summary>The architecture view of a config.json already read.</summary>
    public static TransformerConfig From(ConfigJson json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new Reader(json).Read();
    }

    private readonly struct Reader(ConfigJson json)
    {
        private const string PositionEmbeddingType = "position_embedding_type";

        public TransformerConfig Read()
        {
            var architectures = json.StringList("architectures");
            var modelType = ReadModelType(architectures);
            var distil = modelType == ModelType.DistilBert;

            var hidden = json.Int(distil ? "dim" : "hidden_size", required: true, min: 1, max: ConfigJson.Limits.HiddenSize);
            var heads = json.Int(distil ? "n_heads" : "num_attention_heads", required: true, min: 1, max: ConfigJson.Limits.HiddenSize);
            var hiddenDropout = json.Probability(distil ? "dropout" : "hidden_dropout_prob", 0.1);
            var config = new TransformerConfig
            {
                ModelType = modelType,
                HiddenSize = hidden,
                NumLayers = json.Int(distil ? "n_layers" : "num_hidden_layers", required: true, min: 1, max: ConfigJson.Limits.Layers),
                NumHeads = heads,
                IntermediateSize = json.Int(distil ? "hidden_dim" : "intermediate_size", required: true, min: 1, max: ConfigJson.Limits.IntermediateSize),
                VocabSize = json.Int("vocab_size", required: true, min: 1, max: ConfigJson.Limits.VocabSize),
                MaxPositionEmbeddings = json.Int("max_position_embeddings", defaultValue: 512, min: 1, max: ConfigJson.Limits.PositionEmbeddings),
                TypeVocabSize = distil ? 0 : json.Int("type_vocab_size", defaultValue: 2, min: 0, max: ConfigJson.Limits.TypeVocabSize),
                LayerNormEps = distil ? 1e-12 : json.PositiveNumber("layer_norm_eps", 1e-12),
                HiddenAct = ReadActivation(distil ? "activation" : "hidden_act"),
                EmbeddingSize = modelType == ModelType.Electra ? json.Int("embedding_size", defaultValue: hidden, min: 1, max: ConfigJson.Limits.HiddenSize) : hidden,
                Id2Label = json.LabelsOrDefault(),
                Problem = json.Problem(),
                PadTokenId = json.Int("pad_token_id", defaultValue: 0, min: 0, nullable: true),
                Architectures = architectures,
                SourcePath = json.Path,
                HiddenDropout = hiddenDropout,
                AttentionDropout = json.Probability(distil ? "attention_dropout" : "attention_probs_dropout_prob", 0.1),
                ClassifierDropout = json.Probability(distil ? "seq_classif_dropout" : "classifier_dropout", hiddenDropout),
                InitializerRange = json.PositiveNumber("initializer_range", 0.02),
            };

            if (hidden % heads != 0)
            {
                var headsKey = distil ? "n_heads" : "num_attention_heads";
                throw new ConfigException(
                    json.Path, headsKey,
                    $"the hidden size {hidden} ({(distil ? "dim" : "hidden_size")}) is not a multiple of the number of attention heads {heads} ({headsKey}).");
            }

            if (config.PadTokenId >= config.VocabSize)
            {
                throw new ConfigException(json.Path, "pad_token_id", $"pad_token_id {config.PadTokenId} is outside the vocabulary (vocab_size {config.VocabSize}).");
            }

            if (!distil && json.Has(PositionEmbeddingType) && json.String(PositionEmbeddingType) is { } positions && positions != "absolute")
            {
                throw new ConfigException(
                    json.Path, PositionEmbeddingType,
                    $"position_embedding_type '{positions}' is not supported (supported: absolute).");
            }

            return config;
        }

        private ModelType ReadModelType(IReadOnlyList<string> architectures)
        {
            if (json.String("model_type") is { } declared)
            {
                return declared.ToLowerInvariant() switch
                {
                    "bert" or "tinybert" or "minilm" => ModelType.Bert,
                    "distilbert" => ModelType.DistilBert,
                    "electra" => ModelType.Electra,
                    _ => throw new ConfigException(
                        json.Path, "model_type",
                        $"model_type '{declared}' is not supported; supported model types: {string.Join(", ", SupportedModelTypes)}."),
                };
            }

            // Old configs (e.g. TinyBERT's) have no model_type: infer it like transformers does, from the architecture.
            foreach (var architecture in architectures)
            {
                if (architecture.StartsWith("DistilBert", StringComparison.Ordinal))
                {
                    return ModelType.DistilBert;
                }

                if (architecture.StartsWith("Electra", StringComparison.Ordinal))
                {
                    return ModelType.Electra;
                }

                if (architecture.StartsWith("Bert", StringComparison.Ordinal) || architecture.StartsWith("TinyBert", StringComparison.Ordinal))
                {
                    return ModelType.Bert;
                }
            }

            if (architectures.Count == 0)
            {
                if (json.Has("dim") && json.Has("n_layers"))
                {
                    return ModelType.DistilBert;
                }

                if (json.Has("hidden_size") && json.Has("num_hidden_layers") && !json.Has("embedding_size"))
                {
                    return ModelType.Bert;
                }
            }

            throw new ConfigException(
                json.Path, "model_type",
                $"no model_type, and the architectures [{string.Join(", ", architectures)}] do not say which family this is; supported model types: {string.Join(", ", SupportedModelTypes)}. Add \"model_type\".");
        }

        private string ReadActivation(string key)
        {
            var value = json.String(key) ?? "gelu";
            if (!SupportedActivations.Contains(value))
            {
                throw new ConfigException(
                    json.Path, key,
                    $"{key} '{value}' is not supported; supported activations: {string.Join(", ", SupportedActivations)} (exact erf GELU).");
            }

            return value;
        }
    }
}
