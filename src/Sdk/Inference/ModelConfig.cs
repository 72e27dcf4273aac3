using System.Globalization;
using System.Text.Json;

namespace FastBert;

/// <summary>The parts of a Hugging Face config.json that inference needs.</summary>
internal sealed record ModelConfig(string? ModelType, IReadOnlyList<string>? Id2Label, int? MaxPositionEmbeddings)
{
    public const string FileName = "config.json";

    public static ModelConfig Read(string modelDirectory)
    {
        var path = System.IO.Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path))
        {
            return new ModelConfig(null, null, null);
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelLoadException(path, "config.json must hold a JSON object.");
            }

            string? modelType = root.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString() : null;
            int? maxPositions = root.TryGetProperty("max_position_embeddings", out var mp) && mp.TryGetInt32(out var n) ? n : null;
            return new ModelConfig(modelType, ReadId2Label(path, root), maxPositions);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(path, $"config.json is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    // id2label keys are strings ("0", "1", ...) and must cover 0..n-1 exactly.
    private static string[]? ReadId2Label(string path, JsonElement root)
    {
        if (!root.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var byIndex = new SortedDictionary<int, string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new ModelLoadException(path, $"id2label entry \"{entry.Name}\" must map a non-negative integer key to a label name.");
            }

            byIndex[index] = entry.Value.GetString()!;
        }

        var labels = new string[byIndex.Count];
        foreach (var (index, name) in byIndex)
        {
            if (index >= labels.Length)
            {
                throw new ModelLoadException(path, $"id2label keys must be 0..{labels.Length - 1} without gaps; found {index}.");
            }

            labels[index] = name;
        }

        return labels;
    }
}
