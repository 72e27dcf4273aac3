using System.Buffers.Binary;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FastBert.Models.Checkpoints;

/// <summary>
/// A <c>.safetensors</c> file, memory-mapped read-only. Layout: an 8-byte little-endian header length N, N bytes of
/// UTF-8 JSON <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}</c>, then the data section
/// the offsets count from. The whole header is validated by <see cref="Open"/>; tensor bytes are only touched when read.
/// </summary>
public sealed unsafe class SafetensorsCheckpoint : ICheckpoint
{
    /// <summary>Headers larger than this are refused as corrupt (real ones are a few hundred KB at most).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private const string SupportedList = "F32, F16, BF16";
    private const string ConvertHint =
        "Convert the weights to float32, float16 or bfloat16 (e.g. model.to(torch.float32).save_pretrained(dir, safe_serialization=True)).";

    // Element types the safetensors format defines that cannot be weights of a float model: kept out of Tensors,
    // listed in SkippedTensors (old checkpoints store e.g. the int64 buffer embeddings.position_ids).
    private static readonly Dictionary<string, int> NonFloatDtypes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["I16"] = 2, ["U16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["I64"] = 8, ["U64"] = 8,
    };

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, Entry> _entries;
    private readonly long _dataStart;
    private byte* _pointer;
    private int _disposed;

    private SafetensorsCheckpoint(
        string path,
        MemoryMappedFile map,
        MemoryMappedViewAccessor view,
        long dataStart,
        Dictionary<string, Entry> entries,
        IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;

        var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Values)
        {
            if (entry.Type is { } type)
            {
                tensors.Add(entry.Name, new TensorInfo(entry.Name, type, Array.AsReadOnly(entry.Shape)));
            }
            else
            {
                skipped.Add(entry.Name, entry.Dtype);
            }
        }

        Tensors = new ReadOnlyDictionary<string, TensorInfo>(tensors);
        SkippedTensors = new ReadOnlyDictionary<string, string>(skipped);

        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + view.PointerOffset;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SkippedTensors { get; }

