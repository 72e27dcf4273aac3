namespace FastBert.Tokenization;

/// <summary>
/// Hugging Face's <c>WordpieceTokenizer</c>: each word becomes its greedy longest-match-first pieces (the first
/// piece as it is, later ones with the continuation prefix, "##" for BERT), or one [UNK] when some position matches nothing. Lookups are
/// span-keyed, so encoding allocates nothing.
/// </summary>
/// <remarks>
/// Words arrive from <see cref="BasicTokenizer"/> already capped at 100 code points and free of lone surrogates, so
/// HF's <c>max_input_chars_per_word</c> is settled before this point. Matching runs over UTF-16 units where HF runs
/// over code points; the extra candidates that end between the halves of a surrogate pair hold a lone surrogate,
/// which no vocabulary entry (valid UTF-8) can, so the result is the same.
/// </remarks>
internal sealed class WordPieceEncoder
{
    private readonly SpanKeyedMap _pieces;
    private readonly SpanKeyedMap _continuations;
    private readonly int _unknownId;

    /// <param name="vocabulary">Token → id.</param>
    /// <param name="unknownId">The id of [UNK].</param>
    /// <param name="continuationPrefix">What marks a piece that continues a word (BERT: "##").</param>
    public WordPieceEncoder(IReadOnlyDictionary<string, int> vocabulary, int unknownId, string continuationPrefix = "##")
    {
        var continuations = new List<KeyValuePair<string, int>>(vocabulary.Count / 4);
        foreach (var (token, id) in vocabulary)
        {
            if (token.StartsWith(continuationPrefix, StringComparison.Ordinal))
            {
                continuations.Add(new(token[continuationPrefix.Length..], id));
            }
        }

        _pieces = new SpanKeyedMap(vocabulary);
        _continuations = new SpanKeyedMap(continuations);
        _unknownId = unknownId;
    }

    /// <summary>
    /// Encodes the space-separated <paramref name="words"/> into <paramref name="ids"/>, stopping once
    /// <paramref name="limit"/> ids are written. Returns the number written. <paramref name="ids"/> must hold at
    /// least min(limit, words.Length) ids: a word yields at most one id per character.
    /// </summary>
    public int Encode(ReadOnlySpan<char> words, Span<int> ids, int limit)
    {
        int count = 0;
        while (!words.IsEmpty && count < limit)
        {
            int space = words.IndexOf(' ');
            var word = space < 0 ? words : words[..space];
            words = space < 0 ? default : words[(space + 1)..];
            if (!word.IsEmpty)
            {
                count = EncodeWord(word, ids, count, limit);
            }
        }

        return count;
    }

    private int EncodeWord(ReadOnlySpan<char> word, Span<int> ids, int count, int limit)
    {
        int first = count;
        int start = 0;
        while (start < word.Length)
        {
            var lookup = start == 0 ? _pieces : _continuations;
            int end = Math.Min(word.Length, start + lookup.MaxKeyLength);
            int id = -1;
            for (; end > start; end--)
            {
                if (lookup.TryGetValue(word[start..end], out id))
                {
                    break;
                }
            }

            if (end == start)
            {
                ids[first] = _unknownId;
                return first + 1;
            }

            // Pieces past the limit are never read, but the word must still be matched to the end: a later
            // position that matches nothing turns the whole word into one [UNK].
            if (count < limit)
            {
                ids[count] = id;
            }

            count++;
            start = end;
        }

        return Math.Min(count, limit);
    }
}
