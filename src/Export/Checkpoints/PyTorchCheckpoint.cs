using System.Buffers;
using System.Collections.ObjectModel;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using FastBert.Models.Checkpoints.Pickle;

namespace FastBert.Models.Checkpoints;

/// <summary>
/// A <c>pytorch_model.bin</c> written by <c>torch.save</c> (PyTorch ≥ 1.6): a zip holding
/// <c>&lt;archive&gt;/data.pkl</c> (the pickled state dict) and one raw little-endian storage per
/// <c>&lt;archive&gt;/data/&lt;key&gt;</c>. The pickle is run by a minimal allow-listing VM (nothing is imported or executed)
/// and every tensor's storage is validated by <see cref="Open"/>. Entries are read as streams, never extracted to disk.
/// </summary>
public sealed class PyTorchCheckpoint : ICheckpoint
{
    /// <summary>A data.pkl larger than this is refused (real state-dict pickles are well under a megabyte).</summary>
    public const long MaxPickleBytes = 256L * 1024 * 1024;

    private const string SafetensorsHint =
        "Use a model.safetensors instead, or re-save the weights (torch.load(path, weights_only=True), then torch.save or safetensors' save_file).";

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, Tensor> _tensors;
    private readonly bool _bigEndian;
    private readonly object _gate = new();
    private bool _disposed;

    private PyTorchCheckpoint(string path, ZipArchive zip, Dictionary<string, Tensor> tensors, bool bigEndian)
    {
        Path = path;
        _zip = zip;
        _tensors = tensors;
        _bigEndian = bigEndian;

        var infos = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (tensor.Reference.Storage.Element.DataType is { } type)
            {
                infos.Add(name, new TensorInfo(name, type, Array.AsReadOnly(tensor.Reference.Size)));
            }
            else
            {
                skipped.Add(name, tensor.Reference.Storage.Element.Name);
            }
        }

        Tensors = new ReadOnlyDictionary<string, TensorInfo>(infos);
        SkippedTensors = new ReadOnlyDictionary<string, string>(skipped);
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SkippedTensors { get; }

    /// <summary>The <c>module.name</c> pickle globals a checkpoint may reference; anything else is refused.</summary>
    public static IReadOnlyCollection<string> AllowedPickleGlobals => Unpickler.AllowedGlobals;

