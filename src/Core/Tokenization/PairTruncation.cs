namespace FastBert.Tokenization;

/// <summary>
/// How many word pieces of each text a sentence pair keeps: Hugging Face tokenizers' <c>longest_first</c> strategy
/// (the default of <c>truncation=True</c> in transformers' fast tokenizers), over the budget left after
/// [CLS], [SEP] and [SEP].
/// </summary>
/// <remarks>
/// The longer text is cut first; when the shorter one alone takes more than half the budget, each gets half and the
/// odd piece goes to the text that was longer, or to the second text when they were equally long (tokenizers'
/// <c>truncate_encodings</c>; transformers' slow Python tokenizers hand a tie's odd piece to the first text instead).
/// </remarks>
internal static class PairTruncation
{
    /// <summary>The kept lengths of texts of <paramref name="first"/> and <paramref name="second"/> pieces within <paramref name="budget"/> pieces.</summary>
    public static (int First, int Second) LongestFirst(int first, int second, int budget)
    {
        if ((long)first + second <= budget)
        {
            return (first, second);
        }

        bool swapped = first > second;
        int shorter = swapped ? second : first;
        int longer = shorter > budget ? shorter : Math.Max(shorter, budget - shorter);
        if ((long)shorter + longer > budget)
        {
            shorter = budget / 2;
            longer = shorter + budget % 2;
        }

        return swapped ? (longer, shorter) : (shorter, longer);
    }
}
