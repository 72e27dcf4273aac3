namespace FastBert.Models.Checkpoints;

/// <summary>A checkpoint file is malformed, truncated, or uses something the readers do not support.</summary>
/// <remarks>The message names the file, what is wrong and, where there is one, what to do about it.</remarks>
public class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string filePath, string problem, string? remedy = null, Exception? inner = null)
        : base(Compose(filePath, problem, remedy), inner)
    {
        FilePath = filePath;
        Problem = problem;
        Remedy = remedy;
    }

    /// <summary>The checkpoint file (or folder) concerned.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>What to do about it, when there is something to suggest.</summary>
    public string? Remedy { get; }

    private static string Compose(string filePath, string problem, string? remedy) =>
        remedy is null ? $"{filePath}: {problem}" : $"{filePath}: {problem} {remedy}";
}

/// <summary>
/// A checkpoint was refused because loading it as given would be unsafe: a pickle that imports something other than
/// the few PyTorch/collections names a state dict needs (e.g. <c>posix.system</c>), or a zip entry whose name escapes
/// the archive (<c>../</c>, absolute paths). Nothing in the file is ever executed or extracted.
/// </summary>
public sealed class CheckpointSecurityException : CheckpointFormatException
{
    public CheckpointSecurityException(string filePath, string problem, string? remedy = null)
        : base(filePath, problem, remedy)
    {
    }
}