    /// <summary>The header's <c>__metadata__</c> (string → string; e.g. <c>format: pt</c>), empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens, validates and memory-maps a safetensors file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file (the message says why).</exception>
    public static SafetensorsCheckpoint Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Safetensors file '{fullPath}' does not exist.", fullPath);
        }

        var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            var (dataStart, entries, metadata) = ReadHeader(fullPath, stream);
            map = MemoryMappedFile.CreateFromFile(
                stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new SafetensorsCheckpoint(fullPath, map, view, dataStart, entries, metadata);
        }
        catch
        {
            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[] ReadFloat32(string name)
    {
        var entry = Lookup(name);
        if (entry.ElementCount > Array.MaxLength)
        {
            throw new CheckpointFormatException(
                Path, $"tensor '{name}' has {entry.ElementCount} elements, more than one .NET array can hold.",
                "Use ReadFloat32Into with native memory.");
        }

        var values = GC.AllocateUninitializedArray<float>((int)entry.ElementCount);
        Copy(entry, values);
        return values;
    }

    /// <inheritdoc />
    public void ReadFloat32Into(string name, Span<float> destination)
    {
        var entry = Lookup(name);
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {entry.ElementCount} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }

        Copy(entry, destination);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pointer = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    public override string ToString() => $"safetensors {Path} ({Tensors.Count} tensors)";

    private Entry Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_entries.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"No tensor '{name}' in {Path} ({Tensors.Count} tensors).");
        }

        if (entry.Type is null)
        {
            throw new CheckpointFormatException(
                Path, $"tensor '{name}' is stored as {entry.Dtype}, which cannot be read as float (supported: {SupportedList}).");
        }

        return entry;
    }

    private void Copy(Entry entry, Span<float> destination)
    {
        var type = entry.Type!.Value;
        var size = ElementConversion.SizeOf(type);
        var source = _pointer + _dataStart + entry.Begin;
        const int chunkElements = 1 << 28; // keeps every byte span under int.MaxValue
        for (var done = 0; done < destination.Length; done += chunkElements)
        {
            var count = Math.Min(chunkElements, destination.Length - done);
            var bytes = new ReadOnlySpan<byte>(source + ((long)done * size), count * size);
            ElementConversion.ToFloat32(bytes, type, destination.Slice(done, count));
        }
    }

    private static (long DataStart, Dictionary<string, Entry> Entries, IReadOnlyDictionary<string, string> Metadata)
        ReadHeader(string path, FileStream stream)
    {
        var fileLength = stream.Length;
        if (fileLength == 0)
        {
            throw new CheckpointFormatException(path, "the file is empty.", "Re-download or re-save the checkpoint.");
        }

        if (fileLength < 8)
        {
            throw new CheckpointFormatException(
                path,
                $"the file is {fileLength} bytes, shorter than the 8-byte header length every safetensors file starts with; it is truncated or not a safetensors file.",
                "Re-download or re-save the checkpoint.");
        }

        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)MaxHeaderBytes)
        {
            throw new CheckpointFormatException(
                path,
                $"header length {headerLength} (the first 8 bytes) is absurd (limit {MaxHeaderBytes} bytes); this is not a safetensors file or it is corrupt.");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw new CheckpointFormatException(
                path,
                $"header length {headerLength} (the first 8 bytes) is larger than the rest of the file ({fileLength - 8} bytes); the file is truncated or not a safetensors file.",
                "Re-download or re-save the checkpoint.");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(
                path, $"the {headerLength}-byte header is not valid JSON ({e.Message}).", "Re-download or re-save the checkpoint.", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(
                    path, $"the header is a JSON {Describe(root.ValueKind)}, expected an object {{name: {{dtype, shape, data_offsets}}}}.");
            }

            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            IReadOnlyDictionary<string, string> metadata = EmptySkipped.Instance;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    metadata = ReadMetadata(path, property.Value);
                    continue;
                }

                if (entries.ContainsKey(property.Name))
                {
                    throw new CheckpointFormatException(path, $"tensor '{property.Name}' appears twice in the header.");
                }

                entries.Add(property.Name, ReadEntry(path, property.Name, property.Value, dataLength));
            }

            CheckOverlaps(path, entries.Values);
            return (dataStart, entries, metadata);
        }
    }

    private static IReadOnlyDictionary<string, string> ReadMetadata(string path, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(
                path, $"__metadata__ is a JSON {Describe(element.ValueKind)}, expected an object of strings.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in element.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
        }

        return new ReadOnlyDictionary<string, string>(metadata);
    }

    private static Entry ReadEntry(string path, string name, JsonElement element, long dataLength)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(
                path, $"tensor '{name}': entry is a JSON {Describe(element.ValueKind)}, expected {{dtype, shape, data_offsets}}.");
        }

        // dtype
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}': missing or non-string \"dtype\".");
        }

        var dtype = dtypeElement.GetString()!;
        TensorDataType? type = dtype switch
        {
            "F32" => TensorDataType.Float32,
            "F16" => TensorDataType.Float16,
            "BF16" => TensorDataType.BFloat16,
            _ => null,
        };
        int elementSize;
        if (type is { } t)
        {
            elementSize = ElementConversion.SizeOf(t);
        }
        else if (!NonFloatDtypes.TryGetValue(dtype, out elementSize))
        {
            throw new CheckpointFormatException(
                path, $"tensor '{name}' has dtype '{dtype}', which is not supported (supported: {SupportedList}).", ConvertHint);
        }

        // shape
        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}': missing or non-array \"shape\".");
        }

        var shape = new long[shapeElement.GetArrayLength()];
        var elementCount = 1L;
        var overflow = false;
        var index = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out var value))
            {
                throw new CheckpointFormatException(
                    path, $"tensor '{name}': shape {shapeElement.GetRawText()} has a dimension that is not an integer ({dimension.GetRawText()}).");
            }

            if (value < 0)
            {
                throw new CheckpointFormatException(
                    path, $"tensor '{name}': shape {shapeElement.GetRawText()} has a negative dimension ({value}).");
            }

            shape[index++] = value;
            try
            {
                elementCount = checked(elementCount * value);
            }
            catch (OverflowException)
            {
                overflow = true;
            }
        }

        long byteCount = 0;
        if (!overflow)
        {
            try
            {
                byteCount = checked(elementCount * elementSize);
            }
            catch (OverflowException)
            {
                overflow = true;
            }
        }

        if (overflow && !shape.Contains(0))
        {
            throw new CheckpointFormatException(
                path, $"tensor '{name}': shape {shapeElement.GetRawText()} is absurd (its element count overflows a 64-bit integer).");
        }

        if (overflow)
        {
            elementCount = 0;
            byteCount = 0;
        }

        // data_offsets
        if (!element.TryGetProperty("data_offsets", out var offsets)
            || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2
            || !TryGetOffset(offsets[0], out var begin)
            || !TryGetOffset(offsets[1], out var end))
        {
            var found = element.TryGetProperty("data_offsets", out var raw) ? raw.GetRawText() : "nothing";
            throw new CheckpointFormatException(
                path, $"tensor '{name}': \"data_offsets\" must be two non-negative integers [begin, end], found {found}.");
        }

        if (end < begin)
        {
            throw new CheckpointFormatException(path, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin.");
        }

        if (end > dataLength)
        {
            throw new CheckpointFormatException(
                path,
                $"tensor '{name}': data_offsets [{begin}, {end}] run past the end of the data section ({dataLength} bytes after the header); the file is truncated or corrupt.",
                "Re-download or re-save the checkpoint.");
        }

        if (end - begin != byteCount)
        {
            throw new CheckpointFormatException(
                path,
                $"tensor '{name}': data_offsets [{begin}, {end}] hold {end - begin} bytes but shape {shapeElement.GetRawText()} of {dtype} needs {elementCount} × {elementSize} = {byteCount} bytes.");
        }

        return new Entry(name, dtype, type, shape, elementCount, begin, end);
    }

    private static bool TryGetOffset(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    private static void CheckOverlaps(string path, IEnumerable<Entry> entries)
    {
        Entry? previous = null;
        foreach (var entry in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (previous is not null && entry.Begin < previous.End)
            {
                throw new CheckpointFormatException(
                    path,
                    $"tensors '{previous.Name}' [{previous.Begin}, {previous.End}) and '{entry.Name}' [{entry.Begin}, {entry.End}) overlap in the data section; the header is corrupt or hostile.");
            }

            previous = entry;
        }
    }

    private static string Describe(JsonValueKind kind) => kind.ToString().ToLower(CultureInfo.InvariantCulture);

    private sealed record Entry(
        string Name, string Dtype, TensorDataType? Type, long[] Shape, long ElementCount, long Begin, long End);
}
