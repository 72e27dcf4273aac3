using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fastbert-models-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Writes safetensors files byte by byte (8-byte LE header length, JSON header, data).</summary>
internal static class SafetensorsBytes
{
    public sealed record Tensor(string Name, string Dtype, long[] Shape, byte[] Data);

    /// <summary>A well-formed file: tensors laid out back to back in the order given.</summary>
    public static byte[] Build(IEnumerable<Tensor> tensors, string? metadataJson = "{\"format\":\"pt\"}")
    {
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        var first = true;
        if (metadataJson is not null)
        {
            header.Append("\"__metadata__\":").Append(metadataJson);
            first = false;
        }

        foreach (var tensor in tensors)
        {
            var begin = data.Length;
            data.Write(tensor.Data);
            header.Append(first ? string.Empty : ",");
            header.Append(CultureInfo.InvariantCulture,
                $"\"{tensor.Name}\":{{\"dtype\":\"{tensor.Dtype}\",\"shape\":[{string.Join(',', tensor.Shape)}],\"data_offsets\":[{begin},{data.Length}]}}");
            first = false;
        }

        header.Append('}');
        return Raw(header.ToString(), data.ToArray());
    }

    /// <summary>A file with exactly this header text (padded with spaces to a multiple of 8, as writers do) and data.</summary>
    public static byte[] Raw(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    public static byte[] Float32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return bytes;
    }

    public static byte[] UInt16(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }
}

/// <summary>Emits pickle opcodes by hand (protocol 2), the way torch.save lays out a state dict.</summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream _bytes = new();

    public PickleBytes Proto(byte version = 2) => Op(0x80).Byte(version);

    public PickleBytes Global(string module, string name) => Op((byte)'c').Ascii($"{module}\n{name}\n");

    public PickleBytes StackGlobal(string module, string name) => ShortUnicode(module).ShortUnicode(name).Op(0x93);

    public PickleBytes Unicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Op((byte)'X');
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
        _bytes.Write(length);
        _bytes.Write(utf8);
        return this;
    }

    public PickleBytes ShortUnicode(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        Op(0x8c).Byte((byte)utf8.Length);
        _bytes.Write(utf8);
        return this;
    }

    public PickleBytes Int(long value)
    {
        if (value is >= 0 and < 256)
        {
            return Op((byte)'K').Byte((byte)value);
        }

        if (value is >= 0 and < 65536)
        {
            Op((byte)'M');
            Span<byte> two = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)value);
            _bytes.Write(two);
            return this;
        }

        if (value is >= int.MinValue and <= int.MaxValue)
        {
            Op((byte)'J');
            Span<byte> four = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(four, (int)value);
            _bytes.Write(four);
            return this;
        }

        Op(0x8a).Byte(8); // LONG1 with 8 bytes
        Span<byte> eight = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(eight, value);
        _bytes.Write(eight);
        return this;
    }

    public PickleBytes Mark() => Op((byte)'(');

    public PickleBytes Tuple() => Op((byte)'t');

    public PickleBytes Tuple1() => Op(0x85);

    public PickleBytes Tuple2() => Op(0x86);

    public PickleBytes EmptyTuple() => Op((byte)')');

    public PickleBytes EmptyDict() => Op((byte)'}');

    public PickleBytes False() => Op(0x89);

    public PickleBytes Reduce() => Op((byte)'R');

    public PickleBytes PersistentId() => Op((byte)'Q');

    public PickleBytes SetItem() => Op((byte)'s');

    public PickleBytes SetItems() => Op((byte)'u');

    public PickleBytes Put(byte slot) => Op((byte)'q').Byte(slot);

    public PickleBytes Get(byte slot) => Op((byte)'h').Byte(slot);

    public PickleBytes Stop() => Op((byte)'.');

    public PickleBytes Op(byte opcode)
    {
        _bytes.WriteByte(opcode);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>The tuple of integers (size or stride) as torch pickles it.</summary>
    public PickleBytes IntTuple(IReadOnlyList<long> values)
    {
        Mark();
        foreach (var v in values)
        {
            Int(v);
        }

        return Tuple();
    }

    /// <summary>
    /// key → _rebuild_tensor_v2(persistent_id('storage', storageType, storageKey, 'cpu', numel), offset, size, stride,
    /// False, OrderedDict()) then SETITEM on the dict below it.
    /// </summary>
    public PickleBytes TensorItem(
        string key, string storageType, string storageKey, long storageNumel, long offset, long[] size, long[] stride)
    {
        Unicode(key);
        Global("torch._utils", "_rebuild_tensor_v2");
        Mark();
        Mark().Unicode("storage").Global("torch", storageType).Unicode(storageKey).Unicode("cpu").Int(storageNumel).Tuple();
        PersistentId();
        Int(offset);
        IntTuple(size);
        IntTuple(stride);
        False();
        Global("collections", "OrderedDict").EmptyTuple().Reduce();
        Tuple();
        Reduce();
        return SetItem();
    }

    /// <summary>An OrderedDict state dict start: collections.OrderedDict() on the stack.</summary>
    public PickleBytes StateDictStart() => Proto().Global("collections", "OrderedDict").EmptyTuple().Reduce();

    private PickleBytes Byte(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    private PickleBytes Ascii(string text)
    {
        _bytes.Write(Encoding.ASCII.GetBytes(text));
        return this;
    }
}

/// <summary>Writes torch.save-style zips: archive/data.pkl, archive/data/&lt;key&gt;, archive/version.</summary>
internal static class TorchZip
{
    public static void Write(string path, byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, string archive = "archive",
        IEnumerable<(string Name, byte[] Data)>? extraEntries = null)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Add(zip, $"{archive}/data.pkl", pickle);
        foreach (var (key, data) in storages)
        {
            Add(zip, $"{archive}/data/{key}", data);
        }

        Add(zip, $"{archive}/version", Encoding.ASCII.GetBytes("3\n"));
        foreach (var (name, data) in extraEntries ?? [])
        {
            Add(zip, name, data);
        }
    }

    private static void Add(ZipArchive zip, string name, byte[] data)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(data);
    }
}
