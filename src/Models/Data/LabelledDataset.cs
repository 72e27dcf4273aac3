namespace FastBert.Models.Data;

/// <summary>One labelled example.</summary>
/// <param name="LineNumber">1-based line of the file where the example's row starts.</param>
/// <param name="Text">The text, as written (quotes removed for quoted CSV fields; not trimmed).</param>
/// <param name="Label">Index into the model's labels (multi-label data: the first label of the set, -1 for none).</param>
public sealed record LabelledExample(int LineNumber, string Text, int Label)
{
    /// <summary>Multi-label data: every label of the example, ascending (may be empty); else just <see cref="Label"/>.</summary>
    public IReadOnlyList<int> LabelSet { get; init; } = Label >= 0 ? [Label] : [];

    /// <summary>The second text of a sentence pair (<see cref="DataReadOptions.TextPairColumn"/>); null for a single text.</summary>
    public string? TextPair { get; init; }

    /// <summary>A multi-label example with its (ascending) label set.</summary>
    public static LabelledExample WithLabelSet(int lineNumber, string text, int[] labels) =>
        new(lineNumber, text, labels.Length > 0 ? labels[0] : -1) { LabelSet = labels };

    // Value equality over the label set's contents, not the list's identity.
    public bool Equals(LabelledExample? other) =>
        other is not null && LineNumber == other.LineNumber && Text == other.Text && TextPair == other.TextPair && Label == other.Label && LabelSet.SequenceEqual(other.LabelSet);

    public override int GetHashCode() => HashCode.Combine(LineNumber, Text, Label, LabelSet.Count);
}

/// <summary>The examples read from one labelled data file, in file order.</summary>
public sealed record LabelledDataset(string Path, IReadOnlyList<LabelledExample> Examples)
{
    /// <summary>Rows dropped while reading because of <see cref="DataReadOptions.SkipLabels"/> or
    /// <see cref="DataReadOptions.DropMultiLabel"/>. Zero for a subset made by <see cref="Select"/>.</summary>
    public int SkippedRows { get; init; }

    public int Count => Examples.Count;

    public IReadOnlyList<int> Labels => Examples.Select(e => e.Label).ToList();

    public IReadOnlyList<string> Texts => Examples.Select(e => e.Text).ToList();

    /// <summary>Each example's second text when the data holds sentence pairs (read with a text pair column); else null.</summary>
    public IReadOnlyList<string?>? TextPairs => Examples.Any(e => e.TextPair is not null) ? Examples.Select(e => e.TextPair).ToList() : null;

    /// <summary>Each example's label set (multi-label data), in file order.</summary>
    public IReadOnlyList<IReadOnlyList<int>> LabelSets => Examples.Select(e => e.LabelSet).ToList();

    /// <summary>How many examples carry each label index (0..<paramref name="labelCount"/>-1).</summary>
    public int[] CountByLabel(int labelCount)
    {
        var counts = new int[labelCount];
        foreach (var example in Examples)
        {
            counts[example.Label]++;
        }

        return counts;
    }

    /// <summary>
    /// The examples at the given 0-based positions of <see cref="Examples"/>, in the order given (duplicates kept).
    /// Positions count data rows only (not the header) and, when rows were dropped while reading, only kept rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A position is outside the data set.</exception>
    public LabelledDataset Select(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var selected = new List<LabelledExample>();
        foreach (var index in indices)
        {
            if ((uint)index >= (uint)Examples.Count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), index, $"Index {index} is outside {Path}, which has {Examples.Count} examples.");
            }

            selected.Add(Examples[index]);
        }

        return new LabelledDataset(Path, selected);
    }

    /// <summary>
    /// The subset named by an index file (one 0-based example index per line, e.g. the SMS held-out split
    /// <c>sms_test_indices.txt</c>); see <see cref="LabelledDataReader.ReadIndices"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The index file is malformed or names an index past the data set's end
    /// (reported with the index file's line).</exception>
    public LabelledDataset SelectFromIndexFile(string indexPath)
    {
        var entries = LabelledDataReader.ReadIndexEntries(indexPath);
        foreach (var (line, index) in entries)
        {
            if (index >= Examples.Count)
            {
                throw new DataFormatException(indexPath, line,
                    $"index {index} is past the end of {Path}, which has {Examples.Count} examples (indices are 0-based).");
            }
        }

        return Select(entries.Select(e => e.Index));
    }
}
