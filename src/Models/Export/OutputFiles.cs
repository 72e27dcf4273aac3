namespace FastBert.Models.Export;

/// <summary>Copies into folders fastbert writes (exports, prepared models).</summary>
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

    /// <summary>
    /// Moves a completely written folder to <paramref name="target"/> (a sibling path on the same volume), replacing
    /// any folder there. The previous folder is moved aside first and deleted only once the new one is in place.
    /// </summary>
    public static void MoveIntoPlace(string completed, string target)
    {
        var full = Path.GetFullPath(target);
        string? previous = null;
        if (Directory.Exists(full))
        {
            previous = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
            Directory.Move(full, previous);
        }

        Directory.Move(completed, full);
        if (previous is not null)
        {
            Directory.Delete(previous, recursive: true);
        }
    }

    /// <summary>
    /// Writes a folder through a temporary sibling: <paramref name="fill"/> writes everything into the staging folder it
    /// is given, then the previous folder (if any) is swapped out and deleted. When <paramref name="fill"/> throws, the
    /// staging folder is removed and the previous folder is left as it was.
    /// </summary>
    public static void ReplaceDirectory(string target, Action<string> fill)
    {
        var full = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(full) ?? throw new IOException($"{full} has no parent folder.");
        var name = Path.GetFileName(full);
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            fill(staging);
            MoveIntoPlace(staging, full);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }
}
