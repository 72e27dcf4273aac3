using System.Runtime.CompilerServices;

namespace FastBert.Tokenization;

/// <summary>A growable char buffer reused across calls on one thread (see <see cref="TokenizerScratch"/>).</summary>
internal sealed class CharBuffer
{
    private char[] _chars;

    public CharBuffer(int capacity) => _chars = new char[capacity];

    public int Length { get; set; }

    public int Capacity => _chars.Length;

    public ReadOnlySpan<char> Span => _chars.AsSpan(0, Length);

    public void Clear() => Length = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c)
    {
        if (Length == _chars.Length)
        {
            Grow(1);
        }

        _chars[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars.AsSpan(Length));
        Length += text.Length;
    }

    /// <summary>Appends ASCII <paramref name="text"/>, lowercased when <paramref name="lowercase"/> is set.</summary>
    public void AppendAscii(ReadOnlySpan<char> text, bool lowercase)
    {
        if (Length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        var destination = _chars.AsSpan(Length, text.Length);
        if (lowercase)
        {
            System.Text.Ascii.ToLower(text, destination, out _);
        }
        else
        {
            text.CopyTo(destination);
        }

        Length += text.Length;
    }

    /// <summary>Removes the first <paramref name="count"/> characters.</summary>
    public void RemovePrefix(int count)
    {
        _chars.AsSpan(count, Length - count).CopyTo(_chars);
        Length -= count;
    }

    private void Grow(int extra)
    {
        var bigger = new char[Math.Max(_chars.Length * 2, Length + extra)];
        _chars.AsSpan(0, Length).CopyTo(bigger);
        _chars = bigger;
    }
}

/// <summary>
/// The output of the basic tokenizer: words separated by one space, ready for WordPiece, plus a word budget so
/// that long texts stop being scanned once enough words exist.
/// </summary>
internal sealed class WordBuffer
{
    private const string UnknownWord = "[UNK]";

    public WordBuffer(int capacity) => Chars = new CharBuffer(capacity);

    public CharBuffer Chars { get; }

    public int WordCount { get; private set; }

    public int WordLimit { get; private set; } = int.MaxValue;

    public bool IsFull => WordCount >= WordLimit;

    public ReadOnlySpan<char> Span => Chars.Span;

    public void Reset(int wordLimit)
    {
        Chars.Clear();
        WordCount = 0;
        WordLimit = wordLimit;
    }

    /// <summary>Position where the next word starts; pass it to <see cref="EndWord"/>.</summary>
    public int Mark => Chars.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(char c) => Chars.Append(c);

    public void Append(ReadOnlySpan<char> text) => Chars.Append(text);

    public void AppendAscii(ReadOnlySpan<char> text, bool lowercase) => Chars.AppendAscii(text, lowercase);

    /// <summary>Closes the word begun at <paramref name="mark"/>; an empty word is ignored.</summary>
    /// <param name="mark">Value of <see cref="Mark"/> when the word started.</param>
    /// <param name="unknown">Replace the word by [UNK] (too long, or holds a character no vocabulary entry can).</param>
    public void EndWord(int mark, bool unknown)
    {
        if (Chars.Length == mark)
        {
            return;
        }

        if (unknown)
        {
            Chars.Length = mark;
            Chars.Append(UnknownWord);
        }

        Chars.Append(' ');
        WordCount++;
    }

    public void AddWord(ReadOnlySpan<char> word)
    {
        Chars.Append(word);
        Chars.Append(' ');
        WordCount++;
    }
}

/// <summary>Per-thread buffers of <see cref="BertTextTokenizer"/>, so encoding does not allocate them per call.</summary>
internal sealed class TokenizerScratch
{
    private const int KeepCapacity = 64 * 1024;

    [ThreadStatic]
    private static TokenizerScratch? t_cached;

    public CharBuffer Token { get; private set; } = new(256);

    public CharBuffer Work { get; private set; } = new(256);

    public WordBuffer Words { get; private set; } = new(1024);

    private int[] _pieceIds = new int[256];

    private int[] _firstSegmentIds = [];

    /// <summary>A buffer of at least <paramref name="length"/> word-piece ids.</summary>
    public Span<int> PieceIds(int length) => Grow(ref _pieceIds, length);

    /// <summary>Where a pair keeps its first text's pieces while the second is encoded into <see cref="PieceIds"/>.</summary>
    public Span<int> FirstSegmentIds(int length) => Grow(ref _firstSegmentIds, length);

    private static int[] Grow(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new int[Math.Max(Math.Max(length, 256), buffer.Length * 2)];
        }

        return buffer;
    }

    public static TokenizerScratch Rent()
    {
        var scratch = t_cached ?? new TokenizerScratch();
        t_cached = null; // re-entrant calls get their own buffers
        return scratch;
    }

    public static void Return(TokenizerScratch scratch)
    {
        // Do not pin megabytes per thread after one huge text.
        if (scratch.Token.Capacity > KeepCapacity)
        {
            scratch.Token = new CharBuffer(256);
        }

        if (scratch.Work.Capacity > KeepCapacity)
        {
            scratch.Work = new CharBuffer(256);
        }

        if (scratch.Words.Chars.Capacity > KeepCapacity)
        {
            scratch.Words = new WordBuffer(1024);
        }

        if (scratch._pieceIds.Length > KeepCapacity)
        {
            scratch._pieceIds = new int[256];
        }

        if (scratch._firstSegmentIds.Length > KeepCapacity)
        {
            scratch._firstSegmentIds = [];
        }

        t_cached = scratch;
    }
}
