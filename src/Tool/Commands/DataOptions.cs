using System.CommandLine;
using FastBert.Models.Data;

namespace FastBert.Tool.Commands;

/// <summary>The data-file options shared by evaluate, benchmark, quantize and train.</summary>
internal static class DataOptions
{
    public static Option<FileInfo?> Data(bool required) => new("--data")
    {
        Description = "Labelled data: .tsv, .csv (RFC 4180), .jsonl, or a text file whose separator is detected; header detected.",
        Required = required,
    };

    public static Option<FileInfo?> Indices() => new("--indices") { Description = "Use only these data rows: a file of 0-based row indices, one per line (e.g. a held-out split)." };

    /// <summary>How to read a data file's columns and labels (the same options for every command that reads data).</summary>
    public static DataFormatOptions Format() => new();
}

/// <summary>The column, separator and label-filter options of a data file.</summary>
internal sealed class DataFormatOptions
{
    public Option<string?> TextColumn { get; } = new("--text-column") { Description = "Text column: header name or 0-based index (default: detected)." };

    public Option<string?> TextPairColumn { get; } = new("--text-pair-column") { Description = "Sentence pairs: the column of each pair's second text (header name or 0-based index; JSON/Parquet: field name), classified with --text-column's text as [CLS] a [SEP] b [SEP]." };

    public Option<string?> LabelColumn { get; } = new("--label-column") { Description = "Label column: header name or 0-based index (default: detected). Labels are names (case-insensitive) or indices." };

    public Option<string?> Separator { get; } = new("--separator") { Description = "Field separator, e.g. ';' or '\\t' (default: from the extension or detected)." };

    public Option<string?> SkipLabels { get; } = new("--skip-labels") { Description = "Drop rows with these labels, comma-separated (e.g. SMILE's nocode)." };

    public Option<bool> DropMultiLabel { get; } = new("--drop-multi-label") { Description = "Drop rows whose label names several labels (a|b)." };

    public Option<int?> MaxSamples { get; } = new("--max-samples") { Description = "Use only the first N examples of the data (a file or --dataset)." };

    public Option<bool> NormalizeLabels { get; } = new("--normalize-labels") { Description = "Read a label written as digits_name (0_not_relevant) as its digits, the label index (fast-bert's option)." };

    public void AddTo(Command command)
    {
        command.Options.Add(TextColumn);
        command.Options.Add(TextPairColumn);
        command.Options.Add(LabelColumn);
        command.Options.Add(Separator);
        command.Options.Add(SkipLabels);
        command.Options.Add(DropMultiLabel);
        command.Options.Add(MaxSamples);
        command.Options.Add(NormalizeLabels);
    }

    public DataReadOptions Read(ParseResult parse)
    {
        var raw = parse.GetValue(Separator);
        char? separator = raw switch
        {
            null or "" => null,
            "\\t" or "tab" => '\t',
            { Length: 1 } s => s[0],
            _ => throw new UsageException($"--separator: '{raw}' must be one character (or \\t)."),
        };
        if (parse.GetValue(MaxSamples) is <= 0)
        {
            throw new UsageException($"--max-samples must be a positive number of examples, not {parse.GetValue(MaxSamples)}.");
        }

        var skip = (parse.GetValue(SkipLabels) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new DataReadOptions
        {
            TextColumn = parse.GetValue(TextColumn),
            TextPairColumn = parse.GetValue(TextPairColumn),
            LabelColumn = parse.GetValue(LabelColumn),
            Separator = separator,
            SkipLabels = skip,
            DropMultiLabel = parse.GetValue(DropMultiLabel),
            MaxSamples = parse.GetValue(MaxSamples),
            NormalizeLabels = parse.GetValue(NormalizeLabels),
        };
    }
}
