using System.Buffers;
using System.Globalization;
using System.Text;
using static FastBert.Tokenization.BertCharRules;

namespace FastBert.Tokenization;

/// <summary>
/// Hugging Face's slow <c>BertTokenizer</c> front end, up to (not including) WordPiece: split out special tokens,
/// <c>_clean_text</c>, <c>_tokenize_chinese_chars</c>, NFC, whitespace split, lowercase, strip accents, split on
/// punctuation. Words are written to a <see cref="WordBuffer"/>, one space apart, for <see cref="WordPieceEncoder"/>.
/// </summary>
/// <remarks>
/// <para>
/// The text is streamed once, left to right, and work stops as soon as the buffer's word budget is reached: every
/// word yields at least one WordPiece id, so <c>maxTokens - 1</c> words are always enough to fill the budget and
/// tell whether anything was cut. A 1 MB text with a small budget therefore only touches its first few hundred
/// characters. Whitespace tokens longer than <see cref="ChunkThreshold"/> are handled in pieces, cut just before a
/// punctuation character: punctuation is always a word of its own and never combines with what precedes it under
/// NFC/NFD, so the cut changes nothing. Inside a word, a run of more than 100 letters/digits already makes the
/// word [UNK], so the rest of the run is skipped unread (see <see cref="SkipSolidRun"/>): a 1 MB single word costs
/// one scan, not a normalisation of a megabyte.
/// </para>
/// <para>
/// Words longer than 100 code points (HF <c>max_input_chars_per_word</c>) and words holding a lone surrogate are
/// written as [UNK] directly: HF counts Python code points, and no vocabulary entry can hold a lone surrogate, so
/// WordPiece would reject the whole word anyway.
/// </para>
/// </remarks>
internal sealed class BasicTokenizer
{
    /// <summary>HF <c>WordpieceTokenizer.max_input_chars_per_word</c>.</summary>
    internal const int MaxWordCodePoints = 100;

    private const int ChunkThreshold = 512;

    /// <summary>ASCII characters that are neither whitespace, control nor punctuation to HF: [0-9A-Za-z].</summary>
    private static readonly SearchValues<char> AsciiSolidChars =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private readonly bool _lowercase;
    private readonly bool _stripAccents;
    private readonly bool _splitChinese;
    private readonly SpecialWord[] _specials;

    public BasicTokenizer(TokenizerSettings settings, IEnumerable<SpecialWord> specials)
    {
        _lowercase = settings.Lowercase;
        _stripAccents = settings.EffectiveStripAccents;
        _splitChinese = settings.TokenizeChineseChars;
        _specials = specials.ToArray();
    }

    /// <summary>A special token: its literal text, and the word to hand to WordPiece for it.</summary>
    /// <param name="Literal">E.g. "[SEP]".</param>
    /// <param name="Emit">The literal itself when the vocabulary has it, otherwise "[UNK]" (HF maps it to unk_token_id).</param>
    internal readonly record struct SpecialWord(string Literal, string Emit);

