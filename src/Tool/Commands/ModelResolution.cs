using FastBert.Models.Export;

namespace FastBert.Tool.Commands;

internal static class ModelResolution
{
    /// <summary>A runnable model folder and a display name for each argument (checkpoint folders are exported once into the cache).</summary>
    public static IReadOnlyList<(string Name, string Directory)> Resolve(IEnumerable<string> arguments, IProgress<string>? progress)
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

            resolved.Add((unique, ExportCache.ResolveRunnableModel(full, progress: progress)));
        }

        return resolved;
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
