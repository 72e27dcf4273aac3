using System.Globalization;

namespace FastBert;

/// <summary>The outcome of classifying one text: the winning label, its probability and every label's probability.</summary>
/// <typeparam name="TLabel">The generated label enum.</typeparam>
public sealed class Prediction<TLabel>
    where TLabel : struct, Enum
{
    private readonly IReadOnlyList<TLabel> _labels;
    private readonly float[] _probabilities;

    /// <summary>
    /// A prediction from label probabilities, e.g. what a fake <see cref="ITextClassifier{TLabel}"/> returns in a test.
    /// <see cref="Label"/> is the most probable label (the first of equals).
    /// </summary>
    /// <param name="labels">The labels in model output order.</param>
    /// <param name="probabilities">One probability per label, same order.</param>
    /// <param name="tokenCount">Tokens the model saw, including [CLS] and [SEP].</param>
    /// <param name="truncated">Whether the text was cut at the token limit.</param>
    public Prediction(IReadOnlyList<TLabel> labels, IReadOnlyList<float> probabilities, int tokenCount = 0, bool truncated = false)
        : this(labels, CheckedCopy(labels, probabilities), ArgMax(probabilities), tokenCount, truncated)
    {
    }

    internal Prediction(IReadOnlyList<TLabel> labels, float[] probabilities, int index, int tokenCount, bool truncated)
    {
        _labels = labels;
        _probabilities = probabilities;
        Index = index;
        TokenCount = tokenCount;
        Truncated = truncated;
    }

    /// <summary>The most probable label.</summary>
    public TLabel Label => _labels[Index];

    /// <summary>The model output index of <see cref="Label"/>.</summary>
    public int Index { get; }

    /// <summary>The probability of <see cref="Label"/> (softmax of the logits), between 0 and 1.</summary>
    public float Confidence => _probabilities[Index];

    /// <summary>Probabilities in model output order; they sum to 1.</summary>
    public ReadOnlySpan<float> Scores => _probabilities;

    /// <summary>Number of tokens the model saw, including [CLS] and [SEP].</summary>
    public int TokenCount { get; }

    /// <summary>True when the text was longer than the token limit and its end was cut.</summary>
    public bool Truncated { get; }

    /// <summary>The probability of one label.</summary>
    public float this[TLabel label]
    {
        get
        {
            for (var i = 0; i < _labels.Count; i++)
            {
                if (EqualityComparer<TLabel>.Default.Equals(_labels[i], label))
                {
                    return _probabilities[i];
                }
            }

            throw new ArgumentOutOfRangeException(nameof(label), label, "This label is not one of the model's outputs.");
        }
    }

    /// <summary>Every label with its probability, in model output order.</summary>
    public IReadOnlyDictionary<TLabel, float> Probabilities
    {
        get
        {
            var map = new Dictionary<TLabel, float>(_labels.Count);
            for (var i = 0; i < _labels.Count; i++)
            {
                map[_labels[i]] = _probabilities[i];
            }

            return map;
        }
    }

    private static float[] CheckedCopy(IReadOnlyList<TLabel> labels, IReadOnlyList<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (labels.Count == 0 || labels.Count != probabilities.Count)
        {
            throw new ArgumentException($"Give one probability per label: {labels.Count} labels, {probabilities.Count} probabilities.", nameof(probabilities));
        }

        return [.. probabilities];
    }

    private static int ArgMax(IReadOnlyList<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>"Spam (0.98)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Label} ({Confidence:0.00})");
}
