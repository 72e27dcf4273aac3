using System.Globalization;
using System.Text.Json;

namespace FastBert.ModelFolders;

/// <summary>
/// The one reader of a Hugging Face config.json: reads the file with a size bound, parses it, and hands out typed,
/// range-checked values whose errors name the file and the key. The exporter's architecture view
/// (TransformerConfig) and the runtime's view (labels, position limit, model type) are both built from it.
/// </summary>
public sealed class ConfigJson
{
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

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    private readonly JsonElement _root;

    private ConfigJson(JsonElement root, string path)
    {
        _root = root;
        Path = path;
    }

    /// <summary>The file this was read from (used in every message).</summary>
    public string Path { get; }

    /// <summary>Reads a config.json, or the one inside a folder.</summary>
    /// <exception cref="ConfigException">Missing, oversized, unreadable or not a JSON object.</exception>
    public static ConfigJson Load(string fileOrFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileOrFolder);
        var path = System.IO.Path.GetFullPath(fileOrFolder);
        if (Directory.Exists(path))
        {
            path = System.IO.Path.Combine(path, ModelFolder.ConfigFile);
        }

        if (!File.Exists(path))
        {
            throw new ConfigException(path, null, "config.json not found; every Hugging Face model folder has one next to its weights.");
        }

        string text;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > Limits.FileBytes)
            {
                throw new ConfigException(path, null, $"the file is {length:N0} bytes; a config.json is a few KB (at most {Limits.FileBytes:N0} bytes are read). It is not a model's config.");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, null, $"cannot read the file ({e.Message}).", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses config.json text; <paramref name="path"/> is only used in messages.</summary>
    /// <exception cref="ConfigException">Not valid JSON, or not a JSON object.</exception>
    public static ConfigJson Parse(string json, string path = ModelFolder.ConfigFile)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, ParseOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(path, null, $"the top level is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, expected an object.");
            }

            return new ConfigJson(root.Clone(), path);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? $" at line {n + 1}" : "";
            throw new ConfigException(path, null, $"not valid JSON{line} ({e.Message}).", e);
        }
    }

    /// <summary>True when the key is present (even as null).</summary>
    public bool Has(string key) => _root.TryGetProperty(key, out _);

    /// <summary>A string value; null when absent or JSON null.</summary>
    public string? String(string key)
    {
        if (!_root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new ConfigException(Path, key, $"\"{key}\" must be a string, found {element.GetRawText()}.");
        }

        return element.GetString()!;
    }

    /// <summary>A list of strings; empty when absent or JSON null.</summary>
    public IReadOnlyList<string> StringList(string key)
    {
        if (!_root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw new ConfigException(Path, key, $"\"{key}\" must be a list of strings.");
        }

        return element.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>
    /// An integer in <paramref name="min"/>..<paramref name="max"/> (128.0 is accepted, 128.5 is not); with
    /// <paramref name="nullable"/>, JSON null counts as absent.
    /// </summary>
    public int Int(string key, bool required = false, int defaultValue = 0, int min = int.MinValue, int max = int.MaxValue, bool nullable = false)
    {
        if (!_root.TryGetProperty(key, out var element) || (nullable && element.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                throw new ConfigException(Path, key, $"required key \"{key}\" is missing.");
            }

            return defaultValue;
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new ConfigException(Path, key, $"\"{key}\" must be an integer, found {element.GetRawText()}.");
        }

        if (!element.TryGetInt32(out var value))
        {
            if (!element.TryGetDouble(out var real) || real != Math.Floor(real))
            {
                throw new ConfigException(Path, key, $"\"{key}\" must be an integer, found {element.GetRawText()}.");
            }

            if (real is > int.MaxValue or < int.MinValue)
            {
                throw new ConfigException(
                    Path, key,
                    $"\"{key}\" is {element.GetRawText()}, outside {min}..{max}; the file is corrupt or does not describe a BERT-family encoder.");
            }

            value = (int)real;
        }

        if (value < min)
        {
            throw new ConfigException(Path, key, $"\"{key}\" is {value}, must be at least {min}.");
        }

        if (value > max)
        {
            throw new ConfigException(
                Path, key,
                $"\"{key}\" is {value}, more than fastbert accepts (at most {max}); the file is corrupt or does not describe a BERT-family encoder.");
        }

        return value;
    }

    /// <summary>An integer when present, else null (see <see cref="Int"/> for the checks).</summary>
    public int? OptionalInt(string key, int min = int.MinValue, int max = int.MaxValue) =>
        _root.TryGetProperty(key, out var element) && element.ValueKind != JsonValueKind.Null
            ? Int(key, min: min, max: max)
            : null;

    /// <summary>A probability in [0, 1).</summary>
    public double Probability(string key, double defaultValue)
    {
        if (!_root.TryGetProperty(key, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || value is < 0 or >= 1)
        {
            throw new ConfigException(Path, key, $"\"{key}\" must be a probability in [0, 1), found {element.GetRawText()}.");
        }

        return value;
    }

    /// <summary>A finite positive number.</summary>
    public double PositiveNumber(string key, double defaultValue)
    {
        if (!_root.TryGetProperty(key, out var element))
        {
            return defaultValue;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new ConfigException(Path, key, $"\"{key}\" must be a positive number, found {element.GetRawText()}.");
        }

        return value;
    }

    /// <summary>
    /// The class labels from <c>id2label</c> (ids "0".."n-1" without gaps), or null when the file has none.
    /// As in transformers, id2label wins over a disagreeing num_labels.
    /// </summary>
    public IReadOnlyList<string>? Id2Label()
    {
        const string key = "id2label";
        if (!_root.TryGetProperty(key, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigException(Path, key, "\"id2label\" must be an object {\"0\": \"label\", …}.");
        }

        var labels = new SortedDictionary<int, string>();
        foreach (var item in map.EnumerateObject())
        {
            if (!int.TryParse(item.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new ConfigException(Path, key, $"id2label key '{item.Name}' is not a non-negative integer.");
            }

            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new ConfigException(Path, key, $"id2label[\"{item.Name}\"] is not a string.");
            }

            if (labels.Count >= Limits.Labels)
            {
                throw new ConfigException(Path, key, $"id2label has more than {Limits.Labels:N0} labels; the file is corrupt.");
            }

            if (!labels.TryAdd(id, item.Value.GetString()!))
            {
                throw new ConfigException(Path, key, $"id2label has id {id} twice.");
            }
        }

        if (labels.Count == 0 || labels.Keys.Last() != labels.Count - 1)
        {
            throw new ConfigException(Path, key, $"id2label ids must be 0..n-1 without gaps, found [{string.Join(", ", labels.Keys)}].");
        }

        return labels.Values.ToArray();
    }

    /// <summary>
    /// <c>problem_type</c>: single-label when absent or null (as transformers infers for integer labels), multi-label
    /// for <c>multi_label_classification</c>; <c>regression</c> and anything else are refused, since fastbert classifies.
    /// </summary>
    public ClassificationProblem Problem()
    {
        const string key = "problem_type";
        return String(key) switch
        {
            null or ClassificationProblems.SingleLabelConfigName => ClassificationProblem.SingleLabel,
            ClassificationProblems.MultiLabelConfigName => ClassificationProblem.MultiLabel,
            ClassificationProblems.RegressionConfigName => throw new ConfigException(Path, key, "\"problem_type\" is \"regression\"; fastbert runs classifiers only (single_label_classification or multi_label_classification)."),
            var other => throw new ConfigException(Path, key, $"\"problem_type\" is \"{other}\"; expected \"single_label_classification\" or \"multi_label_classification\"."),
        };
    }

    /// <summary>Class labels: <see cref="Id2Label"/>, else <c>LABEL_i</c> for <c>num_labels</c> (default 2), as transformers does.</summary>
    public IReadOnlyList<string> LabelsOrDefault() =>
        Id2Label() ?? Enumerable.Range(0, Int("num_labels", defaultValue: 2, min: 1, max: Limits.Labels)).Select(i => $"LABEL_{i}").ToArray();
}
