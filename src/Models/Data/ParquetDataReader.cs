using System.Globalization;

namespace FastBert.Models.Data;

/// <summary>
/// Reads labelled examples from Parquet files (a local <c>.parquet</c> file, or a Hub dataset split's shards).
/// </summary>
/// <remarks>
/// <para><b>Columns.</b> The text column is <see cref="DataReadOptions.TextColumn"/>, else the first of
/// <see cref="LabelledDataReader.TextColumnNames"/> the file has; the label column likewise from
/// <see cref="LabelledDataReader.LabelColumnNames"/>. Names match exactly, else case-insensitively.</para>
/// <para>With <see cref="DataReadOptions.TextPairColumn"/>, that column holds each pair's second text.</para>
/// <para><b>Labels.</b> Text labels and plain integers are matched like a TSV's (the model's label names,
/// case-insensitive, then indices 0..n-1). A <c>ClassLabel</c> column (integers whose names the datasets library
/// stored in the file's <c>huggingface</c> metadata) is matched by name when every class name is one of the model's
/// labels, else its integer is the model's label index. -1, the datasets library's "no label" (e.g. GLUE's test
/// splits), is an error. With <see cref="DataReadOptions.NormalizeLabels"/> a label such as <c>0_not_relevant</c>
/// is read as <c>0</c> first.</para>
/// <para><see cref="LabelledExample.LineNumber"/> is the 1-based row number over all the files, in order.</para>
/// </remarks>
public static class ParquetDataReader
{
    /// <summary>The extension of a Parquet file.</summary>
    public const string Extension = ".parquet";

    /// <summary>
    /// Reads <paramref name="paths"/> in order; <paramref name="displayName"/> names the data in messages and reports
    /// (the file, or the Hub dataset split). <paramref name="maxRows"/> stops reading after that many rows.
    /// </summary>
    /// <exception cref="DataFormatException">A file is not Parquet, a column is missing (the message lists the
    /// columns), a row has no text or an unknown label.</exception>
    public static async Task<LabelledDataset> ReadAsync(IReadOnlyList<string> paths, string displayName, DataReadOptions options,
        IReadOnlyList<string> modelLabels, int? maxRows = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(modelLabels);
        if (paths.Count == 0)
        {
            throw new ArgumentException("No Parquet files to read.", nameof(paths));
        }

        var (columns, _) = await ParquetColumns.ReadSchemaAsync(paths[0], cancellationToken).ConfigureAwait(false);
        var textColumn = options.TextColumn ?? Pick(columns, LabelledDataReader.TextColumnNames)
            ?? throw new DataFormatException(displayName, null,
                $"none of the columns ({string.Join(", ", columns)}) is a text column by name ({string.Join(", ", LabelledDataReader.TextColumnNames)}); name it (--dataset-input-column or --text-column).");
        var labelColumn = options.LabelColumn ?? Pick(columns.Where(c => !string.Equals(c, textColumn, StringComparison.OrdinalIgnoreCase)), LabelledDataReader.LabelColumnNames)
            ?? throw new DataFormatException(displayName, null,
                $"none of the columns ({string.Join(", ", columns)}) is a label column by name ({string.Join(", ", LabelledDataReader.LabelColumnNames)}); name it (--dataset-label-column or --label-column).");

        // Rows that options drop must not count towards the limit, so only an unfiltered read stops early.
        var filtered = options.SkipLabels.Count > 0 || options.DropMultiLabel;
        var data = await ParquetColumns.ReadAsync(paths, textColumn, labelColumn, filtered ? null : maxRows, cancellationToken, options.TextPairColumn).ConfigureAwait(false);
        var matcher = new LabelMatcher(modelLabels, options);
        var byClassName = data.LabelNames is { Count: > 0 } names
            && names.All(name => matcher.Match(name, out _) == LabelMatch.Label && !IsIndexOnly(name, modelLabels, options));

        if (data.LabelLists is not null && !options.MultiLabel)
        {
            throw new DataFormatException(displayName, null,
                $"label column '{labelColumn}' holds a list of labels per row (multi-label data), but the model is single-label; use a multi-label model (problem_type multi_label_classification, a manifest's problem: multi-label) or a single-label column.");
        }

        if (options.MultiLabel)
        {
            return ReadLabelSets(data, displayName, labelColumn, matcher, byClassName, maxRows);
        }

        var examples = new List<LabelledExample>(data.Texts.Count);
        var skipped = 0;
        for (var row = 0; row < data.Texts.Count && examples.Count < (maxRows ?? int.MaxValue); row++)
        {
            var rowNumber = row + 1;
            var raw = ClassName(data.Labels![row] ?? throw new DataFormatException(displayName, rowNumber, $"the label ('{labelColumn}') is null."),
                data.LabelNames, byClassName, displayName, rowNumber);
            switch (matcher.Match(raw, out var index))
            {
                case LabelMatch.Label:
                    examples.Add(new LabelledExample(rowNumber, data.Texts[row] ?? string.Empty, index) { TextPair = PairText(data, row) });
                    break;
                case LabelMatch.Skipped:
                    skipped++;
                    break;
                default:
                    throw new UnknownLabelException(displayName, rowNumber, raw.Trim(), modelLabels);
            }
        }

        if (examples.Count == 0)
        {
            throw new DataFormatException(displayName, null, skipped > 0 ? $"every row was dropped ({skipped} rows)." : "it has no rows.");
        }

        return new LabelledDataset(displayName, examples) { SkippedRows = skipped };
    }

