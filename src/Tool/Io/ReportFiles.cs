using FastBert.Models.Reports;
using FastBert.Tool.Commands;

namespace FastBert.Tool.Io;

internal static class ReportFiles
{
    /// <summary>
    /// Refuses, before any work is done, a report path that cannot be a file: an existing folder, a path ending in a
    /// separator, or one under an existing file. (An existing file is fine: it is replaced, as -o does everywhere.)
    /// </summary>
    /// <exception cref="UsageException">The path cannot name a file.</exception>
    public static void RequireFilePath(FileInfo? file, string option)
    {
        if (file is null)
        {
            return;
        }

        var path = file.FullName;
        if (Directory.Exists(path) || Path.EndsInDirectorySeparator(file.ToString()))
        {
            throw new UsageException($"{option} {file} is a folder; give the path of a file to write, e.g. {Path.Combine(file.ToString(), "report.json")}.");
        }

        for (var parent = Path.GetDirectoryName(path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                throw new UsageException($"{option} {file} cannot be written: {parent} is a file, not a folder.");
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }
    }

    /// <summary>Writes the report contract atomically (temp file, then move) when a path was given.</summary>
    /// <exception cref="UsageException">The file cannot be written (no permission, a folder in the way, disk full).</exception>
    public static void WriteJson(Report report, FileInfo? file, string option = "--json")
    {
        if (file is null)
        {
            return;
        }

        RequireFilePath(file, option);
        var directory = file.DirectoryName ?? ".";
        var temp = Path.Combine(directory, $".{file.Name}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temp, report.ToJson() + "\n");
            File.Move(temp, file.FullName, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new UsageException($"{option} {file} cannot be written: {ex.Message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
