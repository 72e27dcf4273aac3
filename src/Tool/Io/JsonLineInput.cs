using System.Text.Json;

namespace FastBert.Tool.Io;

/// <summary>A line of standard input that is not a JSON string nor an object with a "text" string.</summary>
public sealed class InputLineException(int lineNumber, string message) : Exception($"stdin line {lineNumber}: {message}")
{
    public int LineNumber { get; } = lineNumber;
}

/// <summary>
/// Reads the JSON-lines input shared by <c>tokenize</c> and <c>predict</c>: each non-blank line is a JSON string
/// or an object with a "text" string field.
/// </summary>
public static class JsonLineInput
{
    /// <summary>
    /// The texts of the input as they arrive, in batches of the lines that have already arrived (at most
    /// <paramref name="maxBatchSize"/>): a client that writes one line and waits gets a batch of one at once, a piped
    /// file is handed out in full batches. A bad line ends the batch before it; the next step throws its
    /// <see cref="InputLineException"/>, so the caller answers every good line before the error is reported.
    /// </summary>
    public static IEnumerable<IReadOnlyList<string>> ReadBatches(TextReader reader, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        using var lines = new LineReadAhead(reader);
        var batch = new List<string>(maxBatchSize);
        while (lines.WaitForLine(out var line))
        {
            InputLineException? bad = null;
            while (true)
            {
                if (!string.IsNullOrWhiteSpace(line.Text))
                {
                    try
                    {
                        batch.Add(ParseLine(line.Text, line.Number));
                    }
                    catch (InputLineException e)
                    {
                        bad = e;
                        break;
                    }
                }

                if (batch.Count == maxBatchSize || !lines.TryTakeLine(out line))
                {
                    break;
                }
            }

            if (batch.Count > 0)
            {
                yield return batch.ToArray();
                batch.Clear();
            }

            if (bad is not null)
            {
                throw bad;
            }
        }
    }

    public static string ParseLine(string line, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InputLineException(lineNumber, $"not valid JSON ({ex.Message}). Write one JSON string per line, e.g. \"hello\", or an object like {{\"text\": \"hello\"}}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return root.GetString()!;
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text", out var text))
            {
                if (text.ValueKind == JsonValueKind.String)
                {
                    return text.GetString()!;
                }

                throw new InputLineException(lineNumber, $"the \"text\" field is a {text.ValueKind.ToString().ToLowerInvariant()}; it must be a string.");
            }

            throw new InputLineException(lineNumber, $"expected a JSON string or an object with a \"text\" field, got a {root.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }
}
