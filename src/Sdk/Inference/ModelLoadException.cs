namespace FastBert;

/// <summary>A model folder could not be loaded: a file is missing, corrupt, or disagrees with the manifest.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string path, string message, Exception? innerException = null)
        : base($"{path}: {message}", innerException)
    {
        Path = path;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