    public void Tokenize(ReadOnlySpan<char> text, TokenizerScratch scratch)
    {
        var words = scratch.Words;
        var token = scratch.Token;
        token.Clear();
        bool nonAscii = false;
        bool continuation = false;
        int solidRun = 0; // consecutive letters/digits (CharClass.Solid) at the end of the current token

        int i = 0;
        while (i < text.Length && !words.IsFull)
        {
            char c = text[i];
            if (c < 0x80)
            {
                switch (ClassifyAscii(c))
                {
                    case CharClass.Solid:
                    {
                        // The whole run of [0-9A-Za-z] at once, up to the point where the word is known to be [UNK].
                        int run = text[i..].IndexOfAnyExcept(AsciiSolidChars);
                        run = Math.Min(run < 0 ? text.Length - i : run, MaxWordCodePoints + 1 - solidRun);
                        token.Append(text.Slice(i, run));
                        i += run;
                        solidRun += run;
                        if (solidRun > MaxWordCodePoints)
                        {
                            i = SkipSolidRun(text, i);
                        }

                        continue;
                    }
                    case CharClass.Punctuation:
                        solidRun = 0;
                        if (c == '[' && TryMatchSpecialAt(text[i..], out var special))
                        {
                            // Special tokens are split out of the raw text before any normalisation (HF's trie),
                            // matched case-sensitively: with do_lower_case, "[sep]" is NOT special (see BertTextTokenizer).
                            Flush();
                            words.AddWord(special.Emit);
                            i += special.Literal.Length;
                            continue;
                        }

                        if (token.Length >= ChunkThreshold)
                        {
                            FlushChunk();
                        }

                        token.Append(c);
                        i++;
                        continue;
                    case CharClass.Whitespace:
                        Flush();
                        i++;
                        continue;
                    default: // removed control character: its neighbours join, so the run goes on
                        i++;
                        continue;
                }
            }

            int codePoint = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }

            var kind = ClassifyNonAscii(codePoint);
            switch (kind)
            {
                case CharClass.Removed:
                    i += width;
                    continue;
                case CharClass.Whitespace:
                    Flush();
                    i += width;
                    continue;
            }

            if (_splitChinese && IsChineseChar(codePoint))
            {
                Flush();
                ProcessToken(text.Slice(i, width), nonAscii: true, allowNeverSplit: true, scratch);
                i += width;
                continue;
            }

            if (kind == CharClass.Punctuation && token.Length >= ChunkThreshold)
            {
                FlushChunk();
            }

            token.Append(text.Slice(i, width));
            nonAscii = true;
            i += width;
            if (kind != CharClass.Solid)
            {
                solidRun = 0;
            }
            else if (++solidRun > MaxWordCodePoints)
            {
                i = SkipSolidRun(text, i);
            }
        }

        if (!words.IsFull)
        {
            Flush();
        }

        void Flush()
        {
            if (token.Length > 0)
            {
                ProcessToken(token.Span, nonAscii, allowNeverSplit: !continuation, scratch);
                token.Clear();
            }

            nonAscii = false;
            continuation = false;
            solidRun = 0;
        }