    /// <summary>Opens and validates a PyTorch zip checkpoint.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CheckpointSecurityException">The pickle references a global outside the allow-list, or a zip entry name escapes the archive.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid PyTorch checkpoint (the message says why).</exception>
    public static PyTorchCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"PyTorch checkpoint '{fullPath}' does not exist.", fullPath);
        }

        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        ZipArchive? zip = null;
        try
        {
            CheckSignature(fullPath, stream);
            try
            {
                zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            }
            catch (InvalidDataException e)
            {
                throw new CheckpointFormatException(
                    fullPath, $"not a readable zip archive ({e.Message}); the file is truncated or corrupt.",
                    "Re-download or re-save the checkpoint.", e);
            }

            var entries = IndexEntries(fullPath, zip);
            var (prefix, pickleEntry) = FindPickle(fullPath, entries);
            var pickle = ReadSmallEntry(fullPath, pickleEntry, MaxPickleBytes);
            var root = Unpickler.Load(pickle, fullPath, pickleEntry.FullName, id => PersistentLoad(fullPath, id));
            var bigEndian = ReadByteOrder(fullPath, prefix, entries);
            var tensors = CollectTensors(fullPath, root, prefix, entries);
            return new PyTorchCheckpoint(fullPath, zip, tensors, bigEndian);
        }
        catch
        {
            zip?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[] ReadFloat32(string name)
    {
        var tensor = Lookup(name);
        var values = GC.AllocateUninitializedArray<float>(checked((int)tensor.ElementCount));
        Copy(name, tensor, values);
        return values;
    }

    /// <inheritdoc />
    public void ReadFloat32Into(string name, Span<float> destination)
    {
        var tensor = Lookup(name);
        if (destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {tensor.ElementCount} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }

        Copy(name, tensor, destination);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _zip.Dispose();
        }
    }

    public override string ToString() => $"pytorch {Path} ({Tensors.Count} tensors)";

    private Tensor Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new KeyNotFoundException($"No tensor '{name}' in {Path} ({Tensors.Count} tensors).");
        }

        if (tensor.Reference.Storage.Element.DataType is null)
        {
            throw new CheckpointFormatException(
                Path,
                $"tensor '{name}' is stored as {tensor.Reference.Storage.Element.Name}, which cannot be read as float (supported: FloatStorage, HalfStorage, BFloat16Storage).");
        }

        if (tensor.ElementCount > Array.MaxLength)
        {
            throw new CheckpointFormatException(Path, $"tensor '{name}' has {tensor.ElementCount} elements, more than one .NET array can hold.");
        }

        return tensor;
    }

    private void Copy(string name, Tensor tensor, Span<float> destination)
    {
        var type = tensor.Reference.Storage.Element.DataType!.Value;
        var size = tensor.Reference.Storage.Element.Size;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var stream = tensor.Entry.Open();
                Skip(stream, tensor.Reference.StorageOffset * size);
                if (type == TensorDataType.Float32 && BitConverter.IsLittleEndian && !_bigEndian)
                {
                    // The common case: the storage bytes are the floats; read them straight into place.
                    stream.ReadExactly(MemoryMarshal.AsBytes(destination));
                    return;
                }

                var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
                try
                {
                    var perChunk = buffer.Length / size;
                    for (var done = 0; done < destination.Length; done += perChunk)
                    {
                        var count = Math.Min(perChunk, destination.Length - done);
                        var bytes = buffer.AsSpan(0, count * size);
                        stream.ReadExactly(bytes);
                        if (_bigEndian)
                        {
                            ElementConversion.SwapBytes(bytes, size);
                        }

                        ElementConversion.ToFloat32(bytes, type, destination.Slice(done, count));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
            {
                throw new CheckpointFormatException(
                    Path, $"cannot read the storage of tensor '{name}' ({tensor.Entry.FullName}): {e.Message}",
                    "The file is truncated or corrupt; re-download or re-save it.", e);
            }
        }
    }

    private static void Skip(Stream stream, long count)
    {
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        var scratch = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (count > 0)
            {
                var chunk = (int)Math.Min(count, scratch.Length);
                stream.ReadExactly(scratch, 0, chunk);
                count -= chunk;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static void CheckSignature(string path, FileStream stream)
    {
        if (stream.Length == 0)
        {
            throw new CheckpointFormatException(path, "the file is empty.", "Re-download or re-save the checkpoint.");
        }

        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            throw new CheckpointFormatException(
                path,
                "this is a legacy (pre-1.6, non-zip) torch.save file, which is not supported.",
                "Re-save it with a current PyTorch (torch.save(torch.load(path, weights_only=True), path)) or convert it to model.safetensors.");
        }

        if (read < 4 || head[0] != (byte)'P' || head[1] != (byte)'K')
        {
            throw new CheckpointFormatException(
                path,
                "not a zip archive, so not a PyTorch (>= 1.6) checkpoint; the file is truncated, corrupt, or another format (a Git LFS pointer?).",
                "Re-download the weights or use model.safetensors.");
        }
    }

    private static Dictionary<string, ZipArchiveEntry> IndexEntries(string path, ZipArchive zip)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        IReadOnlyCollection<ZipArchiveEntry> all;
        try
        {
            all = zip.Entries;
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException(path, $"the zip directory is corrupt ({e.Message}).", "Re-download or re-save the checkpoint.", e);
        }

        foreach (var entry in all)
        {
            var name = entry.FullName;
            if (IsUnsafeEntryName(name))
            {
                throw new CheckpointSecurityException(
                    path,
                    $"refused: zip entry '{name}' is an absolute path or climbs out of the archive with '..'; a PyTorch checkpoint never contains such names, so this file is corrupt or hostile.",
                    "Nothing was extracted. Use a model.safetensors instead.");
            }

            if (!entries.TryAdd(name, entry))
            {
                throw new CheckpointFormatException(path, $"zip entry '{name}' appears twice; the archive is ambiguous.");
            }
        }

        return entries;
    }

    private static bool IsUnsafeEntryName(string name)
    {
        if (name.Length == 0 || name[0] is '/' or '\\' || name.Contains('\0'))
        {
            return true;
        }

        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]))
        {
            return true; // C:\… or C:…
        }

        return name.Split('/', '\\').Any(segment => segment == "..");
    }

    private static (string Prefix, ZipArchiveEntry Entry) FindPickle(string path, Dictionary<string, ZipArchiveEntry> entries)
    {
        var candidates = entries.Values
            .Where(e => e.FullName == "data.pkl" || (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                                                      && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length))
            .ToList();
        if (candidates.Count == 0)
        {
            var sample = string.Join(", ", entries.Keys.Take(5));
            throw new CheckpointFormatException(
                path,
                $"the zip holds no '<archive>/data.pkl' ({entries.Count} entries{(entries.Count > 0 ? ": " + sample : string.Empty)}), so it is not a torch.save checkpoint.",
                SafetensorsHint);
        }

        if (candidates.Count > 1)
        {
            throw new CheckpointFormatException(
                path, $"the zip holds several pickles ({string.Join(", ", candidates.Select(c => c.FullName))}); the archive is ambiguous.");
        }

        var entry = candidates[0];
        return (entry.FullName[..^"data.pkl".Length], entry);
    }

    private static byte[] ReadSmallEntry(string path, ZipArchiveEntry entry, long limit)
    {
        if (entry.Length > limit)
        {
            throw new CheckpointFormatException(path, $"{entry.FullName} is {entry.Length} bytes, over the {limit}-byte limit; the file is corrupt or hostile.");
        }

        try
        {
            using var stream = entry.Open();
            var data = new byte[entry.Length];
            stream.ReadExactly(data);
            return data;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            throw new CheckpointFormatException(path, $"cannot read {entry.FullName} ({e.Message}); the file is truncated or corrupt.", null, e);
        }
    }

    private static bool ReadByteOrder(string path, string prefix, Dictionary<string, ZipArchiveEntry> entries)
    {
        if (!entries.TryGetValue(prefix + "byteorder", out var entry))
        {
            return false; // PyTorch writes little-endian unless it says otherwise
        }

        var text = Encoding.ASCII.GetString(ReadSmallEntry(path, entry, 64)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw new CheckpointFormatException(path, $"{entry.FullName} says '{text}', expected 'little' or 'big'."),
        };
    }

    private static StorageReference PersistentLoad(string path, PickleTuple id)
    {
        // ('storage', storage_type, key, location, numel)
        if (id.Count != 5 || id[0] is not "storage")
        {
            throw new CheckpointFormatException(
                path, $"a persistent id is not ('storage', storage_type, key, location, numel) ({id.Count} items).");
        }

        var element = id[1] switch
        {
            PickleGlobal { Kind: GlobalKind.StorageType or GlobalKind.DataType } g => g.Element!,
            _ => throw new CheckpointFormatException(path, "a persistent id's storage type is not a torch storage class."),
        };
        if (id[2] is not string key || id[3] is not string location || id[4] is not long numel || numel < 0)
        {
            throw new CheckpointFormatException(path, "a persistent id has a malformed key, location or element count.");
        }

        return new StorageReference(key, element, location, numel);
    }

    private static Dictionary<string, Tensor> CollectTensors(
        string path, object? root, string prefix, Dictionary<string, ZipArchiveEntry> entries)
    {
        if (root is not PickleDict dict)
        {
            throw new CheckpointFormatException(
                path, "the pickle does not hold a state dict (a dict of tensors).", SafetensorsHint);
        }

        // A plain state dict, or a training checkpoint wrapping exactly one (e.g. {"state_dict": {...}, "epoch": 3}).
        if (!dict.Items.Any(kv => kv.Value is TensorReference))
        {
            var nested = dict.Items
                .Where(kv => kv.Value is PickleDict inner && inner.Items.Any(i => i.Value is TensorReference))
                .ToList();
            if (nested.Count != 1)
            {
                throw new CheckpointFormatException(
                    path,
                    nested.Count == 0
                        ? "the pickled dict holds no tensors."
                        : $"the pickled dict holds no tensors itself but {nested.Count} nested dicts of tensors; it is not a single state dict.",
                    SafetensorsHint);
            }

            dict = (PickleDict)nested[0].Value!;
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (value is not TensorReference reference)
            {
                continue; // e.g. a nested _metadata dict or an integer counter: not weights
            }

            if (key is not string name)
            {
                throw new CheckpointFormatException(path, "a tensor in the state dict has a key that is not a string.");
            }

            tensors[name] = Validate(path, name, reference, prefix, entries);
        }

        return tensors;
    }

    private static Tensor Validate(
        string path, string name, TensorReference reference, string prefix, Dictionary<string, ZipArchiveEntry> entries)
    {
        var storage = reference.Storage;
        var entryName = prefix + "data/" + storage.Key;
        if (!entries.TryGetValue(entryName, out var entry))
        {
            throw new CheckpointFormatException(
                path, $"tensor '{name}' uses storage '{storage.Key}', but the archive has no entry '{entryName}'; the file is incomplete or corrupt.",
                "Re-download or re-save the checkpoint.");
        }

        long elementCount;
        long storageBytes;
        try
        {
            elementCount = reference.Size.Aggregate(1L, (a, b) => checked(a * b));
            storageBytes = checked(storage.ElementCount * storage.Element.Size);
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}' has an absurd size [{string.Join(", ", reference.Size)}] (element count overflows).");
        }

        // Row-major contiguity: stride[i] = product of size[i+1..]; dimensions of extent 1 may carry any stride.
        var expected = 1L;
        for (var i = reference.Size.Length - 1; i >= 0; i--)
        {
            if (reference.Size[i] != 1 && reference.Stride[i] != expected)
            {
                throw new CheckpointFormatException(
                    path,
                    $"tensor '{name}' is not contiguous (size [{string.Join(", ", reference.Size)}], stride [{string.Join(", ", reference.Stride)}]); only row-major contiguous tensors are supported.",
                    "Save the state dict with contiguous tensors ({k: v.contiguous() for k, v in state_dict.items()}).");
            }

            expected = reference.Size[i] == 0 ? expected : expected * reference.Size[i];
        }

        if (elementCount > 0 && reference.StorageOffset + elementCount > storage.ElementCount)
        {
            throw new CheckpointFormatException(
                path,
                $"tensor '{name}' spans elements [{reference.StorageOffset}, {reference.StorageOffset + elementCount}) of storage '{storage.Key}', which only has {storage.ElementCount}.");
        }

        if (entry.Length < storageBytes)
        {
            throw new CheckpointFormatException(
                path,
                $"storage '{entryName}' of tensor '{name}' is {entry.Length} bytes but should hold {storage.ElementCount} {storage.Element.Name} elements ({storageBytes} bytes); the file is truncated or corrupt.",
                "Re-download or re-save the checkpoint.");
        }

        return new Tensor(reference, entry, elementCount);
    }

    private sealed record Tensor(TensorReference Reference, ZipArchiveEntry Entry, long ElementCount);
}
