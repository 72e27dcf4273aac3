using System.Globalization;

namespace FastBert;

/// <summary>
/// The outcome of classifying one text with a multi-label model: the set of chosen labels (each label whose sigmoid
/// probability is at or above its threshold) and every label's probability.
/// </summary>
/// <typeparam name="TLabel">The generated <c>[Flags]</c> label enum: one bit per label.</typeparam>
public sealed class MultiLabelPrediction<TLabel>
    where TLabel : struct, Enum
{
    private readonly IReadOnlyList<TLabel> _labels;
    private readonly float[] _probabilities;
    private readonly int[] _chosen;

    internal MultiLabelPrediction(IReadOnlyList<TLabel> labels, float[] probabilities, int[] chosen, int tokenCount, bool truncated)
    {
        _labels = labels;
        _probabilities = probabilities;
        _chosen = chosen;
        TokenCount = tokenCount;
        Truncated = truncated;
        ulong bits = 0;
        foreach (var index in chosen)
        {
            bits |= Convert.ToUInt64(labels[index], CultureInfo.InvariantCulture);
        }

        Labels = (TLabel)Enum.ToObject(typeof(TLabel), bits);
    }

    /// <summary>The chosen labels as one flags value (<c>DebtagsLabels.Editing | DebtagsLabels.Text</c>); 0 when none reached its threshold.</summary>
    public TLabel Labels { get; }

    /// <summary>The chosen labels one by one, in model output order.</summary>
    public IReadOnlyList<TLabel> LabelList => _chosen.Select(i => _labels[i]).ToArray();

    /// <summary>The model output indices of the chosen labels, ascending.</summary>
    public IReadOnlyList<int> Indices => _chosen;

    /// <summary>Each label's sigmoid probability in model output order (independent: they need not sum to 1).</summary>
    public ReadOnlySpan<float> Scores => _probabilities;

    /// <summary>Number of tokens the model saw, including [CLS] and [SEP].</summary>
    public int TokenCount { get; }

    /// <summary>True when the text was longer than the token limit and its end was cut.</summary>
    public bool Truncated { get; }

    /// <summary>Whether one label was chosen.</summary>
    public bool Contains(TLabel label) => Array.IndexOf(_chosen, IndexOf(label)) >= 0;

    /// <summary>The probability of one label.</summary>
    public float this[TLabel label] => _probabilities[IndexOf(label)];

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

    /// <summary>"Text (0.93), Editing (0.71)": the chosen labels in output order with their probabilities; "(none)" when none.</summary>
    public override string ToString() =>
        _chosen.Length == 0
            ? "(none)"
            : string.Join(", ", _chosen.Select(i => string.Create(CultureInfo.InvariantCulture, $"{_labels[i]} ({_probabilities[i]:0.00})")));

    private int IndexOf(TLabel label)
    {
        for (var i = 0; i < _labels.Count; i++)
        {
            if (EqualityComparer<TLabel>.Default.Equals(_labels[i], label))
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(label), label, "This is not a single one of the model's labels.");
    }
}
