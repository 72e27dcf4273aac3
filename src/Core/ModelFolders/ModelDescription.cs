using System.Text.Json.Serialization;
using System.Text.Json;

namespace FastBert.ModelFolders;

/// <summary>The validation a model passed when it was prepared: on what data, with which figures.</summary>
/// <param name="Data">The data file's name.</param>
/// <param name="Examples">How many examples were scored.</param>
/// <param name="Accuracy">The accuracy on those examples.</param>
/// <param name="MacroF1">The macro-averaged F1 on those examples.</param>
/// <remarks>A multi-label model's <see cref="Accuracy"/> is its subset accuracy (the share of texts whose label set is exactly right), with <see cref="MicroF1"/> beside it.</remarks>
public sealed record ModelValidation(string Data, int Examples, double Accuracy, double MacroF1)
{
    /// <summary>Multi-label models: micro-averaged F1 over every (text, label) decision; null for single-label.</summary>
    public double? MicroF1 { get; init; }
}

/// <summary>
/// model.json: what a model folder written by fastbert holds — architecture, labels, ONNX input names, position
/// limit, where it came from, how it was quantized and validated, and the sha256 of every file. It is also
/// fastbert's stamp on a folder: a folder with a readable model.json was written by fastbert. Versioned contract
/// (<see cref="SchemaVersion"/>).
/// </summary>
public sealed record ModelDescription
{
    public const string FileName = ModelFolder.DescriptionFile;
    public const int CurrentSchemaVersion = 1;

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

    /// <summary>Where the model came from as the user named it: <c>hf:org/name@rev</c> or a local folder.</summary>
    public string? Source { get; init; }

    /// <summary>The Hub commit the files came from; null for local sources.</summary>
    public string? Revision { get; init; }

    /// <summary><c>multi-label</c> for a multi-label classifier; null (single-label) otherwise.</summary>
    public string? Problem { get; init; }

    /// <summary>
    /// A multi-label classifier's decision threshold per label name (a label is chosen when its sigmoid probability
    /// is at or above it), when they were tuned or set; null means 0.5 for every label.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Thresholds { get; init; }

    /// <summary>Quantization applied (e.g. "int8"); null for float32.</summary>
    public string? Quantization { get; init; }

    /// <summary>Linear layers left float32 by int8 quantization (e.g. <c>layer0/ffn_out</c>); null when not quantized.</summary>
    public IReadOnlyList<string>? KeptFp32 { get; init; }

    /// <summary>The validation gates' figures when the model was prepared with <c>validate:</c>; else null.</summary>
    public ModelValidation? Validation { get; init; }

    /// <summary>
    /// The ONNX Runtime–format copy of the graph, already optimised, that the runtime loads instead of model.onnx
    /// when it was written for the same ONNX Runtime version and model.onnx is the one it came from; null when absent.
    /// </summary>
    public RuntimeGraphDescription? RuntimeGraph { get; init; }

    /// <summary>File name → lowercase hex sha256, sorted by name.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, ModelDescriptionJson.Default.ModelDescription) + "\n");

    /// <summary>Reads model.json.</summary>
    /// <exception cref="InvalidDataException">The file is not a model.json this version understands (the message says why).</exception>
    public static ModelDescription Read(string path)
    {
        ModelDescription? description;
        try
        {
            description = JsonSerializer.Deserialize(File.ReadAllText(path), ModelDescriptionJson.Default.ModelDescription);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid model.json ({ex.Message}). Re-create the folder with fastbert export, quantize or prepare.", ex);
        }

        if (description is null)
        {
            throw new InvalidDataException($"{path} is empty. Re-create the folder with fastbert export, quantize or prepare.");
        }

        if (description.SchemaVersion > CurrentSchemaVersion)
        {
            throw new InvalidDataException($"{path} has schemaVersion {description.SchemaVersion}, newer than this fastbert understands ({CurrentSchemaVersion}). Update fastbert.");
        }

        return description;
    }

    /// <summary>model.json of <paramref name="folder"/> when it has a readable one; else null.</summary>
    public static ModelDescription? TryReadFrom(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return Read(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>model.json's <c>runtimeGraph</c>: which ONNX file a pre-optimised ONNX Runtime graph was made from, and by which runtime.</summary>
/// <param name="File">The graph file, relative to the model folder (model.ort).</param>
/// <param name="Format">"ort": ONNX Runtime's own (flatbuffer) model format.</param>
/// <param name="OrtVersion">The ONNX Runtime version that optimised and wrote it; another version loads model.onnx instead.</param>
/// <param name="Optimization">The graph optimisation level applied ("extended": hardware-independent fusions for the CPU provider).</param>
/// <param name="OnnxFile">The ONNX file it was made from (model.onnx).</param>
/// <param name="OnnxBytes">That file's length when the graph was made; a different length means model.onnx was replaced.</param>
public sealed record RuntimeGraphDescription(string File, string Format, string OrtVersion, string Optimization, string OnnxFile, long OnnxBytes);

// Compiled (source-generated) serialisation: model.json is read on every model load, and the reflection-based
// serialiser's first use cost ~40 ms of a cold load (README, Benchmarks).
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelDescription))]
internal sealed partial class ModelDescriptionJson : JsonSerializerContext
{
}
