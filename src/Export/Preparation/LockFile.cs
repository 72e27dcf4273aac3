using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastBert.Models.Preparation;

/// <summary>
/// <c>&lt;manifest&gt;.lock.json</c> beside the manifest (commit it, like packages.lock.json): the resolved commit,
/// the sha256 of every source file, the labels, the quantization settings and the validation figures. With a lock
/// present, a hub source is pulled at exactly that commit and its files must have those hashes.
/// </summary>
public sealed record LockFile
{
    public const string CurrentSchema = "fastbert.lock/v1";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Schema { get; init; } = CurrentSchema;

    /// <summary>model.source as written in the manifest.</summary>
    public required string Source { get; init; }

    /// <summary>The Hub commit the source resolved to (hub sources only).</summary>
    public string? ResolvedCommit { get; init; }

    /// <summary>Source file name → sha256 (lowercase hex), sorted.</summary>
    public required IReadOnlyDictionary<string, string> Files { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary><c>multi-label</c> for a multi-label manifest; null (single-label) otherwise.</summary>
    public string? Problem { get; init; }

    /// <summary>A multi-label model's decision threshold per label name (tuned with <c>thresholds: tune</c>, else 0.5 each).</summary>
    public IReadOnlyDictionary<string, double>? Thresholds { get; init; }

    public required LockQuantization Quantization { get; init; }

    public LockValidation? Validation { get; init; }

    /// <summary>The Hub dataset validate.data names, pinned (null for a local data file).</summary>
    public LockDataset? Dataset { get; init; }

    public static string PathFor(string manifestPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, Path.GetFileNameWithoutExtension(manifestPath) + ".lock.json");

    public static LockFile? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var lockFile = JsonSerializer.Deserialize<LockFile>(File.ReadAllText(path), JsonOptions);
            return lockFile?.Schema == CurrentSchema ? lockFile : throw new InvalidDataException($"{path}: expected schema '{CurrentSchema}'. Delete the lock file to re-create it.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid lock file ({ex.Message}). Delete it to re-create it.", ex);
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>Writes the lock only when its content changed, so an unchanged lock keeps its timestamp (MSBuild input).</summary>
    public bool WriteIfChanged(string path)
    {
        var json = ToJson();
        if (File.Exists(path) && File.ReadAllText(path) == json)
        {
            return false;
        }

        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
        return true;
    }
}

public sealed record LockQuantization(string Mode, double? MaxAccuracyDrop, IReadOnlyList<string>? KeptFp32);

/// <summary>
/// Deterministic validation figures (latency varies per machine and stays in the report, not the lock). A multi-label
/// model's <see cref="Accuracy"/> is its subset accuracy, with <see cref="MicroF1"/> beside it.
/// </summary>
public sealed record LockValidation(string Data, int Examples, double Accuracy, double MacroF1)
{
    public double? MicroF1 { get; init; }
}

/// <summary>
/// A Hub dataset split as a lock file pins it: what the manifest wrote (<see cref="Source"/>, <see cref="Config"/>,
/// <see cref="Split"/>), where the files were found (<see cref="Revision"/>: the source's revision, or
/// <c>refs/convert/parquet</c> for the Hub's conversion; <see cref="Layout"/>), the commit, and each Parquet file's sha256.
/// </summary>
/// <param name="Source">validate.data as written (<c>hf-dataset:org/name@rev</c>).</param>
/// <param name="Config">The configuration used (the only one when the manifest names none).</param>
/// <param name="Split">validate.split.</param>
/// <param name="Revision">The revision the files were pulled at.</param>
/// <param name="ResolvedCommit">That revision's commit.</param>
/// <param name="Layout"><c>native</c> (the dataset's own files) or <c>converted</c> (<c>refs/convert/parquet</c>).</param>
/// <param name="Files">Each Parquet file's path in the repository → sha256 (lowercase hex), in shard order.</param>
public sealed record LockDataset(string Source, string Config, string Split, string Revision, string ResolvedCommit, string Layout, IReadOnlyDictionary<string, string> Files);
