namespace FastBert.Tool.Commands;

/// <summary>A command-line value that parses but makes no sense; exit code 1.</summary>
internal sealed class UsageException(string message) : Exception(message);
