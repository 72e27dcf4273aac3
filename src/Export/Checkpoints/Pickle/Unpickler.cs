using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace FastBert.Models.Checkpoints.Pickle;

/// <summary>
/// A deliberately small pickle virtual machine for PyTorch state dicts. It understands the opcodes a state dict uses
/// (protocols 2–5) and resolves globals through an allow-list only: any other <c>module.name</c> is refused with
/// <see cref="CheckpointSecurityException"/> at the GLOBAL / STACK_GLOBAL / INST opcode that names it, before anything
/// else happens. Nothing is ever imported or executed: allow-listed callables are interpreted by this class
/// (OrderedDict → <see cref="PickleDict"/>, <c>_rebuild_tensor_v2</c> → <see cref="TensorReference"/>, …).
/// </summary>
internal sealed class Unpickler
{
    private const int MaxStackDepth = 1 << 20;

    private static readonly Dictionary<string, PickleGlobal> Allowed = BuildAllowList();

    private readonly byte[] _data;
    private readonly string _path;
    private readonly string _entry;
    private readonly Func<PickleTuple, StorageReference> _persistentLoad;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();
    private int _position;
    private int _opcodeStart;

    private Unpickler(byte[] data, string path, string entry, Func<PickleTuple, StorageReference> persistentLoad)
    {
        _data = data;
        _path = path;
        _entry = entry;
        _persistentLoad = persistentLoad;
    }

    /// <summary>The <c>module.name</c> globals a state dict may reference.</summary>
    public static IReadOnlyCollection<string> AllowedGlobals => Allowed.Keys;

    /// <summary>Runs the pickle in <paramref name="data"/> and returns the object STOP leaves on the stack.</summary>
    /// <param name="path">The checkpoint file, for messages.</param>
    /// <param name="entry">The zip entry holding the pickle, for messages.</param>
    /// <param name="persistentLoad">Maps a BINPERSID tuple to a storage (validates it).</param>
    public static object? Load(byte[] data, string path, string entry, Func<PickleTuple, StorageReference> persistentLoad) =>
        new Unpickler(data, path, entry, persistentLoad).Run();

    /// <summary>The allow-listed global for <c>module.name</c>, or a security exception naming it.</summary>
    public static PickleGlobal Resolve(string module, string name, string path)
    {
        var fullName = $"{module}.{name}";
        if (Allowed.TryGetValue(fullName, out var global))
        {
            return global;
        }

        throw new CheckpointSecurityException(
            path,
            $"refused: pickle global '{Printable(fullName)}' is not allowed in a state dict (a PyTorch state dict only needs tensors, storages and OrderedDict; this file may be malicious).",
            "Nothing was executed. Use a model.safetensors instead, or, only if you trust the file's source, convert it with torch.load(path, weights_only=True) and safetensors' save_file.");
    }

    private object? Run()
    {
        while (true)
        {
            if (_position >= _data.Length)
            {
                throw Format("the pickle ends without a STOP opcode; the file is truncated or corrupt.");
            }

            _opcodeStart = _position;
            var opcode = _data[_position++];
            switch (opcode)
            {
                case 0x80: // PROTO
                    var protocol = ReadByte();
                    if (protocol > 5)
                    {
                        throw Format($"pickle protocol {protocol} is newer than the supported 2–5.");
                    }

                    break;

                case 0x95: // FRAME: an 8-byte length hint, the frame content follows inline.
                    ReadBytes(8);
                    break;

                case (byte)'.': // STOP
                    if (_marks.Count != 0 || _stack.Count != 1)
                    {
                        throw Format($"STOP with {_stack.Count} objects on the stack and {_marks.Count} open marks; the pickle is corrupt.");
                    }

                    return _stack[0];

                case (byte)'(': // MARK
                    _marks.Push(_stack.Count);
                    break;

                case (byte)'0': // POP
                    Pop();
                    break;

                case (byte)'1': // POP_MARK
                    PopMark();
                    break;

                case (byte)'2': // DUP
                    Push(Peek());
                    break;

                case (byte)'N': // NONE
                    Push(null);
                    break;

                case 0x88: // NEWTRUE
                    Push(true);
                    break;

                case 0x89: // NEWFALSE
                    Push(false);
                    break;

                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;

                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;

                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;

                case 0x8a: // LONG1
                    Push(ReadLong(ReadByte()));
                    break;

                case 0x8b: // LONG4
                    Push(ReadLong(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)))));
                    break;

