namespace FastBert.Models.Data;

/// <summary>
/// A labelled data file (or an index file) is empty, malformed, or holds something the reader cannot map onto the
/// model: a row with the wrong number of columns, an unterminated quote, a line that is not a JSON object, a label the
/// model does not have. The message names the file and, when there is one, the 1-based line.
/// </summary>
public class DataFormatException : Exception
{
    public DataFormatException(string filePath, int? lineNumber, string problem, Exception? inner = null)
        : base(Compose(filePath, lineNumber, problem), inner)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Problem = problem;
    }

    /// <summary>The data file concerned.</summary>
    public string FilePath { get; }

    /// <summary>1-based line where the faulty row starts; null when the problem is with the file as a whole.</summary>
    public int? LineNumber { get; }

    /// <summary>What is wrong, without the file name and line.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, int? lineNumber, string problem) =>
        lineNumber is { } line ? $"{filePath}:{line}: {problem}" : $"{filePath}: {problem}";
}

/// <summary>A row's label is neither one of the model's label names nor a valid label index.</summary>
public sealed class UnknownLabelException : DataFormatException
{
    public UnknownLabelException(string filePath, int lineNumber, string value, IReadOnlyList<string> modelLabels)
        : base(filePath, lineNumber, Describe(value, modelLabels))
    {
        Value = value;
        ModelLabels = modelLabels;
    }

    /// <summary>The label as written in the file.</summary>
    public string Value { get; }

    /// <summary>The labels the model knows, in index order.</summary>
    public IReadOnlyList<string> ModelLabels { get; }

    private static string Describe(string value, IReadOnlyList<string> modelLabels) =>
        $"unknown label '{value}'; the model's labels are {string.Join(", ", modelLabels.Select((l, i) => $"{i} {l}"))} " +
        "(names match case-insensitively; indices 0.." + (modelLabels.Count - 1) + " are accepted too).";
}
