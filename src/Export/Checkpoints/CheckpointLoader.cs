using FastBert.ModelFolders;

namespace FastBert.Models.Checkpoints;

/// <summary>Opens the weights of a Hugging Face model folder.</summary>
public static class CheckpointLoader
{
    /// <summary>
    /// Opens <c>model.safetensors</c> in <paramref name="checkpointDirectory"/>, else <c>pytorch_model.bin</c>.
    /// A path to a weight file itself is accepted too (its format is recognised from its first bytes).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="CheckpointFormatException">
    /// The folder holds neither file (the message lists what it does hold), or the weight file is invalid.
    /// </exception>
    public static ICheckpoint Open(string checkpointDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointDirectory);
        var fullPath = Path.GetFullPath(checkpointDirectory);
        if (File.Exists(fullPath))
        {
            return OpenFile(fullPath);
        }

        if (!Directory.Exists(fullPath))
        {
            throw new DirectoryNotFoundException($"Model folder '{fullPath}' does not exist.");
        }

        foreach (var name in ModelFolder.WeightFiles)
        {
            var candidate = Path.Combine(fullPath, name);
            if (File.Exists(candidate))
            {
                return OpenFile(candidate);
            }
        }

        var present = Directory.EnumerateFileSystemEntries(fullPath)
            .Select(p => Path.GetFileName(p) + (Directory.Exists(p) ? "/" : string.Empty))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        var listing = present.Count == 0 ? "it is empty" : $"it holds: {string.Join(", ", present.Take(30))}{(present.Count > 30 ? ", …" : string.Empty)}";
        throw new CheckpointFormatException(
            fullPath,
            $"no model weights found: expected {string.Join(" or ", ModelFolder.WeightFiles)}; {listing}.",
            Remedy(present));
    }

    /// <summary>Opens a single weight file, choosing the reader from its first bytes (zip → PyTorch, else safetensors).</summary>
    public static ICheckpoint OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Weight file '{fullPath}' does not exist.", fullPath);
        }

        Span<byte> head = stackalloc byte[2];
        int read;
        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            read = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        }

        // A zip is a torch.save file; so is anything named like one (its reader explains legacy or broken files).
        var looksLikeZip = read == 2 && head[0] == (byte)'P' && head[1] == (byte)'K';
        var namedLikeTorch = new[] { ".bin", ".pt", ".pth" }.Any(e => fullPath.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        return looksLikeZip || namedLikeTorch
            ? PyTorchCheckpoint.Open(fullPath)
            : SafetensorsCheckpoint.Open(fullPath);
    }

    private static string Remedy(IReadOnlyList<string> present)
    {
        if (present.Any(n => n.EndsWith(".index.json", StringComparison.Ordinal) || n.Contains("-of-", StringComparison.Ordinal)))
        {
            return "Sharded checkpoints are not supported: merge the shards into one model.safetensors (save_pretrained(dir, max_shard_size=\"100GB\")).";
        }

        if (present.Any(n => n is "tf_model.h5" or "flax_model.msgpack" or "model.ckpt.index"))
        {
            return "TensorFlow/Flax weights are not supported: convert them to model.safetensors with transformers (from_pretrained(dir, from_tf=True).save_pretrained(dir)).";
        }

        if (present.Any(n => n.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            return "An ONNX model alone is not a checkpoint: the Hugging Face weights (model.safetensors) are needed.";
        }

        return "Point at the folder save_pretrained wrote (it holds config.json and model.safetensors).";
    }
}
