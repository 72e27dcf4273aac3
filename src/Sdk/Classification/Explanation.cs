namespace FastBert;

/// <summary>
/// A typed prediction with each word's contribution to its label, by occlusion (see <see cref="TextExplanation"/>).
/// </summary>
/// <typeparam name="TLabel">The generated label enum.</typeparam>
public sealed class Explanation<TLabel>
    where TLabel : struct, Enum
{
    internal Explanation(Prediction<TLabel> prediction, IReadOnlyList<WordContribution> words)
    {
        Prediction = prediction;
        Words = words;
    }

    /// <summary>The prediction for the whole text, as <see cref="BertClassifier{TLabel}.Predict(string)"/> returns it.</summary>
    public Prediction<TLabel> Prediction { get; }

    /// <summary>The explained (predicted) label.</summary>
    public TLabel Label => Prediction.Label;

    /// <summary>The predicted label's probability.</summary>
    public float Confidence => Prediction.Confidence;

    /// <summary>The words in text order, with their character spans and contributions; words after a truncation are omitted.</summary>
    public IReadOnlyList<WordContribution> Words { get; }
}
