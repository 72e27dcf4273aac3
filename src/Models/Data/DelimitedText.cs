using System.Text;

namespace FastBert.Models.Data;

/// <summary>One row of a delimited file: its fields and the 1-based line where it starts.</summary>
internal sealed record DelimitedRecord(int LineNumber, IReadOnlyList<string> Fields);

/// <summary>
/// Splits delimited text into rows. With <c>quoting</c> it follows RFC 4180: a field that starts with '"' runs to the
/// matching '"', may hold separators and line breaks, and writes a literal quote as <c>""</c>; after the closing quote
/// only a separator or the end of the row may follow. A '"' inside an unquoted field is kept as is (lenient). Without
/// quoting (TSV, semicolon text files) every separator splits. Line breaks are \n, \r\n or a lone \r. Rows that are
/// blank (empty or only whitespace, unquoted) are skipped.
/// </summary>
internal static class DelimitedText
{
    public static List<DelimitedRecord> Parse(string text, char separator, bool quoting, string path)
    {
        var records = new List<DelimitedRecord>();
        var field = new StringBuilder();
        var pos = 0;
        var line = 1;
        var length = text.Length;

        while (pos < length)
        {
            var startLine = line;
            var fields = new List<string>();
            var anyQuoted = false;

            while (true)
            {
                field.Clear();
                if (quoting && pos < length && text[pos] == '"')
                {
                    anyQuoted = true;
                    var quoteLine = line;
                    pos++;
                    while (true)
                    {
                        if (pos >= length)
                        {
                            throw new DataFormatException(path, quoteLine,
                                "unterminated quoted field: the '\"' opened here is never closed.");
                        }

                        var c = text[pos];
                        if (c == '"')
                        {
                            if (pos + 1 < length && text[pos + 1] == '"')
                            {
                                field.Append('"');
                                pos += 2;
                                continue;
                            }

                            pos++;
                            break;
                        }

                        if (c == '\n' || (c == '\r' && (pos + 1 >= length || text[pos + 1] != '\n')))
                        {
                            line++;
                        }

                        field.Append(c);
                        pos++;
                    }

                    if (pos < length && text[pos] != separator && text[pos] != '\n' && text[pos] != '\r')
                    {
                        throw new DataFormatException(path, line,
                            $"unexpected '{text[pos]}' after a closing quote (a quote inside a quoted field is written \"\").");
                    }
                }
                else
                {
                    while (pos < length)
                    {
                        var c = text[pos];
                        if (c == separator || c == '\n' || c == '\r')
                        {
                            break;
                        }

                        field.Append(c);
                        pos++;
                    }
                }

                fields.Add(field.ToString());

                if (pos < length && text[pos] == separator)
                {
                    pos++;
                    continue;
                }

                // End of the row: a line break or the end of the text.
                if (pos < length)
                {
                    if (text[pos] == '\r' && pos + 1 < length && text[pos + 1] == '\n')
                    {
                        pos++;
                    }

                    pos++;
                    line++;
                }

                break;
            }

            if (!anyQuoted && fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue;
            }

            records.Add(new DelimitedRecord(startLine, fields));
        }

        return records;
    }

    /// <summary>
    /// Guesses the separator of a text file from its first non-blank lines: tab if every sampled line has one, else
    /// ';' likewise, else ','; failing that, the first of those found on the first line. Null when none occurs.
    /// </summary>
    public static char? Sniff(string text)
    {
        var sample = ReadLines(text).Where(l => !string.IsNullOrWhiteSpace(l)).Take(20).ToList();
        if (sample.Count == 0)
        {
            return null;
        }

        char[] candidates = ['\t', ';', ','];
        foreach (var candidate in candidates)
        {
            if (sample.All(l => l.Contains(candidate)))
            {
                return candidate;
            }
        }

        foreach (var candidate in candidates)
        {
            if (sample[0].Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Lines of <paramref name="text"/> (breaks: \n, \r\n, lone \r).</summary>
    public static IEnumerable<string> ReadLines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
