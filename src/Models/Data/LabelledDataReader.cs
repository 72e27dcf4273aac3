using System.Globalization;
using System.Text.Json;

namespace FastBert.Models.Data;

/// <summary>
/// Reads labelled text-classification data: TSV, CSV, semicolon-separated text, JSON lines and Parquet
/// (<see cref="ParquetDataReader"/>); <see cref="DataReadOptions.MaxSamples"/> keeps the first examples.
/// </summary>
/// <remarks>
/// <para><b>Format.</b> By extension: <c>.tsv</c> tab-separated (no quoting: quotes are text); <c>.csv</c> RFC 4180
/// (quoted fields, <c>""</c> for a quote, line breaks inside quoted fields); <c>.jsonl</c>/<c>.ndjson</c> one JSON
/// object per line. Any other extension (<c>.txt</c>, none): a file whose first non-blank character is '{' is JSON
/// lines, otherwise the separator is sniffed (tab, then ';', then ','). <see cref="DataReadOptions.Separator"/>
/// overrides the separator. Comma-separated content is always read with RFC 4180 quoting; tab and ';' content outside
/// a .csv file is split on every separator — except a two-column ';' file, where the text may itself hold ';' and a
/// row is split at the separator next to the label column (the last ';' when the label comes last, as in
/// dair-ai emotion's <c>text;label</c>).</para>
/// <para><b>Header and columns.</b> The first row is a header when it names a column (text: text, sentence, sms,
/// message, tweet, content; label: label, label_name, labels, category, class, target, sentiment; case-insensitive) or
/// when its label cell is not a label while later rows' label cells are. The label column is the one given, else the
/// header's label column, else the column whose values are most often the model's labels (ties: the later column).
/// The text column is the one given, else the header's text column, else the other column of a two-column file, else
/// the remaining column with the longest mean length.</para>
/// <para><b>Sentence pairs.</b> With <see cref="DataReadOptions.TextPairColumn"/> each row's second text is read
/// from that column (<see cref="LabelledExample.TextPair"/>); it is never detected and must exist.</para>
/// <para><b>Labels</b> are the model's label names (case-insensitive) or indices 0..n-1. Unknown labels are errors
/// unless dropped via <see cref="DataReadOptions.SkipLabels"/> or <see cref="DataReadOptions.DropMultiLabel"/>.
/// Blank lines are skipped; empty text is allowed.</para>
/// </remarks>
public static class LabelledDataReader
{
    /// <summary>Header names taken as the text column, in order of preference (case-insensitive).</summary>
    public static IReadOnlyList<string> TextColumnNames { get; } = ["text", "sentence", "sms", "message", "tweet", "content"];

    /// <summary>Header names taken as the label column, in order of preference (case-insensitive).</summary>
    public static IReadOnlyList<string> LabelColumnNames { get; } =
        ["label", "label_name", "labels", "category", "class", "target", "sentiment"];

    /// <summary>Reads <paramref name="path"/>, mapping its labels onto <paramref name="modelLabels"/>.</summary>
    /// <exception cref="DataFormatException">The file is empty, has no examples, or a row is malformed (the message
    /// names the line); <see cref="UnknownLabelException"/> for a label the model does not have.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static LabelledDataset Read(string path, DataReadOptions options, IReadOnlyList<string> modelLabels)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(modelLabels);
        if (modelLabels.Count == 0)
        {
            throw new ArgumentException("The model has no labels.", nameof(modelLabels));
        }

        RequireFile(path);
        if (string.Equals(System.IO.Path.GetExtension(path), ParquetDataReader.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return ParquetDataReader.Read(path, options, modelLabels);
        }

        var dataset = ReadText(path, options, modelLabels);
        return options.MaxSamples is { } max && dataset.Count > max
            ? dataset.Select(Enumerable.Range(0, max)) with { SkippedRows = dataset.SkippedRows }
            : dataset;
    }

