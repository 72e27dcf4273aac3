namespace FastBert;

/// <summary>
/// Why a single-label model chose its label for one text, by occlusion: each word's and each word piece's
/// contribution to the predicted label's probability.
/// </summary>
/// <remarks>
/// <para>
/// A <b>word</b> is a pre-token of the BERT tokenizer's front end, located in the original text: a run of characters
/// between whitespace, each punctuation character on its own, each CJK ideograph on its own, and each special token
/// written in the text ("[SEP]"). "Call now!!" has the words "Call", "now", "!" and "!". A word that yields no word
/// piece (only characters the tokenizer removes) is not listed.
/// </para>
/// <para>
/// A word's contribution is P(label | text) − P(label | text with the word's characters replaced by one space): what
/// <see cref="BertModel.Classify(string)"/> gives for the text minus what it gives for the text without that word. Positive
/// means the word pushed towards the predicted label. A word piece's contribution is the same difference with that one
/// piece dropped from the token ids (for a one-piece word it equals the word's).
/// </para>
/// <para>
/// Truncation: only the words whose first piece is within the token limit are listed; the words after the cut are
/// omitted (the model never saw them, and removing one would change nothing), and <see cref="Truncated"/> is true.
/// Removing a listed word lets the pieces after it move up into the limit, exactly as they would for the shortened
/// text.
/// </para>
/// </remarks>
public sealed class TextExplanation
{
    internal TextExplanation(ClassificationResult prediction, IReadOnlyList<WordContribution> words)
    {
        Prediction = prediction;
        Words = words;
    }

    /// <summary>The prediction for the whole text, exactly as <see cref="BertModel.Classify(string)"/> returns it.</summary>
    public ClassificationResult Prediction { get; }

    /// <summary>The explained label: the predicted one.</summary>
    public int Index => Prediction.Index;

    /// <summary>The predicted label's probability.</summary>
    public float Confidence => Prediction.Confidence;

    /// <summary>True when the text was longer than the token limit; the words after the cut are not listed.</summary>
    public bool Truncated => Prediction.Truncated;

    /// <summary>The words in text order.</summary>
    public IReadOnlyList<WordContribution> Words { get; }
}

/// <summary>One word of an explained text.</summary>
/// <param name="Word">The word's characters in the original text (not lowercased or normalised).</param>
/// <param name="Start">Index (UTF-16) of the word's first character in the original text.</param>
/// <param name="Length">Characters the word covers in the original text.</param>
/// <param name="Contribution">P(label | text) − P(label | text without the word).</param>
/// <param name="Pieces">The word's pieces the model saw, in order; empty in the rare text whose words cannot be lined
/// up with its token ids piece by piece (a combining mark that composes with the punctuation before it, say).</param>
public sealed record WordContribution(string Word, int Start, int Length, float Contribution, IReadOnlyList<PieceContribution> Pieces)
{
    /// <summary>Index just after the word's last character.</summary>
    public int End => Start + Length;
}

/// <summary>One word piece of an explained word.</summary>
/// <param name="Piece">The vocabulary entry, e.g. "##ner".</param>
/// <param name="Id">Its token id.</param>
/// <param name="Contribution">P(label | text) − P(label | the text's token ids without this piece).</param>
public sealed record PieceContribution(string Piece, int Id, float Contribution);
