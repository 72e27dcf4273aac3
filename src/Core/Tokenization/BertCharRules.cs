using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace FastBert.Tokenization;

/// <summary>
/// Character classes of Hugging Face's BasicTokenizer (<c>_is_whitespace</c>, <c>_is_control</c>,
/// <c>_is_punctuation</c>, <c>_is_chinese_char</c>) and Python's <c>str.lower</c> / <c>unicodedata</c> behaviour.
/// </summary>
internal static class BertCharRules
{
    /// <summary>What <c>_clean_text</c> and the whitespace split do with a character.</summary>
    internal enum CharClass : byte
    {
        /// <summary>Part of a word (symbols, marks, lone surrogates, ...).</summary>
        Word,

        /// <summary>
        /// Part of a word, and a letter or decimal digit (L*, Nd; ASCII [0-9A-Za-z]) other than a Hangul jamo. Such a
        /// character always leaves at least one code point in its word after lowercasing, NFC and accent stripping,
        /// never becomes punctuation or whitespace, and never composes with the character before it (no letter
        /// or digit but the Hangul vowel/trailing jamo is a second element of a canonical composition; checked
        /// over all of Unicode with .NET's data). A run of more than 100 of them therefore makes its word [UNK].
        /// </summary>
        Solid,

        /// <summary>Part of a word and a punctuation character (split into its own word later).</summary>
        Punctuation,

        /// <summary>Separates words.</summary>
        Whitespace,

        /// <summary>Dropped by <c>_clean_text</c> (U+0000, U+FFFD, Cc and Cf other than \t \n \r).</summary>
        Removed,
    }

    private static readonly CharClass[] s_ascii = BuildAsciiTable();

    // Classes of the whole BMP (64 KB), so non-ASCII text avoids a category lookup per character.
    private static readonly CharClass[] s_bmp = BuildBmpTable();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CharClass ClassifyAscii(char c) => s_ascii[c];

    /// <summary>
    /// Class of a non-ASCII code point (lone surrogates included: Python keeps them as category Cs, a word character).
    /// Whitespace is HF's <c>_is_whitespace</c> (category Zs) plus U+2028 / U+2029: HF keeps those (Zl / Zp are
    /// neither control nor whitespace to it), but Python's <c>str.split()</c> then splits on them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CharClass ClassifyNonAscii(int codePoint) =>
        codePoint <= 0xFFFF ? s_bmp[codePoint] : ComputeClass(codePoint);

    private static CharClass ComputeClass(int codePoint)
    {
        if (codePoint == 0xFFFD)
        {
            return CharClass.Removed;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format => CharClass.Removed,
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => CharClass.Whitespace,
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                => IsHangulJamo(codePoint) ? CharClass.Word : CharClass.Solid,
            _ when IsPunctuationCategory(category) => CharClass.Punctuation,
            _ => CharClass.Word,
        };
    }

    private static bool IsHangulJamo(int cp) =>
        (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xD7B0 && cp <= 0xD7FF) || (cp >= 0x3130 && cp <= 0x318F);

    /// <summary>HF <c>_is_punctuation</c>: ASCII 33–47, 58–64, 91–96, 123–126, or any Unicode P* category.</summary>
    public static bool IsPunctuation(int codePoint) =>
        codePoint <= 0xFFFF
            ? s_bmp[codePoint] == CharClass.Punctuation
            : IsPunctuationCategory(CharUnicodeInfo.GetUnicodeCategory(codePoint));

    private static bool IsPunctuationCategory(UnicodeCategory category) => category is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
        or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
        or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    /// <summary>HF <c>_is_chinese_char</c>: the CJK Unified Ideographs blocks (not kana, not Hangul).</summary>
    public static bool IsChineseChar(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>
    /// Appends Python's <c>ch.lower()</c> of one character. Python applies the full (SpecialCasing) lowercase
    /// mapping; the only unconditional multi-character one is U+0130 İ → "i\u0307", which .NET's invariant
    /// lowering leaves unchanged. Final-sigma is context dependent in Python, but HF lowercases the text one
    /// character at a time (the <c>(.+?)</c> regex in <c>PreTrainedTokenizer.tokenize</c>), so Σ always becomes σ.
    /// Lone surrogates are kept as they are.
    /// </summary>
    public static int AppendLower(ReadOnlySpan<char> text, int index, CharBuffer destination)
    {
        char c = text[index];
        if (c < 0x80)
        {
            destination.Append(c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c);
            return 1;
        }

        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            var lower = Rune.ToLowerInvariant(new Rune(c, text[index + 1]));
            Span<char> pair = stackalloc char[2];
            int written = lower.EncodeToUtf16(pair);
            destination.Append(pair[..written]);
            return 2;
        }

        if (c == '\u0130')
        {
            destination.Append('i');
            destination.Append('\u0307');
            return 1;
        }

        destination.Append(char.IsSurrogate(c) ? c : char.ToLowerInvariant(c));
        return 1;
    }

    /// <summary>
    /// <c>unicodedata.normalize(form, s)</c> that never throws. .NET refuses to normalise strings holding lone
    /// surrogates or U+FFFE (Python accepts them and leaves them unchanged); such characters have no
    /// decomposition and canonical combining class 0, so normalising the runs between them is exact.
    /// </summary>
    public static string Normalize(string s, NormalizationForm form)
    {
        int firstBad = IndexOfUnnormalizable(s, 0);
        if (firstBad < 0)
        {
            return s.Normalize(form);
        }

        var builder = new StringBuilder(s.Length + 8);
        int start = 0;
        int bad = firstBad;
        while (bad >= 0)
        {
            AppendNormalized(builder, s.AsSpan(start, bad - start), form);
            builder.Append(s[bad]);
            start = bad + 1;
            bad = IndexOfUnnormalizable(s, start);
        }

        AppendNormalized(builder, s.AsSpan(start), form);
        return builder.ToString();
    }

    private static void AppendNormalized(StringBuilder builder, ReadOnlySpan<char> run, NormalizationForm form)
    {
        if (run.IsEmpty)
        {
            return;
        }

        string text = run.ToString();
        try
        {
            builder.Append(text.Normalize(form));
        }
        catch (ArgumentException)
        {
            // Defensive: keep the run unnormalised rather than fail the request.
            builder.Append(text);
        }
    }

    private static int IndexOfUnnormalizable(string s, int start)
    {
        for (int i = start; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\uFFFE')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static CharClass[] BuildBmpTable()
    {
        var table = new CharClass[0x10000];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = c < 0x80 ? s_ascii[c] : ComputeClass(c);
        }

        return table;
    }

    private static CharClass[] BuildAsciiTable()
    {
        var table = new CharClass[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = c switch
            {
                ' ' or '\t' or '\n' or '\r' => CharClass.Whitespace,
                < 0x20 or 0x7F => CharClass.Removed, // Cc (U+0000 included)
                (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126) => CharClass.Punctuation,
                _ => CharClass.Solid, // [0-9A-Za-z]
            };
        }

        return table;
    }
}