    private static LabelledDataset ReadText(string path, DataReadOptions options, IReadOnlyList<string> modelLabels)
    {
        var text = File.ReadAllText(path);
        var matcher = new LabelMatcher(modelLabels, options);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DataFormatException(path, null, "the file is empty: no header and no examples.");
        }

        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".jsonl" or ".ndjson")
        {
            return ReadJsonLines(path, text, options, matcher);
        }

        char separator;
        bool quoting;
        switch (extension)
        {
            case ".csv":
                separator = options.Separator ?? ',';
                quoting = true;
                break;
            case ".tsv":
                separator = options.Separator ?? '\t';
                quoting = separator == ',';
                break;
            default:
                if (options.Separator is null && text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith('{'))
                {
                    return ReadJsonLines(path, text, options, matcher);
                }

                separator = options.Separator ?? DelimitedText.Sniff(text) ?? throw new DataFormatException(path, null,
                    "cannot tell the column separator: the file has no tab, ';' or ','. Give the separator explicitly.");
                quoting = separator == ',';
                break;
        }

        var records = DelimitedText.Parse(text, separator, quoting, path);
        return ReadDelimited(path, records, separator, quoting, options, matcher);
    }

    /// <summary>
    /// Reads an index file: one 0-based example index per line (blank lines ignored), e.g. the SMS held-out split
    /// <c>sms_test_indices.txt</c>. Indices count data rows, the header excluded.
    /// </summary>
    /// <exception cref="DataFormatException">A line is not a non-negative integer, or the file has none.</exception>
    public static IReadOnlyList<int> ReadIndices(string path) => ReadIndexEntries(path).Select(e => e.Index).ToList();

    internal static List<(int Line, int Index)> ReadIndexEntries(string path)
    {
        RequireFile(path);
        var entries = new List<(int Line, int Index)>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var value = line.Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new DataFormatException(path, lineNumber, $"'{value}' is not a 0-based example index.");
            }

            entries.Add((lineNumber, index));
        }

        if (entries.Count == 0)
        {
            throw new DataFormatException(path, null, "the index file is empty.");
        }

        return entries;
    }

    private static LabelledDataset ReadDelimited(
        string path, List<DelimitedRecord> rows, char separator, bool quoting, DataReadOptions options, LabelMatcher matcher)
    {
        if (rows.Count == 0)
        {
            throw new DataFormatException(path, null, "the file is empty: no header and no examples.");
        }

        var first = rows[0];
        var width = first.Fields.Count;
        if (width < 2)
        {
            throw new DataFormatException(path, first.LineNumber,
                $"found one column where text and label columns were expected (separator {Describe(separator)}).");
        }

        // A two-column ';' file whose text holds ';': the text takes the extra pieces.
        var absorb = !quoting && separator == ';' && width == 2;

        string? LabelCell(DelimitedRecord row, int column)
        {
            if (row.Fields.Count == width)
            {
                return row.Fields[column];
            }

            if (absorb && row.Fields.Count > 2)
            {
                return column == 0 ? row.Fields[0] : row.Fields[^1];
            }

            return null;
        }

        double LabelShare(int column, int skip)
        {
            var total = 0;
            var labels = 0;
            for (var i = skip; i < rows.Count; i++)
            {
                total++;
                if (LabelCell(rows[i], column) is { } cell && matcher.LooksLikeLabel(cell))
                {
                    labels++;
                }
            }

            return total == 0 ? 0 : (double)labels / total;
        }

        var header = false;
        int? labelColumn = ResolveOption(path, options.LabelColumn, first, "label", ref header);
        int? textColumn = ResolveOption(path, options.TextColumn, first, "text", ref header);
        int? pairColumn = ResolveOption(path, options.TextPairColumn, first, "text pair", ref header);

        if (labelColumn is null)
        {
            var named = FindByName(first, LabelColumnNames, exclude: textColumn);
            if (named is { } n && (header || !matcher.LooksLikeLabel(first.Fields[n])))
            {
                labelColumn = n;
                header = true;
            }
            else
            {
                var best = -1;
                var bestShare = 0.0;
                for (var c = 0; c < width; c++)
                {
                    if (c == textColumn || c == pairColumn)
                    {
                        continue;
                    }

                    var share = LabelShare(c, header ? 1 : 0);
                    if (share > 0 && share >= bestShare)
                    {
                        best = c;
                        bestShare = share;
                    }
                }

                if (best < 0)
                {
                    throw new DataFormatException(path, rows[header && rows.Count > 1 ? 1 : 0].LineNumber,
                        "cannot tell which column holds the labels: no column's values are among the model's labels (" +
                        string.Join(", ", matcher.Labels) + ") or their indices. Name the label column explicitly.");
                }

                labelColumn = best;
            }
        }

        var label = labelColumn.Value;
        if (!header)
        {
            header = rows.Count > 1 && !matcher.LooksLikeLabel(LabelCell(first, label)!) && LabelShare(label, 1) > 0;
        }

        if (textColumn is null)
        {
            if (header)
            {
                textColumn = FindByName(first, TextColumnNames, exclude: label);
            }

            textColumn ??= width == 2 && pairColumn is null ? 1 - label : LongestColumn(rows, header ? 1 : 0, width, [label, pairColumn ?? -1]);
        }

        var textIndex = textColumn.Value;
        if (textIndex == label)
        {
            throw new DataFormatException(path, null, $"the text and label columns are the same column ({label}).");
        }

        if (pairColumn is { } samePair && (samePair == label || samePair == textIndex))
        {
            throw new DataFormatException(path, null,
                $"the text pair column ({samePair}) is also the {(samePair == label ? "label" : "text")} column; name a third column for the pair's second text.");
        }

        var dataStart = header ? 1 : 0;
        if (rows.Count <= dataStart)
        {
            throw new DataFormatException(path, null, "the file has a header line but no examples.");
        }

        var examples = new List<LabelledExample>(rows.Count - dataStart);
        var skipped = 0;
        for (var i = dataStart; i < rows.Count; i++)
        {
            var row = rows[i];
            string labelValue;
            string text;
            string? textPair = null;
            if (row.Fields.Count == width)
            {
                labelValue = row.Fields[label];
                text = row.Fields[textIndex];
                textPair = pairColumn is { } p ? row.Fields[p] : null;
            }
            else if (absorb && row.Fields.Count > 2)
            {
                labelValue = label == 0 ? row.Fields[0] : row.Fields[^1];
                text = label == 0
                    ? string.Join(separator, row.Fields.Skip(1))
                    : string.Join(separator, row.Fields.Take(row.Fields.Count - 1));
            }
            else
            {
                throw new DataFormatException(path, row.LineNumber,
                    $"expected {width} columns separated by {Describe(separator)}, found {row.Fields.Count}.");
            }

            if (options.MultiLabel)
            {
                switch (matcher.MatchSet(LabelMatcher.SplitCell(labelValue), out var set, out var unknown))
                {
                    case LabelMatch.Label:
                        examples.Add(LabelledExample.WithLabelSet(row.LineNumber, text, set) with { TextPair = textPair });
                        break;
                    case LabelMatch.Skipped:
                        skipped++;
                        break;
                    default:
                        throw new UnknownLabelException(path, row.LineNumber, unknown!, matcher.Labels);
                }

                continue;
            }

            switch (matcher.Match(labelValue, out var index))
            {
                case LabelMatch.Label:
                    examples.Add(new LabelledExample(row.LineNumber, text, index) { TextPair = textPair });
                    break;
                case LabelMatch.Skipped:
                    skipped++;
                    break;
                default:
                    throw new UnknownLabelException(path, row.LineNumber, labelValue.Trim(), matcher.Labels);
            }
        }

        return Finish(path, examples, skipped);
    }

    private static LabelledDataset Finish(string path, List<LabelledExample> examples, int skipped)
    {
        if (examples.Count == 0)
        {
            throw new DataFormatException(path, null, skipped > 0
                ? $"no examples left: all {skipped} rows were dropped by the skip-label / multi-label options."
                : "the file has no examples.");
        }

        return new LabelledDataset(path, examples) { SkippedRows = skipped };
    }

    /// <summary>
    /// A column option: a 0-based index when it is a number, otherwise a header name looked up in the first row
    /// (case-insensitive), which makes that row a header.
    /// </summary>
    private static int? ResolveOption(string path, string? option, DelimitedRecord first, string what, ref bool header)
    {
        if (option is null)
        {
            return null;
        }

        var name = option.Trim();
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (index < first.Fields.Count)
            {
                return index;
            }

            throw new DataFormatException(path, null,
                $"{what} column {index} does not exist: rows have {first.Fields.Count} columns (indices are 0-based).");
        }

        for (var c = 0; c < first.Fields.Count; c++)
        {
            if (string.Equals(first.Fields[c].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                header = true;
                return c;
            }
        }

        throw new DataFormatException(path, first.LineNumber,
            $"no {what} column named '{name}'; the first row's columns are: " +
            string.Join(", ", first.Fields.Select(f => $"'{Shorten(f)}'")) + ".");
    }

    private static int? FindByName(DelimitedRecord first, IReadOnlyList<string> names, int? exclude)
    {
        foreach (var name in names)
        {
            for (var c = 0; c < first.Fields.Count; c++)
            {
                if (c != exclude && string.Equals(first.Fields[c].Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return c;
                }
            }
        }

        return null;
    }

    private static int LongestColumn(List<DelimitedRecord> rows, int start, int width, int[] exclude)
    {
        var best = -1;
        var bestLength = -1.0;
        for (var c = 0; c < width; c++)
        {
            if (exclude.Contains(c))
            {
                continue;
            }

            long sum = 0;
            var count = 0;
            for (var i = start; i < rows.Count; i++)
            {
                if (rows[i].Fields.Count == width)
                {
                    sum += rows[i].Fields[c].Length;
                    count++;
                }
            }

            var mean = count == 0 ? 0 : (double)sum / count;
            if (mean > bestLength)
            {
                best = c;
                bestLength = mean;
            }
        }

        return best;
    }

    private static LabelledDataset ReadJsonLines(string path, string text, DataReadOptions options, LabelMatcher matcher)
    {
        var examples = new List<LabelledExample>();
        var skipped = 0;
        var lineNumber = 0;
        foreach (var line in DelimitedText.ReadLines(text))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line.TrimStart('\uFEFF'));
            }
            catch (JsonException ex)
            {
                throw new DataFormatException(path, lineNumber, $"not a valid JSON line: {ex.Message}", ex);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new DataFormatException(path, lineNumber,
                        $"expected a JSON object with text and label fields, found a {root.ValueKind.ToString().ToLowerInvariant()}.");
                }

                var textValue = Property(path, lineNumber, root, options.TextColumn, TextColumnNames, "text");
                if (textValue.ValueKind != JsonValueKind.String)
                {
                    throw new DataFormatException(path, lineNumber,
                        $"the text field must be a string, found {textValue.ValueKind.ToString().ToLowerInvariant()}.");
                }

                string? textPair = null;
                if (options.TextPairColumn is { } pairName)
                {
                    var pairValue = Property(path, lineNumber, root, pairName, [], "text pair");
                    textPair = pairValue.ValueKind == JsonValueKind.String ? pairValue.GetString() : throw new DataFormatException(path, lineNumber,
                        $"the text pair field '{pairName}' must be a string, found {pairValue.ValueKind.ToString().ToLowerInvariant()}.");
                }

                var labelValue = Property(path, lineNumber, root, options.LabelColumn, LabelColumnNames, "label");
                if (options.MultiLabel)
                {
                    var parts = labelValue.ValueKind switch
                    {
                        JsonValueKind.Array when labelValue.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number) =>
                            labelValue.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()).ToArray(),
                        JsonValueKind.String => LabelMatcher.SplitCell(labelValue.GetString()!),
                        _ => throw new DataFormatException(path, lineNumber,
                            $"the label field must be a list of label names (or indices) or a string \"a|b\", found {labelValue.GetRawText()}."),
                    };
                    switch (matcher.MatchSet(parts, out var set, out var unknown))
                    {
                        case LabelMatch.Label:
                            examples.Add(LabelledExample.WithLabelSet(lineNumber, textValue.GetString()!, set) with { TextPair = textPair });
                            break;
                        case LabelMatch.Skipped:
                            skipped++;
                            break;
                        default:
                            throw new UnknownLabelException(path, lineNumber, unknown!, matcher.Labels);
                    }

                    continue;
                }

                LabelMatch match;
                int index;
                string raw;
                switch (labelValue.ValueKind)
                {
                    case JsonValueKind.String:
                        raw = labelValue.GetString()!;
                        match = matcher.Match(raw, out index);
                        break;
                    case JsonValueKind.Number:
                        raw = labelValue.GetRawText();
                        match = labelValue.TryGetInt32(out index) && index >= 0 && index < matcher.Labels.Count
                            ? LabelMatch.Label
                            : LabelMatch.Unknown;
                        break;
                    case JsonValueKind.Array when options.DropMultiLabel:
                        raw = labelValue.GetRawText();
                        match = LabelMatch.Skipped;
                        index = -1;
                        break;
                    default:
                        throw new DataFormatException(path, lineNumber,
                            $"the label field must be a label name or index, found {labelValue.GetRawText()}.");
                }

                switch (match)
                {
                    case LabelMatch.Label:
                        examples.Add(new LabelledExample(lineNumber, textValue.GetString()!, index) { TextPair = textPair });
                        break;
                    case LabelMatch.Skipped:
                        skipped++;
                        break;
                    default:
                        throw new UnknownLabelException(path, lineNumber, raw.Trim(), matcher.Labels);
                }
            }
        }

        if (lineNumber == 0 || (examples.Count == 0 && skipped == 0))
        {
            throw new DataFormatException(path, null, "the file is empty: no JSON lines.");
        }

        return Finish(path, examples, skipped);
    }

    private static JsonElement Property(
        string path, int lineNumber, JsonElement root, string? option, IReadOnlyList<string> defaults, string what)
    {
        var names = option is null ? defaults : [option];
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var exact))
            {
                return exact;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }
        }

        var present = string.Join(", ", root.EnumerateObject().Select(p => $"'{p.Name}'"));
        throw new DataFormatException(path, lineNumber,
            $"no {what} field (looked for {string.Join(", ", names.Select(n => $"'{n}'"))}; the object has {present}).");
    }

    private static string Describe(char separator) => separator switch
    {
        '\t' => "tabs",
        ',' => "commas",
        ';' => "semicolons",
        _ => $"'{separator}'",
    };

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";

    // Reading a folder as a file fails with a misleading "access denied"; say what is wrong instead.
    private static void RequireFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DataFormatException(path, null, "this is a folder, not a data file; give the path of the file itself.");
        }
    }
}
