using static FastBert.Tokenization.BertCharRules;

namespace FastBert.Tokenization;

/// <summary>A word of a text as the tokenizer's front end sees it, located in the original text.</summary>
/// <param name="Start">Index of the word's first character (UTF-16) in the original text.</param>
/// <param name="Length">Characters the word covers in the original text (removed control characters inside it included).</param>
internal readonly record struct TextWord(int Start, int Length);

/// <summary>
/// Splits a text into the pre-tokens of <see cref="BasicTokenizer"/> with their spans in the original, unnormalised
/// text: a run of characters between whitespace, each punctuation character alone, each CJK ideograph alone (when
/// the tokenizer splits them) and each special token literal ("[SEP]") alone. Control characters that cleaning
/// removes join their neighbours, as in the tokenizer. Used to explain predictions word by word; encoding does not
/// use it, and a caller that needs each word's pieces to line up with the encoding checks that they do.
/// </summary>
internal static class TextWords
{
    public static IEnumerable<TextWord> Split(string text, bool splitChinese, IReadOnlyList<string> specialLiterals)
    {
        int wordStart = -1;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            int codePoint = c;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }

            var kind = c < 0x80 ? ClassifyAscii(c) : ClassifyNonAscii(codePoint);
            if (kind == CharClass.Whitespace)
            {
                if (wordStart >= 0)
                {
                    yield return new TextWord(wordStart, i - wordStart);
                    wordStart = -1;
                }

                i += width;
                continue;
            }

            int alone = kind == CharClass.Punctuation ? width : 0;
            if (c == '[' && SpecialAt(text, i, specialLiterals) is { } special)
            {
                alone = special.Length;
            }
            else if (splitChinese && IsChineseChar(codePoint))
            {
                alone = width;
            }

            if (alone > 0)
            {
                if (wordStart >= 0)
                {
                    yield return new TextWord(wordStart, i - wordStart);
                    wordStart = -1;
                }

                yield return new TextWord(i, alone);
                i += alone;
                continue;
            }

            if (wordStart < 0)
            {
                wordStart = i;
            }

            i += width;
        }

        if (wordStart >= 0)
        {
            yield return new TextWord(wordStart, text.Length - wordStart);
        }
    }

    private static string? SpecialAt(string text, int index, IReadOnlyList<string> specialLiterals)
    {
        foreach (var literal in specialLiterals)
        {
            if (string.CompareOrdinal(text, index, literal, 0, literal.Length) == 0)
            {
                return literal;
            }
        }

        return null;
    }
}
