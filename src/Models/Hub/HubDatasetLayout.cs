using System.Text.RegularExpressions;

namespace FastBert.Models.Hub;

/// <summary>Where a dataset repository keeps its Parquet files.</summary>
public enum HubDatasetFileLayout
{
    /// <summary>
    /// Files the dataset's authors pushed (what <c>datasets.push_to_hub</c> writes): <c>{config}/{split}-00000-of-00001.parquet</c>,
    /// also under <c>data/{config}/</c> or <c>{config}/data/</c>; a dataset with one configuration, named <c>default</c>,
    /// keeps them in <c>data/</c> (or the root).
    /// </summary>
    Native,

    /// <summary>The Hub's own conversion on the <c>refs/convert/parquet</c> branch: <c>{config}/{split}/0000.parquet</c>.</summary>
    Converted,
}

/// <summary>One Parquet file of a dataset split.</summary>
public sealed record HubDatasetFile(string Path, string Config, string Split);

/// <summary>Finds a configuration's split among a dataset repository's files (<see cref="HubRepositoryListing.Files"/>).</summary>
public static partial class HubDatasetLayout
{
    /// <summary>The branch the Hub writes its Parquet conversion of every dataset to.</summary>
    public const string ConvertedBranch = "refs/convert/parquet";

    /// <summary>The configuration name of a dataset that has only one.</summary>
    public const string DefaultConfig = "default";

    /// <summary>Every Parquet file of <paramref name="files"/> that belongs to a split, with its configuration and split, in path order.</summary>
    public static IReadOnlyList<HubDatasetFile> Parse(IEnumerable<string> files, HubDatasetFileLayout layout) =>
        files.Select(path => layout == HubDatasetFileLayout.Native ? ParseNative(path) : ParseConverted(path))
            .OfType<HubDatasetFile>()
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();

    /// <summary>The files of <paramref name="config"/>'s <paramref name="split"/> (in shard order), empty when it has none.</summary>
    public static IReadOnlyList<HubDatasetFile> Find(IReadOnlyList<HubDatasetFile> parsed, string config, string split) =>
        parsed.Where(f => f.Config == config && f.Split == split).ToList();

    /// <summary>"config: split, split; config: split" for a message that lists what exists.</summary>
    public static string Describe(IReadOnlyList<HubDatasetFile> parsed) =>
        parsed.Count == 0
            ? "no Parquet files"
            : string.Join("; ", parsed.GroupBy(f => f.Config).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"config '{g.Key}': splits {string.Join(", ", g.Select(f => f.Split).Distinct().Order(StringComparer.Ordinal))}"));

    private static HubDatasetFile? ParseNative(string path)
    {
        var slash = path.LastIndexOf('/');
        var folder = slash < 0 ? string.Empty : path[..slash];
        var match = NativeFileName().Match(path[(slash + 1)..]);
        if (!match.Success)
        {
            return null;
        }

        string config;
        if (folder is "" or "data")
        {
            config = DefaultConfig;
        }
        else if (folder.StartsWith("data/", StringComparison.Ordinal) && !folder[5..].Contains('/'))
        {
            config = folder[5..];
        }
        else if (folder.EndsWith("/data", StringComparison.Ordinal) && !folder[..^5].Contains('/'))
        {
            config = folder[..^5];
        }
        else if (!folder.Contains('/'))
        {
            config = folder;
        }
        else
        {
            return null;
        }

        return new HubDatasetFile(path, config, match.Groups["split"].Value);
    }

    private static HubDatasetFile? ParseConverted(string path)
    {
        var parts = path.Split('/');
        return parts.Length == 3 && ConvertedFileName().IsMatch(parts[2])
            ? new HubDatasetFile(path, parts[0], parts[1])
            : null;
    }

    // train-00000-of-00003.parquet, train-00000-of-00003-9a8b7c.parquet (older push_to_hub), train.parquet
    [GeneratedRegex(@"^(?<split>[A-Za-z0-9_.]+?)(-\d{5}-of-\d{5}(-[0-9a-f]+)?)?\.parquet$")]
    private static partial Regex NativeFileName();

    [GeneratedRegex(@"^\d{4}\.parquet$")]
    private static partial Regex ConvertedFileName();
}