        void FlushChunk()
        {
            // Part of a long whitespace token: the rest of the token is not a whole token either, so it must not
            // be matched against never_split.
            ProcessToken(token.Span, nonAscii, allowNeverSplit: !continuation, scratch);
            token.Clear();
            nonAscii = false;
            continuation = true;
            solidRun = 0;
        }
    }

    /// <summary>
    /// The current word already holds more than 100 consecutive letters/digits, so it is [UNK] whatever else it
    /// holds: letters and digits are never dropped, merged or turned into separators by lowercasing, NFC or accent
    /// stripping (see <see cref="CharClass.Solid"/>). Skips the rest of that run instead of copying and normalising
    /// it, so a huge word costs one scan. Stops at anything else, which is then handled normally.
    /// </summary>
    private int SkipSolidRun(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 0x80)
            {
                int more = text[i..].IndexOfAnyExcept(AsciiSolidChars);
                if (more < 0)
                {
                    return text.Length;
                }

                i += more;
                if (text[i] < 0x80)
                {
                    return i;
                }

                continue;
            }

            int codePoint = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }

            if (ClassifyNonAscii(codePoint) != CharClass.Solid || (_splitChinese && IsChineseChar(codePoint)))
            {
                return i;
            }

            i += width;
        }

        return i;
    }

    private bool TryMatchSpecialAt(ReadOnlySpan<char> text, out SpecialWord special)
    {
        foreach (var candidate in _specials)
        {
            if (text.StartsWith(candidate.Literal, StringComparison.Ordinal))
            {
                special = candidate;
                return true;
            }
        }

        special = default;
        return false;
    }

    /// <summary>HF's <c>never_split</c>: a whole whitespace token equal to a special token stays one word.</summary>
    private bool TryMatchNeverSplit(ReadOnlySpan<char> token, out SpecialWord special)
    {
        foreach (var candidate in _specials)
        {
            if (token.SequenceEqual(candidate.Literal))
            {
                special = candidate;
                return true;
            }
        }

        special = default;
        return false;
    }

    /// <summary>One whitespace-delimited token (after cleaning): lowercase, NFC, strip accents, punctuation split.</summary>
    private void ProcessToken(ReadOnlySpan<char> token, bool nonAscii, bool allowNeverSplit, TokenizerScratch scratch)
    {
        var words = scratch.Words;
        SpecialWord special;
        if (!nonAscii)
        {
            // ASCII fast path: NFC / NFD / accent stripping are no-ops. With lowercasing the token cannot equal a
            // BERT special token (they are upper case), so never_split only matters for cased tokenization.
            if (allowNeverSplit && !_lowercase && TryMatchNeverSplit(token, out special))
            {
                words.AddWord(special.Emit);
                return;
            }

            // An ASCII token holds only [0-9A-Za-z] runs and punctuation (controls were dropped, whitespace split).
            while (!token.IsEmpty)
            {
                int run = token.IndexOfAnyExcept(AsciiSolidChars);
                if (run < 0)
                {
                    run = token.Length;
                }

                if (run > 0)
                {
                    int mark = words.Mark;
                    words.AppendAscii(token[..run], _lowercase);
                    words.EndWord(mark, unknown: run > MaxWordCodePoints);
                    if (words.IsFull)
                    {
                        return;
                    }
                }

                if (run < token.Length)
                {
                    words.AddWord(token.Slice(run, 1));
                    if (words.IsFull)
                    {
                        return;
                    }

                    run++;
                }

                token = token[run..];
            }

            return;
        }

        // General path, in HF's order: (lowercase, done per character on the raw text by HF) -> NFC ->
        // never_split check -> strip accents -> never_split check (inside _run_split_on_punc) -> punctuation split.
        var work = scratch.Work;
        work.Clear();
        if (_lowercase)
        {
            for (int j = 0; j < token.Length;)
            {
                j += AppendLower(token, j, work);
            }
        }
        else
        {
            work.Append(token);
        }

        string text = Normalize(new string(work.Span), NormalizationForm.FormC);
        if (allowNeverSplit && TryMatchNeverSplit(text, out special))
        {
            words.AddWord(special.Emit);
            return;
        }

        if (_stripAccents)
        {
            text = StripAccents(text, work);
            if (allowNeverSplit && TryMatchNeverSplit(text, out special))
            {
                words.AddWord(special.Emit);
                return;
            }
        }

        SplitOnPunctuation(text, words);
    }

    /// <summary>HF <c>_run_strip_accents</c>: NFD, then drop category Mn.</summary>
    private static string StripAccents(string text, CharBuffer work)
    {
        string decomposed = Normalize(text, NormalizationForm.FormD);
        work.Clear();
        bool removed = false;
        for (int j = 0; j < decomposed.Length;)
        {
            int width = char.IsHighSurrogate(decomposed[j]) && j + 1 < decomposed.Length && char.IsLowSurrogate(decomposed[j + 1]) ? 2 : 1;
            int codePoint = width == 2 ? char.ConvertToUtf32(decomposed[j], decomposed[j + 1]) : decomposed[j];
            if (CharUnicodeInfo.GetUnicodeCategory(codePoint) == UnicodeCategory.NonSpacingMark)
            {
                removed = true;
            }
            else
            {
                work.Append(decomposed.AsSpan(j, width));
            }

            j += width;
        }

        return removed ? new string(work.Span) : decomposed;
    }

    /// <summary>HF <c>_run_split_on_punc</c> over code points, then the WordPiece pre-checks (length, lone surrogates).</summary>
    private static void SplitOnPunctuation(string text, WordBuffer words)
    {
        int mark = words.Mark;
        int codePoints = 0;
        bool unknown = false;
        for (int j = 0; j < text.Length;)
        {
            char c = text[j];
            int width = 1;
            int codePoint = c;
            bool lone = false;
            if (char.IsHighSurrogate(c) && j + 1 < text.Length && char.IsLowSurrogate(text[j + 1]))
            {
                width = 2;
                codePoint = char.ConvertToUtf32(c, text[j + 1]);
            }
            else if (char.IsSurrogate(c))
            {
                lone = true;
            }

            if (!lone && IsPunctuation(codePoint))
            {
                words.EndWord(mark, unknown || codePoints > MaxWordCodePoints);
                words.AddWord(text.AsSpan(j, width));
                if (words.IsFull)
                {
                    return;
                }

                mark = words.Mark;
                codePoints = 0;
                unknown = false;
            }
            else
            {
                if (codePoints <= MaxWordCodePoints)
                {
                    words.Append(text.AsSpan(j, width));
                }

                codePoints++;
                unknown |= lone;
            }

            j += width;
        }

        words.EndWord(mark, unknown || codePoints > MaxWordCodePoints);
    }
}
