namespace FastBert.Models.Checkpoints.Pickle;

/// <summary>What an allow-listed pickle global stands for.</summary>
internal enum GlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildTensor,
    RebuildParameter,
    RebuildParameterWithState,
    StorageType,
    DataType,
}

/// <summary>An allow-listed <c>module.name</c> the pickle referred to; never imported or executed, only recognised.</summary>
internal sealed record PickleGlobal(string Module, string Name, GlobalKind Kind, StorageElementType? Element = null)
{
    public string FullName => $"{Module}.{Name}";

    public override string ToString() => FullName;
}

/// <summary>A PyTorch storage element type (<c>torch.FloatStorage</c>, <c>torch.float16</c>, …).</summary>
/// <param name="Name">The PyTorch name, used in messages and <see cref="ICheckpoint.SkippedTensors"/>.</param>
/// <param name="DataType">The float type readers convert, or null for integer/boolean/double storages.</param>
/// <param name="Size">Bytes per element.</param>
internal sealed record StorageElementType(string Name, TensorDataType? DataType, int Size);

/// <summary>A Python tuple (immutable, compared by reference like everything else here).</summary>
internal sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public override string ToString() => $"tuple({Items.Length})";
}

/// <summary>A Python dict / OrderedDict, keeping insertion order.</summary>
internal sealed class PickleDict
{
    private readonly Dictionary<object, int> _index = new();
    private readonly List<KeyValuePair<object?, object?>> _items = new();

    public IReadOnlyList<KeyValuePair<object?, object?>> Items => _items;

    public void Set(object? key, object? value)
    {
        // Hashable scalar keys (str, int, float, bool) replace in place like Python; others are appended.
        if (key is string or long or double or bool or System.Numerics.BigInteger)
        {
            if (_index.TryGetValue(key, out var at))
            {
                _items[at] = new(key, value);
                return;
            }

            _index[key] = _items.Count;
        }

        _items.Add(new(key, value));
    }

    public override string ToString() => $"dict({_items.Count})";
}

/// <summary>A storage named by a persistent id <c>('storage', type, key, location, numel)</c>.</summary>
internal sealed record StorageReference(string Key, StorageElementType Element, string Location, long ElementCount);

/// <summary>What <c>torch._utils._rebuild_tensor_v2</c> would build: a view of a storage.</summary>
internal sealed record TensorReference(StorageReference Storage, long StorageOffset, long[] Size, long[] Stride);
