namespace FastBert.ModelFolders;

/// <summary>A model's config.json is missing, unreadable, or describes something fastbert does not support.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string path, string? key, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        FilePath = path;
        Key = key;
        Reason = message;
    }

    /// <summary>What is wrong, without the file name (the message is "path: reason").</summary>
    public string Reason { get; }

    /// <summary>The config.json concerned.</summary>
    public string FilePath { get; }

    /// <summary>The JSON key at fault, when one is.</summary>
    public string? Key { get; }
}
