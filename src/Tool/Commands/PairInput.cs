using FastBert.Tokenization;

namespace FastBert.Tool.Commands;

/// <summary>What a sentence-pair input needs before it is encoded, as user-facing failures rather than exceptions from the tokenizer.</summary>
internal static class PairInput
{
    /// <summary>A pair needs room for [CLS] and two [SEP], and a tokenizer whose pair template is BERT's.</summary>
    /// <param name="limitSource">Where the token limit came from, for the message (e.g. "--max-tokens").</param>
    public static void Check(BertTextTokenizer tokenizer, int? maxTokens, string limitSource)
    {
        if (maxTokens is < 3)
        {
            throw new UsageException($"{limitSource} is {maxTokens}, but a sentence pair needs at least 3 tokens ([CLS] and two [SEP]). Raise {limitSource}.");
        }

        if (tokenizer.PairUnsupportedReason is { } reason)
        {
            throw new InvalidDataException(reason);
        }
    }
}
