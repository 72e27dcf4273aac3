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
    public static IEnumerable<string> ReadTexts(TextReader reader)
    {
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return ParseLine(line, lineNumber);
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
