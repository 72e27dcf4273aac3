using FastBert.Models.Reports;

namespace FastBert.Tool.Io;

internal static class ReportFiles
{
    /// <summary>Writes the report contract atomically (temp file, then move) when a path was given.</summary>
    public static void WriteJson(Report report, FileInfo? file)
    {
        if (file is null)
        {
            return;
        }

        var directory = file.DirectoryName ?? ".";
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{file.Name}.tmp-{Guid.NewGuid():N}");
        File.WriteAllText(temp, report.ToJson() + "\n");
        File.Move(temp, file.FullName, overwrite: true);
    }
}
