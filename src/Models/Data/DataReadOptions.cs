namespace FastBert.Models.Data;

/// <summary>How to read a labelled data file; every setting is optional and has a sensible automatic choice.</summary>
public sealed record DataReadOptions
{
    /// <summary>The options with everything detected automatically.</summary>
    public static DataReadOptions Default { get; } = new();

    /// <summary>
    /// The text column: a 0-based column index written as a string (any number is an index), or a header name
    /// (case-insensitive; naming a column makes the first row a header). For JSON lines, the property name. Null: found by header name (text, sentence, sms, message, tweet, content) or from the data.
    /// </summary>
    public string? TextColumn { get; init; }

    /// <summary>
    /// The label column: a 0-based column index written as a string (any number is an index), or a header name
    /// (case-insensitive; naming a column makes the first row a header). For JSON lines, the property name. Null: found by header name (label, label_name, labels, category, class, target,
    /// sentiment) or as the column whose values are the model's labels.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// The second text of a sentence pair (e.g. GLUE MRPC's <c>sentence2</c>): a 0-based column index written as a
    /// string, or a header name (case-insensitive; naming a column makes the first row a header). For JSON lines and
    /// Parquet, the property / column name. Null: the data holds single texts. Never detected, always named; a column
    /// the data lacks is an error listing the columns it has.
    /// </summary>
    public string? TextPairColumn { get; init; }

    /// <summary>
    /// The column separator, overriding the one implied by the extension (.tsv tab, .csv comma) or sniffed from the
    /// content (tab, then ';', then ','). Ignored for JSON lines (.jsonl, .ndjson).
    /// </summary>
    public char? Separator { get; init; }

    /// <summary>
    /// Label values whose rows are dropped instead of read (case-insensitive), e.g. SMILE's <c>nocode</c>. Dropped
    /// rows are counted in <see cref="LabelledDataset.SkippedRows"/>.
    /// </summary>
    public IReadOnlyCollection<string> SkipLabels { get; init; } = [];

    /// <summary>Drop rows whose label holds several labels separated by '|' (e.g. SMILE's <c>happy|sad</c>).</summary>
    public bool DropMultiLabel { get; init; }

    /// <summary>
    /// Multi-label data: a label cell holds any number of labels separated by '|' (<c>a|b</c>; empty = none), and a
    /// JSON lines label field may be an array (<c>"labels": ["a", "b"]</c>). Each example's set is
    /// <see cref="LabelledExample.LabelSet"/>.
    /// </summary>
    public bool MultiLabel { get; init; }

    /// <summary>
    /// fast-bert's <c>--normalize-labels</c>: a label written as digits, '_' and a name (<c>0_not_relevant</c>) is read
    /// as the digits (<c>0</c>), i.e. the model's label index.
    /// </summary>
    public bool NormalizeLabels { get; init; }

    /// <summary>Read at most this many examples (the first ones, after dropped rows); null: all.</summary>
    public int? MaxSamples { get; init; }
}
