using System.CommandLine;
using FastBert.Models.Data;

namespace FastBert.Tool.Commands;

/// <summary>The data-file options shared by evaluate, benchmark and quantize.</summary>
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

    public Option<string?> LabelColumn { get; } = new("--label-column") { Description = "Label column: header name or 0-based index (default: detected). Labels are names (case-insensitive) or indices." };

    public Option<string?> Separator { get; } = new("--separator") { Description = "Field separator, e.g. ';' or '\\t' (default: from the extension or detected)." };

    public Option<string?> SkipLabels { get; } = new("--skip-labels") { Description = "Drop rows with these labels, comma-separated (e.g. SMILE's nocode)." };

    public Option<bool> DropMultiLabel { get; } = new("--drop-multi-label") { Description = "Drop rows whose label names several labels (a|b)." };

    public void AddTo(Command command)
    {
        command.Options.Add(TextColumn);
        command.Options.Add(LabelColumn);
        command.Options.Add(Separator);
        command.Options.Add(SkipLabels);
        command.Options.Add(DropMultiLabel);
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
        var skip = (parse.GetValue(SkipLabels) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new DataReadOptions
        {
            TextColumn = parse.GetValue(TextColumn),
            LabelColumn = parse.GetValue(LabelColumn),
            Separator = separator,
            SkipLabels = skip,
            DropMultiLabel = parse.GetValue(DropMultiLabel),
        };
    }
}
