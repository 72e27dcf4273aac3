using FastBert.ModelFolders;
using FastBert.Models.Export;

namespace FastBert.Tool.Commands;

internal static class ModelResolution
{
    /// <summary>A runnable model folder and a display name for each argument (checkpoint folders are exported once into the cache).</summary>
    public static IReadOnlyList<(string Name, string Directory)> Resolve(IEnumerable<string> arguments, IProgress<string>? progress, string? onnxFile = null)
    {
        var resolved = new List<(string, string)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var full = Path.GetFullPath(argument);
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"{full}: model folder not found.");
            }

            var name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
            var unique = name;
            for (var i = 2; !names.Add(unique); i++)
            {
                unique = $"{name}#{i}";
            }

            resolved.Add((unique, Runnable(full, onnxFile, progress)));
        }

        return resolved;
    }

    /// <summary>
    /// The folder to load <paramref name="directory"/> from: itself when <paramref name="onnxFile"/> (--model-file)
    /// names one of its ONNX files, else as <see cref="ExportCache.ResolveRunnableModel"/> decides.
    /// </summary>
    /// <exception cref="UsageException">--model-file is not a relative .onnx path, or the folder lacks it (the message lists its ONNX files).</exception>
    public static string Runnable(string directory, string? onnxFile, IProgress<string>? progress = null)
    {
        if (onnxFile is null)
        {
            return ExportCache.ResolveRunnableModel(directory, progress: progress);
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: model folder not found.");
        }

        return ModelFolder.NamedOnnxFileProblem(directory, onnxFile) is { } problem
            ? throw new UsageException($"--model-file: {problem}")
            : directory;
    }

    public static IReadOnlyList<int> ParseList(string? value, string option)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new UsageException($"{option}: '{part}' is not a positive integer (write e.g. 1,8,32)."))
            .ToList();
    }
}
