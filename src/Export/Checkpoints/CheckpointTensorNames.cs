using System.Runtime.CompilerServices;

namespace FastBert.Models.Checkpoints;

/// <summary>
/// Canonical tensor names. Checkpoints written by old code (TensorFlow conversions, pytorch-pretrained-bert) call the
/// LayerNorm parameters <c>gamma</c>/<c>beta</c>; today's name is <c>weight</c>/<c>bias</c>. Lookups by canonical
/// name accept either spelling.
/// </summary>
public static class CheckpointTensorNames
{
    private static readonly ConditionalWeakTable<ICheckpoint, Dictionary<string, string>> Indexes = new();

    /// <summary>
    /// The canonical spelling of a stored tensor name: a final <c>.gamma</c> becomes <c>.weight</c> and a final
    /// <c>.beta</c> becomes <c>.bias</c> (e.g. <c>bert.embeddings.LayerNorm.gamma</c> →
    /// <c>bert.embeddings.LayerNorm.weight</c>); every other name is returned unchanged.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith(".gamma", StringComparison.Ordinal) || name == "gamma")
        {
            return name[..^"gamma".Length] + "weight";
        }

        if (name.EndsWith(".beta", StringComparison.Ordinal) || name == "beta")
        {
            return name[..^"beta".Length] + "bias";
        }

        return name;
    }

    /// <summary>
    /// The tensor whose name is <paramref name="canonicalName"/> once normalised (an exact stored match wins), or
    /// null. Read it with <c>checkpoint.ReadFloat32(info.Name)</c>.
    /// </summary>
    public static TensorInfo? Find(this ICheckpoint checkpoint, string canonicalName)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(canonicalName);
        if (checkpoint.Tensors.TryGetValue(canonicalName, out var exact))
        {
            return exact;
        }

        var index = Indexes.GetValue(checkpoint, BuildIndex);
        return index.TryGetValue(Normalize(canonicalName), out var stored) ? checkpoint.Tensors[stored] : null;
    }

    /// <summary>Like <see cref="Find"/>, but a missing tensor is an error that says what the checkpoint has instead.</summary>
    /// <exception cref="KeyNotFoundException">No tensor by that canonical name.</exception>
    public static TensorInfo Get(this ICheckpoint checkpoint, string canonicalName)
    {
        var info = checkpoint.Find(canonicalName);
        if (info is not null)
        {
            return info;
        }

        var hint = checkpoint.SkippedTensors.ContainsKey(canonicalName)
            ? $" It is stored as {checkpoint.SkippedTensors[canonicalName]}, which is not a float type."
            : Suggest(checkpoint, canonicalName);
        throw new KeyNotFoundException(
            $"{checkpoint.Path} has no tensor '{canonicalName}' ({checkpoint.Tensors.Count} tensors).{hint}");
    }

    /// <summary>Reads the tensor by canonical name as float32 (see <see cref="Get"/>).</summary>
    public static float[] ReadFloat32ByCanonicalName(this ICheckpoint checkpoint, string canonicalName) =>
        checkpoint.ReadFloat32(checkpoint.Get(canonicalName).Name);

    private static Dictionary<string, string> BuildIndex(ICheckpoint checkpoint)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in checkpoint.Tensors.Keys)
        {
            var canonical = Normalize(name);
            // A stored name that is already canonical beats an old spelling of the same name.
            if (!index.TryGetValue(canonical, out var existing) || (existing != canonical && name == canonical))
            {
                index[canonical] = name;
            }
        }

        return index;
    }

    private static string Suggest(ICheckpoint checkpoint, string canonicalName)
    {
        // Most misses are a prefix mismatch (bert. / distilbert. / electra. vs a bare base-model checkpoint).
        var lastPart = canonicalName.Split('.').TakeLast(3);
        var suffix = string.Join('.', lastPart);
        var similar = checkpoint.Tensors.Keys
            .Where(k => Normalize(k).EndsWith(suffix, StringComparison.Ordinal))
            .Take(3)
            .ToList();
        return similar.Count == 0 ? string.Empty : $" Similar: {string.Join(", ", similar)}.";
    }
}
