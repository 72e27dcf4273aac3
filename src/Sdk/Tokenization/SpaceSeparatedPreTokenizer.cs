using Microsoft.ML.Tokenizers;

namespace FastBert.Tokenization;

/// <summary>
/// ML.Tokenizers pre-tokenizer for text that <see cref="BasicTokenizer"/> already split: words separated by single
/// spaces (words never contain a space). Only <see cref="BertTextTokenizer"/> uses it.
/// </summary>
internal sealed class SpaceSeparatedPreTokenizer : PreTokenizer
{
    public static readonly SpaceSeparatedPreTokenizer Instance = new();

    [ThreadStatic]
    private static List<(int Offset, int Length)>? t_splits;

    private SpaceSeparatedPreTokenizer()
    {
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        PreTokenize(text is null ? ReadOnlySpan<char>.Empty : text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        // The list is reused per thread: WordPiece consumes the splits inside the same EncodeToIds call, before
        // PreTokenize can run again on this thread, and this pre-tokenizer is never exposed outside the tokenizer.
        var splits = t_splits ??= new List<(int Offset, int Length)>(128);
        splits.Clear();
        if (splits.Capacity > 16 * 1024 && text.Length < 16 * 1024)
        {
            splits.Capacity = 128;
        }

        int i = 0;
        while (i < text.Length)
        {
            int next = text[i..].IndexOf(' ');
            int end = next < 0 ? text.Length : i + next;
            if (end > i)
            {
                splits.Add((i, end - i));
            }

            i = end + 1;
        }

        return splits;
    }
}