                case (byte)'G': // BINFLOAT (big-endian double)
                    Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;

                case (byte)'X': // BINUNICODE
                    Push(ReadUtf8(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))));
                    break;

                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadUtf8(ReadByte()));
                    break;

                case 0x8d: // BINUNICODE8
                    Push(ReadUtf8(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)))));
                    break;

                case (byte)'T': // BINSTRING (Python 2 str)
                    Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))))));
                    break;

                case (byte)'U': // SHORT_BINSTRING
                    Push(Encoding.Latin1.GetString(ReadBytes(ReadByte())));
                    break;

                case (byte)'B': // BINBYTES
                    Push(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))).ToArray());
                    break;

                case (byte)'C': // SHORT_BINBYTES
                    Push(ReadBytes(ReadByte()).ToArray());
                    break;

                case 0x8e: // BINBYTES8
                    Push(ReadBytes(ReadLength(BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)))).ToArray());
                    break;

                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;

                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;

                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;

                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark()));
                    break;

                case 0x85: // TUPLE1
                    Push(new PickleTuple([Pop()]));
                    break;

                case 0x86: // TUPLE2
                {
                    var second = Pop();
                    var first = Pop();
                    Push(new PickleTuple([first, second]));
                    break;
                }

                case 0x87: // TUPLE3
                {
                    var third = Pop();
                    var second = Pop();
                    var first = Pop();
                    Push(new PickleTuple([first, second, third]));
                    break;
                }

                case (byte)'l': // LIST
                    Push(new List<object?>(PopMark()));
                    break;

                case (byte)'d': // DICT
                {
                    var items = PopMark();
                    var dict = new PickleDict();
                    AddPairs(dict, items);
                    Push(dict);
                    break;
                }

                case (byte)'s': // SETITEM
                {
                    var value = Pop();
                    var key = Pop();
                    PeekAs<PickleDict>("SETITEM").Set(key, value);
                    break;
                }

                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    AddPairs(PeekAs<PickleDict>("SETITEMS"), items);
                    break;
                }

                case (byte)'a': // APPEND
                {
                    var value = Pop();
                    PeekAs<List<object?>>("APPEND").Add(value);
                    break;
                }

                case (byte)'e': // APPENDS
                {
                    var items = PopMark();
                    PeekAs<List<object?>>("APPENDS").AddRange(items);
                    break;
                }

                case (byte)'q': // BINPUT
                    _memo[ReadByte()] = Peek();
                    break;

                case (byte)'r': // LONG_BINPUT
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek();
                    break;

                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;

                case (byte)'h': // BINGET
                    Push(MemoGet(ReadByte()));
                    break;

                case (byte)'j': // LONG_BINGET
                    Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))));
                    break;

                case (byte)'c': // GLOBAL "module\nname\n"
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(Resolve(module, name, _path));
                    break;
                }

                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n)
                    {
                        throw Format("STACK_GLOBAL needs two strings (module, name) on the stack.");
                    }

                    Push(Resolve(m, n, _path));
                    break;
                }

                case (byte)'i': // INST "module\nname\n": imports like GLOBAL, then instantiates — never needed by a state dict.
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Resolve(module, name, _path);
                    throw Format($"the INST opcode (instantiating {module}.{name}) is not used by state dicts and is not supported.");
                }

                case 0x82: // EXT1
                case 0x83: // EXT2
                case 0x84: // EXT4
                    throw new CheckpointSecurityException(
                        _path,
                        $"refused: pickle opcode EXT (copyreg extension registry, at byte {_opcodeStart} of {_entry}) imports an unnamed global, which is not allowed in a state dict.",
                        "Nothing was executed. Use a model.safetensors instead.");

                case (byte)'Q': // BINPERSID
                {
                    var id = Pop();
                    if (id is not PickleTuple tuple)
                    {
                        throw Format("BINPERSID expects a tuple ('storage', storage_type, key, location, numel).");
                    }

                    Push(_persistentLoad(tuple));
                    break;
                }

                case (byte)'R': // REDUCE
                {
                    var arguments = Pop();
                    var callable = Pop();
                    Push(Call(callable, arguments, "REDUCE"));
                    break;
                }

                case 0x81: // NEWOBJ: cls.__new__(cls, *args)
                {
                    var arguments = Pop();
                    var cls = Pop();
                    Push(Call(cls, arguments, "NEWOBJ"));
                    break;
                }

                case (byte)'b': // BUILD: sets an object's state; state dicts only use it for OrderedDict._metadata.
                {
                    Pop();
                    var target = Peek();
                    if (target is not (PickleDict or TensorReference))
                    {
                        throw Format($"BUILD applied to {Describe(target)}, which a state dict never does.");
                    }

                    break;
                }

                default:
                    throw Format(
                        $"pickle opcode 0x{opcode:x2} ('{(opcode is >= 0x20 and < 0x7f ? (char)opcode : '?')}') is not used by PyTorch state dicts and is not supported.");
            }
        }
    }

    private object Call(object? callable, object? arguments, string opcode)
    {
        if (callable is not PickleGlobal global)
        {
            throw Format($"{opcode} of {Describe(callable)}: only allow-listed globals can be called.");
        }

        if (arguments is not PickleTuple args)
        {
            throw Format($"{opcode} of {global}: the arguments are {Describe(arguments)}, expected a tuple.");
        }

        switch (global.Kind)
        {
            case GlobalKind.OrderedDict:
            {
                var dict = new PickleDict();
                if (args.Count == 1 && args[0] is List<object?> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        if (pair is not PickleTuple { Count: 2 } kv)
                        {
                            throw Format("OrderedDict(items) with an item that is not a (key, value) pair.");
                        }

                        dict.Set(kv[0], kv[1]);
                    }
                }
                else if (args.Count != 0)
                {
                    throw Format($"OrderedDict called with {args.Count} arguments.");
                }

                return dict;
            }

            case GlobalKind.RebuildTensorV2 when args.Count is 6 or 7:
            case GlobalKind.RebuildTensor when args.Count == 4:
            {
                if (args[0] is not StorageReference storage)
                {
                    throw Format($"{global.Name}: the first argument is {Describe(args[0])}, expected a storage (persistent id).");
                }

                var offset = AsInt64(args[1], $"{global.Name} storage_offset");
                var size = AsShape(args[2], $"{global.Name} size");
                var stride = AsShape(args[3], $"{global.Name} stride");
                if (offset < 0 || size.Any(d => d < 0) || stride.Any(s => s < 0))
                {
                    throw Format($"{global.Name}: negative storage offset, size or stride.");
                }

                if (size.Length != stride.Length)
                {
                    throw Format($"{global.Name}: size has {size.Length} dimensions but stride has {stride.Length}.");
                }

                return new TensorReference(storage, offset, size, stride);
            }

            case GlobalKind.RebuildParameter when args.Count == 3:
            case GlobalKind.RebuildParameterWithState when args.Count == 4:
                return args[0] as TensorReference
                    ?? throw Format($"{global.Name}: the first argument is {Describe(args[0])}, expected a tensor.");

            default:
                throw Format($"{opcode} of {global} with {args.Count} arguments is not something a state dict does.");
        }
    }

    private void AddPairs(PickleDict dict, object?[] items)
    {
        if (items.Length % 2 != 0)
        {
            throw Format("a dict was given an odd number of items.");
        }

        for (var i = 0; i < items.Length; i += 2)
        {
            dict.Set(items[i], items[i + 1]);
        }
    }

    private long AsInt64(object? value, string what) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw Format($"{what} is {Describe(value)}, expected an integer."),
    };

    private long[] AsShape(object? value, string what)
    {
        if (value is not PickleTuple tuple)
        {
            throw Format($"{what} is {Describe(value)}, expected a tuple of integers.");
        }

        return tuple.Items.Select(item => AsInt64(item, what)).ToArray();
    }

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStackDepth)
        {
            throw Format("the pickle stack grew past a million objects; the file is corrupt or hostile.");
        }

        _stack.Add(value);
    }

    private object? Pop()
    {
        var floor = _marks.Count == 0 ? 0 : _marks.Peek();
        if (_stack.Count <= floor)
        {
            throw Format("stack underflow; the pickle is corrupt.");
        }

        var value = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        var floor = _marks.Count == 0 ? 0 : _marks.Peek();
        if (_stack.Count <= floor)
        {
            throw Format("stack underflow; the pickle is corrupt.");
        }

        return _stack[^1];
    }

    private T PeekAs<T>(string opcode)
        where T : class
    {
        var value = Peek();
        return value as T ?? throw Format($"{opcode} applied to {Describe(value)}.");
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Format("an opcode needs a MARK but there is none; the pickle is corrupt.");
        }

        var start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start).ToArray();
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Format($"memo slot {index} is read before it is written.");

    private byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw Truncated();
        }

        return _data[_position++];
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw Truncated();
        }

        var span = new ReadOnlySpan<byte>(_data, _position, count);
        _position += count;
        return span;
    }

    private int ReadLength(long length)
    {
        if (length < 0 || length > _data.Length - _position)
        {
            throw Truncated();
        }

        return (int)length;
    }

    private int ReadLength(ulong length) => length > int.MaxValue ? throw Truncated() : ReadLength((long)length);

    private string ReadUtf8(int count)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBytes(count));
        }
        catch (DecoderFallbackException)
        {
            throw Format("a string is not valid UTF-8.");
        }
    }

    private string ReadLine()
    {
        var end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0 || end - _position > 1024)
        {
            throw Format("a GLOBAL name is not newline-terminated within 1024 bytes.");
        }

        var text = Encoding.UTF8.GetString(_data, _position, end - _position);
        _position = end + 1;
        return text;
    }

    private object ReadLong(int count)
    {
        // Two's complement, little-endian; LONG1 with 0 bytes is 0.
        var bytes = ReadBytes(count);
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private CheckpointFormatException Truncated() =>
        Format("the pickle ends in the middle of an opcode; the file is truncated or corrupt.");

    private CheckpointFormatException Format(string problem) =>
        new(_path, $"{_entry} (byte {_opcodeStart}): {problem}");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a string",
        long or BigInteger => "an integer",
        double => "a float",
        bool => "a bool",
        PickleTuple t => $"a {t.Count}-tuple",
        List<object?> => "a list",
        PickleDict => "a dict",
        PickleGlobal g => $"global {g.FullName}",
        StorageReference => "a storage",
        TensorReference => "a tensor",
        _ => value.GetType().Name,
    };

    private static string Printable(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 200 ? clean[..200] + "…" : clean;
    }

    private static Dictionary<string, PickleGlobal> BuildAllowList()
    {
        var list = new Dictionary<string, PickleGlobal>(StringComparer.Ordinal);

        void Add(string module, string name, GlobalKind kind, StorageElementType? element = null) =>
            list.Add($"{module}.{name}", new PickleGlobal(module, name, kind, element));

        Add("collections", "OrderedDict", GlobalKind.OrderedDict);
        Add("torch._utils", "_rebuild_tensor_v2", GlobalKind.RebuildTensorV2);
        Add("torch._utils", "_rebuild_tensor", GlobalKind.RebuildTensor);
        Add("torch._utils", "_rebuild_parameter", GlobalKind.RebuildParameter);
        Add("torch._utils", "_rebuild_parameter_with_state", GlobalKind.RebuildParameterWithState);

        (string Storage, string Dtype, TensorDataType? Type, int Size)[] types =
        [
            ("FloatStorage", "float32", TensorDataType.Float32, 4),
            ("HalfStorage", "float16", TensorDataType.Float16, 2),
            ("BFloat16Storage", "bfloat16", TensorDataType.BFloat16, 2),
            ("DoubleStorage", "float64", null, 8),
            ("LongStorage", "int64", null, 8),
            ("IntStorage", "int32", null, 4),
            ("ShortStorage", "int16", null, 2),
            ("CharStorage", "int8", null, 1),
            ("ByteStorage", "uint8", null, 1),
            ("BoolStorage", "bool", null, 1),
        ];
        foreach (var (storage, dtype, type, size) in types)
        {
            var element = new StorageElementType(storage, type, size);
            Add("torch", storage, GlobalKind.StorageType, element);
            Add("torch", dtype, GlobalKind.DataType, element);
        }

        var untyped = new StorageElementType("UntypedStorage", null, 1);
        Add("torch", "UntypedStorage", GlobalKind.StorageType, untyped);
        Add("torch.storage", "UntypedStorage", GlobalKind.StorageType, untyped);
        return list;
    }
}