    // Multi-label rows: a list column's items, or a text cell's labels separated by '|' (a|b), or one integer; each item
    // a label name, a label index or (with ClassLabel names) a class index, as single-label cells are matched.
    private static LabelledDataset ReadLabelSets(ParquetColumnData data, string displayName, string labelColumn, LabelMatcher matcher, bool byClassName, int? maxRows)
    {
        var examples = new List<LabelledExample>(data.Texts.Count);
        var skipped = 0;
        for (var row = 0; row < data.Texts.Count && examples.Count < (maxRows ?? int.MaxValue); row++)
        {
            var rowNumber = row + 1;
            IEnumerable<string> items = data.LabelLists is { } lists
                ? lists[row]
                : data.Labels![row] is { } cell ? LabelMatcher.SplitCell(cell) : throw new DataFormatException(displayName, rowNumber, $"the label ('{labelColumn}') is null.");
            var names = items.Select(item => ClassName(item, data.LabelNames, byClassName, displayName, rowNumber)).ToList();
            switch (matcher.MatchSet(names, out var set, out var unknown))
            {
                case LabelMatch.Label:
                    examples.Add(LabelledExample.WithLabelSet(rowNumber, data.Texts[row] ?? string.Empty, set) with { TextPair = PairText(data, row) });
                    break;
                case LabelMatch.Skipped:
                    skipped++;
                    break;
                default:
                    throw new UnknownLabelException(displayName, rowNumber, unknown!, matcher.Labels);
            }
        }

        if (examples.Count == 0)
        {
            throw new DataFormatException(displayName, null, skipped > 0 ? $"every row was dropped ({skipped} rows)." : "it has no rows.");
        }

        return new LabelledDataset(displayName, examples) { SkippedRows = skipped };
    }

    // An integer of a ClassLabel column is a class index: checked, and replaced by its name when the names are the model's.
    private static string ClassName(string raw, IReadOnlyList<string>? classNames, bool byClassName, string displayName, int rowNumber)
    {
        if (classNames is null || !long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return raw;
        }

        if (value == -1)
        {
            throw new DataFormatException(displayName, rowNumber,
                "the label is -1, the datasets library's \"no label\" (test splits of benchmarks such as GLUE are unlabelled); evaluate on a labelled split such as validation.");
        }

        if (value < 0 || value >= classNames.Count)
        {
            throw new DataFormatException(displayName, rowNumber, $"label {value} is outside the ClassLabel names ({string.Join(", ", classNames)}).");
        }

        return byClassName ? classNames[(int)value] : raw;
    }

    // A null cell of the pair column is an empty second text, as a null text cell is an empty text.
    private static string? PairText(ParquetColumnData data, int row) => data.TextPairs is { } pairs ? pairs[row] ?? string.Empty : null;

    /// <summary>Reads a local <c>.parquet</c> file; see <see cref="ReadAsync"/>.</summary>
    public static LabelledDataset Read(string path, DataReadOptions options, IReadOnlyList<string> modelLabels) =>
        ReadAsync([path], path, options, modelLabels, options.MaxSamples).GetAwaiter().GetResult();

    private static string? Pick(IEnumerable<string> columns, IReadOnlyList<string> preferred)
    {
        var list = columns.ToList();
        return preferred.Select(name => list.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(c => c is not null);
    }

    // A class name like "0" matches the model only as an index, which says nothing about the names agreeing.
    private static bool IsIndexOnly(string name, IReadOnlyList<string> modelLabels, DataReadOptions options)
    {
        var value = options.NormalizeLabels ? LabelMatcher.Normalize(name) : name.Trim();
        return !modelLabels.Any(l => string.Equals(l.Trim(), value, StringComparison.OrdinalIgnoreCase));
    }
}
