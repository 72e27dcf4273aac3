using System.Text.Json;
using System.Text.Json.Serialization;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;

namespace FastBert.Models.Export;

/// <summary>
/// model.json: what an exported model folder holds — architecture, labels, ONNX input names, position limit and
/// the sha256 of every file. Versioned contract (<see cref="SchemaVersion"/>).
/// </summary>
public sealed record ModelDescription
{
    public const string FileName = "model.json";
    public const int CurrentSchemaVersion = 1;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Architecture { get; init; }

    public required string ModelType { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    public required IReadOnlyList<string> Inputs { get; init; }

    public required string Output { get; init; }

    public required int MaxPositionEmbeddings { get; init; }

    public required string GraphForm { get; init; }

    public required string SourceWeights { get; init; }

    /// <summary>The checkpoint folder the model was exported from (absolute), so quantize can find the weights.</summary>
    public string? SourceDirectory { get; init; }

    /// <summary>Quantization applied (e.g. "int8"); null for float32.</summary>
    public string? Quantization { get; init; }

    /// <summary>Linear layers left float32 by int8 quantization (e.g. <c>layer0/ffn_out</c>); null when not quantized.</summary>
    public IReadOnlyList<string>? KeptFp32 { get; init; }

    /// <summary>File name → lowercase hex sha256, sorted by name.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    public static ModelDescription Create(TransformerConfig config, string folder, string sourceWeights, OnnxGraphForm form, string? sourceDirectory = null, string? quantization = null)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name != FileName)
            {
                files[name] = OnnxExporter.Sha256(path);
            }
        }

        return new ModelDescription
        {
            Architecture = config.Architectures.FirstOrDefault() ?? $"{config.ModelType}ForSequenceClassification",
            ModelType = config.ModelType.ToString().ToLowerInvariant(),
            Labels = config.Id2Label,
            Inputs = config.ModelType == Configuration.ModelType.DistilBert
                ? ["input_ids", "attention_mask"]
                : ["input_ids", "attention_mask", "token_type_ids"],
            Output = "logits",
            MaxPositionEmbeddings = config.MaxPositionEmbeddings,
            GraphForm = form.ToString().ToLowerInvariant(),
            SourceWeights = sourceWeights,
            SourceDirectory = sourceDirectory,
            Quantization = quantization,
            Files = files,
        };
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions) + "\n");

    public static ModelDescription Read(string path) =>
        JsonSerializer.Deserialize<ModelDescription>(File.ReadAllText(path), JsonOptions)
        ?? throw new InvalidDataException($"{path} is empty.");
}
