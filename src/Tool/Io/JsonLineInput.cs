using System.Text.Json;

namespace FastBert.Tool.Io;

/// <summary>A line of standard input that is not a JSON string nor an object with a "text" string.</summary>
public sealed class InputLineException(int lineNumber, string message) : Exception($"stdin line {lineNumber}: {message}")
{
    public int LineNumber { get; } = lineNumber;
}

/// <summary>One input line: a text, and for a sentence pair its second text (<c>"text_pair"</c>).</summary>
public readonly record struct InputLine(string Text, string? TextPair);

/// <summary>
/// Reads the JSON-lines input shared by <c>tokenize</c> and <c>predict</c>: each non-blank line is a JSON string
/// or an object with a "text" string field (and, for a sentence pair, a "text_pair" string field).
/// </summary>
public static class JsonLineInput
{
    /// <summary>As <see cref="ReadBatches(TextReader, int)"/>, for commands that also take sentence pairs (<c>{"text": …, "text_pair": …}</c>).</summary>
    public static IEnumerable<IReadOnlyList<InputLine>> ReadInputBatches(TextReader reader, int maxBatchSize) =>
        ReadBatches(reader, maxBatchSize, ParseInputLine);

    /// <summary>The texts of the input, for commands that take single texts only (a "text_pair" line is an error).</summary>
    public static IEnumerable<IReadOnlyList<string>> ReadBatches(TextReader reader, int maxBatchSize) =>
        ReadBatches(reader, maxBatchSize, ParseLine);

    /// <summary>
    /// The texts of the input as they arrive, in batches of the lines that have already arrived (at most
    /// <paramref name="maxBatchSize"/>): a client that writes one line and waits gets a batch of one at once, a piped
    /// file is handed out in full batches. A bad line ends the batch before it; the next step throws its
    /// <see cref="InputLineException"/>, so the caller answers every good line before the error is reported.
    /// </summary>
    private static IEnumerable<IReadOnlyList<T>> ReadBatches<T>(TextReader reader, int maxBatchSize, Func<string, int, T> parse)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        using var lines = new LineReadAhead(reader);
        var batch = new List<T>(maxBatchSize);
        while (lines.WaitForLine(out var line))
        {
            InputLineException? bad = null;
            while (true)
            {
                if (!string.IsNullOrWhiteSpace(line.Text))
                {
                    try
                    {
                        batch.Add(parse(line.Text, line.Number));
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

    /// <summary>A single text; a line with a "text_pair" is refused, since the command has no use for it.</summary>
    public static string ParseLine(string line, int lineNumber)
    {
        var input = ParseInputLine(line, lineNumber);
        if (input.TextPair is not null)
        {
            throw new InputLineException(lineNumber, "has a \"text_pair\", but this command takes single texts. Remove the field, or use tokenize / predict for sentence pairs.");
        }

        return input.Text;
    }

    /// <summary>A text or a sentence pair.</summary>
    public static InputLine ParseInputLine(string line, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new InputLineException(lineNumber, $"not valid JSON ({ex.Message}). Write one JSON string per line, e.g. \"hello\", or an object like {{\"text\": \"hello\"}} (a sentence pair: {{\"text\": \"a\", \"text_pair\": \"b\"}}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
            {
                return new InputLine(root.GetString()!, null);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text", out var text))
            {
                if (text.ValueKind != JsonValueKind.String)
                {
                    throw new InputLineException(lineNumber, $"the \"text\" field is a {text.ValueKind.ToString().ToLowerInvariant()}; it must be a string.");
                }

                if (!root.TryGetProperty("text_pair", out var pair))
                {
                    return new InputLine(text.GetString()!, null);
                }

                if (pair.ValueKind != JsonValueKind.String)
                {
                    throw new InputLineException(lineNumber, $"the \"text_pair\" field is a {pair.ValueKind.ToString().ToLowerInvariant()}; it must be a string (the second text of a sentence pair).");
                }

                return new InputLine(text.GetString()!, pair.GetString()!);
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("text_pair", out _))
            {
                throw new InputLineException(lineNumber, "has a \"text_pair\" but no \"text\"; a sentence pair needs both, e.g. {\"text\": \"a\", \"text_pair\": \"b\"}.");
            }

            throw new InputLineException(lineNumber, $"expected a JSON string or an object with a \"text\" field, got a {root.ValueKind.ToString().ToLowerInvariant()}.");
        }
    }
}
