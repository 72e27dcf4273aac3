namespace FastBert.Models.Export;

/// <summary>Copies into folders fastbert writes (exports, prepared models); the folders themselves are placed by <see cref="OutputFolder"/>.</summary>
public static class OutputFiles
{
    /// <summary>
    /// Copies a file and makes the copy writable by its owner. Sources are often read-only (a Hugging Face cache
    /// blob, a read-only checkout); File.Copy keeps the mode, and MSBuild could then never overwrite the copy that
    /// the build places in bin/.
    /// </summary>
    public static void CopyWritable(string source, string destination)
    {
        File.Copy(source, destination, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(destination, File.GetUnixFileMode(destination) | UnixFileMode.UserWrite | UnixFileMode.UserRead);
        }
        else
        {
            File.SetAttributes(destination, File.GetAttributes(destination) & ~FileAttributes.ReadOnly);
        }
    }
}
