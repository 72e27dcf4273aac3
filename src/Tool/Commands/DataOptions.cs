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

    public static Option<string?> TextColumn() => new("--text-column") { Description = "Text column: header name or 0-based index (default: detected)." };

    public static Option<string?> LabelColumn() => new("--label-column") { Description = "Label column: header name or 0-based index (default: detected). Labels are names (case-insensitive) or indices." };

    public static Option<string?> Separator() => new("--separator") { Description = "Field separator, e.g. ';' or '\\t' (default: from the extension or detected)." };

    public static DataReadOptions Read(ParseResult parse, Option<string?> text, Option<string?> label, Option<string?> separator)
    {
        var raw = parse.GetValue(separator);
        char? sep = raw switch
        {
            null or "" => null,
            "\\t" or "tab" => '\t',
            { Length: 1 } s => s[0],
            _ => throw new UsageException($"--separator: '{raw}' must be one character (or \\t)."),
        };
        return new DataReadOptions { TextColumn = parse.GetValue(text), LabelColumn = parse.GetValue(label), Separator = sep };
    }
}
