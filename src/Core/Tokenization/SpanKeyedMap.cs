namespace FastBert.Tokenization;

/// <summary>
/// A read-only string → int map looked up by <see cref="ReadOnlySpan{T}"/> without allocating (net8.0 has no
/// Dictionary alternate lookup): chained buckets over flat arrays, ordinal comparison.
/// </summary>
internal sealed class SpanKeyedMap
{
    private readonly int[] _buckets; // 1-based entry index, 0 = empty
    private readonly string[] _keys;
    private readonly int[] _values;
    private readonly int[] _hashes;
    private readonly int[] _next;

    public SpanKeyedMap(IReadOnlyCollection<KeyValuePair<string, int>> entries)
    {
        int size = 1;
        while (size < entries.Count * 2)
        {
            size <<= 1;
        }

        _buckets = new int[size];
        _keys = new string[entries.Count];
        _values = new int[entries.Count];
        _hashes = new int[entries.Count];
        _next = new int[entries.Count];
        int count = 0;
        foreach (var (key, value) in entries)
        {
            int hash = Hash(key);
            ref int bucket = ref _buckets[hash & (size - 1)];
            _keys[count] = key;
            _values[count] = value;
            _hashes[count] = hash;
            _next[count] = bucket;
            bucket = ++count;
        }

        MaxKeyLength = _keys.Length == 0 ? 0 : _keys.Max(k => k.Length);
    }

    // FNV-1a over UTF-16 units. Not randomised: the table's contents are fixed at load, so no input can lengthen a
    // chain, and it is several times cheaper than the randomised string hash on short keys.
    private static int Hash(ReadOnlySpan<char> key)
    {
        uint hash = 2166136261;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)(hash ^ (hash >> 15));
    }

    /// <summary>Length of the longest key: no longer span can match.</summary>
    public int MaxKeyLength { get; }

    public bool TryGetValue(ReadOnlySpan<char> key, out int value)
    {
        int hash = Hash(key);
        for (int i = _buckets[hash & (_buckets.Length - 1)]; i != 0; i = _next[i - 1])
        {
            if (_hashes[i - 1] == hash && key.SequenceEqual(_keys[i - 1]))
            {
                value = _values[i - 1];
                return true;
            }
        }

        value = 0;
        return false;
    }
}
