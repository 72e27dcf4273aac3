using System.Globalization;
using System.Text.Json;

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

    /// <summary>
    /// Upper bounds on config.json sizes, far above any released BERT-family encoder (BERT-large: 24 layers, hidden
    /// 1024; XLM-R: 250k vocabulary). A value beyond them is a corrupt or hostile file, refused before anything is
    /// sized from it.
    /// </summary>
    public static class Limits
    {
        public const int Layers = 256;
        public const int HiddenSize = 16_384;
        public const int IntermediateSize = 65_536;
        public const int VocabSize = 4_000_000;
        public const int PositionEmbeddings = 65_536;
        public const int TypeVocabSize = 1_024;
        public const int Labels = 100_000;

        /// <summary>Real config.json files are a few KB; a larger one is not read.</summary>
        public const long FileBytes = 16L * 1024 * 1024;
    }

    /// <summary>Head size = <see cref="HiddenSize"/> / <see cref="NumHeads"/>.</summary>
    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>The file this was read from, or null when built in code.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Reads and validates a config.json.</summary>
    /// <exception cref="ConfigException">
    /// Missing file, invalid JSON, a missing or mistyped required key, an unsupported model_type / activation /
    /// position-embedding type, or inconsistent sizes. The message names the file and the key.
    /// </exception>
    public static TransformerConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            fullPath = Path.Combine(fullPath, "config.json");
        }

        if (!File.Exists(fullPath))
        {
            throw new ConfigException(fullPath, null, "config.json not found; every Hugging Face model folder has one next to its weights.");
        }

        string text;
        try
        {
            var length = new FileInfo(fullPath).Length;
            if (length > Limits.FileBytes)
            {
                throw new ConfigException(fullPath, null, $"the file is {length:N0} bytes; a config.json is a few KB (at most {Limits.FileBytes:N0} bytes are read). It is not a model's config.");
            }

            text = File.ReadAllText(fullPath);
        }
        catch (IOException e)
        {
            throw new ConfigException(fullPath, null, $"cannot read the file ({e.Message}).", e);
        }

        return Parse(text, fullPath);
    }

    /// <summary>Parses config.json text; <paramref name="path"/> is only used in messages.</summary>
    public static TransformerConfig Parse(string json, string path = "config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                MaxDepth = 64,
            });
        }
        catch (JsonException e)
        {
            throw new ConfigException(path, null, $"not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(path, null, $"the top level is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object.");
            }

            return new Reader(root, path).Read();
        }
    }

    private readonly struct Reader(JsonElement root, string path)
    {
        public TransformerConfig Read()
        {
            var architectures = ReadArchitectures();
            var modelType = ReadModelType(architectures);
            var distil = modelType == ModelType.DistilBert;

            var hidden = Int(distil ? "dim" : "hidden_size", required: true, min: 1, max: Limits.HiddenSize);
            var heads = Int(distil ? "n_heads" : "num_attention_heads", required: true, min: 1, max: Limits.HiddenSize);
            var hiddenDropout = Probability(distil ? "dropout" : "hidden_dropout_prob", 0.1);
            var config = new TransformerConfig
            {
                ModelType = modelType,
                HiddenSize = hidden,
                NumLayers = Int(distil ? "n_layers" : "num_hidden_layers", required: true, min: 1, max: Limits.Layers),
                NumHeads = heads,
                IntermediateSize = Int(distil ? "hidden_dim" : "intermediate_size", required: true, min: 1, max: Limits.IntermediateSize),
                VocabSize = Int("vocab_size", required: true, min: 1, max: Limits.VocabSize),
                MaxPositionEmbeddings = Int("max_position_embeddings", defaultValue: 512, min: 1, max: Limits.PositionEmbeddings),
                TypeVocabSize = distil ? 0 : Int("type_vocab_size", defaultValue: 2, min: 0, max: Limits.TypeVocabSize),
                LayerNormEps = distil ? 1e-12 : Double("layer_norm_eps", 1e-12),
                HiddenAct = ReadActivation(distil ? "activation" : "hidden_act"),
                EmbeddingSize = modelType == ModelType.Electra ? Int("embedding_size", defaultValue: hidden, min: 1, max: Limits.HiddenSize) : hidden,
                Id2Label = ReadLabels(),
                PadTokenId = Int("pad_token_id", defaultValue: 0, min: 0, nullable: true),
                Architectures = architectures,
                SourcePath = path,
                HiddenDropout = hiddenDropout,
                AttentionDropout = Probability(distil ? "attention_dropout" : "attention_probs_dropout_prob", 0.1),
                ClassifierDropout = Probability(distil ? "seq_classif_dropout" : "classifier_dropout", hiddenDropout),
                InitializerRange = Double("initializer_range", 0.02),
            };

            if (hidden % heads != 0)
            {
                var headsKey = distil ? "n_heads" : "num_attention_heads";
                throw new ConfigException(
                    path, headsKey,
                    $"the hidden size {hidden} ({(distil ? "dim" : "hidden_size")}) is not a multiple of the number of attention heads {heads} ({headsKey}).");
            }

            if (config.PadTokenId >= config.VocabSize)
            {
                throw new ConfigException(path, "pad_token_id", $"pad_token_id {config.PadTokenId} is outside the vocabulary (vocab_size {config.VocabSize}).");
            }

            if (!distil && root.TryGetProperty("position_embedding_type", out var positions)
                && positions.ValueKind == JsonValueKind.String && positions.GetString() != "absolute")
            {
                throw new ConfigException(
                    path, "position_embedding_type",
                    $"position_embedding_type '{positions.GetString()}' is not supported (supported: absolute).");
            }

            return config;
        }

        private IReadOnlyList<string> ReadArchitectures()
        {
            if (!root.TryGetProperty("architectures", out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new ConfigException(path, "architectures", "\"architectures\" must be a list of strings.");
            }

            return element.EnumerateArray().Select(e => e.GetString()!).ToArray();
        }

        private ModelType ReadModelType(IReadOnlyList<string> architectures)
        {
            string? declared = null;
            if (root.TryGetProperty("model_type", out var element) && element.ValueKind != JsonValueKind.Null)
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    throw new ConfigException(path, "model_type", "\"model_type\" must be a string.");
                }

                declared = element.GetString()!;
            }

            if (declared is not null)
            {
                return declared.ToLowerInvariant() switch
                {
                    "bert" or "tinybert" or "minilm" => ModelType.Bert,
                    "distilbert" => ModelType.DistilBert,
                    "electra" => ModelType.Electra,
                    _ => throw new ConfigException(
                        path, "model_type",
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
                if (root.TryGetProperty("dim", out _) && root.TryGetProperty("n_layers", out _))
                {
                    return ModelType.DistilBert;
                }

                if (root.TryGetProperty("hidden_size", out _) && root.TryGetProperty("num_hidden_layers", out _)
                    && !root.TryGetProperty("embedding_size", out _))
                {
                    return ModelType.Bert;
                }
            }

            throw new ConfigException(
                path, "model_type",
                $"no model_type, and the architectures [{string.Join(", ", architectures)}] do not say which family this is; supported model types: {string.Join(", ", SupportedModelTypes)}. Add \"model_type\".");
        }

        private string ReadActivation(string key)
        {
            if (!root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return "gelu";
            }

            if (element.ValueKind != JsonValueKind.String)
            {
                throw new ConfigException(path, key, $"\"{key}\" must be a string (supported: {string.Join(", ", SupportedActivations)}).");
            }

            var value = element.GetString()!;
            if (!SupportedActivations.Contains(value))
            {
                throw new ConfigException(
                    path, key,
                    $"{key} '{value}' is not supported; supported activations: {string.Join(", ", SupportedActivations)} (exact erf GELU).");
            }

            return value;
        }

        private IReadOnlyList<string> ReadLabels()
        {
            if (root.TryGetProperty("id2label", out var map) && map.ValueKind != JsonValueKind.Null)
            {
                if (map.ValueKind != JsonValueKind.Object)
                {
                    throw new ConfigException(path, "id2label", "\"id2label\" must be an object {\"0\": \"label\", …}.");
                }

                var labels = new SortedDictionary<int, string>();
                foreach (var item in map.EnumerateObject())
                {
                    if (!int.TryParse(item.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    {
                        throw new ConfigException(path, "id2label", $"id2label key '{item.Name}' is not a non-negative integer.");
                    }

                    if (item.Value.ValueKind != JsonValueKind.String)
                    {
                        throw new ConfigException(path, "id2label", $"id2label[\"{item.Name}\"] is not a string.");
                    }

                    if (!labels.TryAdd(id, item.Value.GetString()!))
                    {
                        throw new ConfigException(path, "id2label", $"id2label has id {id} twice.");
                    }
                }

                if (labels.Count == 0 || labels.Keys.Last() != labels.Count - 1)
                {
                    throw new ConfigException(
                        path, "id2label",
                        $"id2label ids must be 0..n-1 without gaps, found [{string.Join(", ", labels.Keys)}].");
                }

                // As in transformers, id2label wins over a disagreeing num_labels.
                return labels.Values.ToArray();
            }

            var count = Int("num_labels", defaultValue: 2, min: 1, max: Limits.Labels);
            return Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToArray();
        }

        private int Int(string key, bool required = false, int defaultValue = 0, int min = int.MinValue, int max = int.MaxValue, bool nullable = false)
        {
            if (!root.TryGetProperty(key, out var element) || (nullable && element.ValueKind == JsonValueKind.Null))
            {
                if (required)
                {
                    throw new ConfigException(path, key, $"required key \"{key}\" is missing.");
                }

                return defaultValue;
            }

            if (element.ValueKind != JsonValueKind.Number)
            {
                throw new ConfigException(path, key, $"\"{key}\" must be an integer, found {element.GetRawText()}.");
            }

            if (!element.TryGetInt32(out var value))
            {
                // Accept 128.0, refuse 128.5 and out-of-range values.
                if (!element.TryGetDouble(out var real) || real != Math.Floor(real))
                {
                    throw new ConfigException(path, key, $"\"{key}\" must be an integer, found {element.GetRawText()}.");
                }

                if (real is > int.MaxValue or < int.MinValue)
                {
                    throw new ConfigException(
                        path, key,
                        $"\"{key}\" is {element.GetRawText()}, outside {min}..{max}; the file is corrupt or does not describe a BERT-family encoder.");
                }

                value = (int)real;
            }

            if (value < min)
            {
                throw new ConfigException(path, key, $"\"{key}\" is {value}, must be at least {min}.");
            }

            if (value > max)
            {
                throw new ConfigException(
                    path, key,
                    $"\"{key}\" is {value}, more than fastbert accepts (at most {max}); the file is corrupt or does not describe a BERT-family encoder.");
            }

            return value;
        }

        private double Probability(string key, double defaultValue)
        {
            if (!root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
            {
                return defaultValue;
            }

            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || value is < 0 or >= 1)
            {
                throw new ConfigException(path, key, $"\"{key}\" must be a probability in [0, 1), found {element.GetRawText()}.");
            }

            return value;
        }

        private double Double(string key, double defaultValue)
        {
            if (!root.TryGetProperty(key, out var element))
            {
                return defaultValue;
            }

            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !(value > 0) || double.IsInfinity(value))
            {
                throw new ConfigException(path, key, $"\"{key}\" must be a positive number, found {element.GetRawText()}.");
            }

            return value;
        }
    }
}
