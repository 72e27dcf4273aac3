using System.Net;

namespace FastBert.Models.Hub;

/// <summary>A split of a Hub dataset, as fast-bert names it: <c>--dataset glue --dataset-config sst2 --dataset-split validation</c>.</summary>
/// <param name="Dataset">The dataset repository and revision (<see cref="HubReference.ParseDataset"/>).</param>
/// <param name="Config">The configuration (subset); null: the only one the dataset has.</param>
/// <param name="Split">The split, e.g. <c>validation</c>.</param>
public sealed record HubDatasetSplit(HubReference Dataset, string? Config, string Split)
{
    /// <summary>"hf-dataset:org/name@main sst2/validation".</summary>
    public override string ToString() => $"{Dataset} {Config ?? "(only config)"}/{Split}";
}

/// <summary>The downloaded Parquet files of one dataset split, and where they came from (for lock files and reports).</summary>
/// <param name="Split">What was asked for, with the configuration filled in.</param>
/// <param name="Revision">The revision the files were found at: the dataset's own revision, or <see cref="HubDatasetLayout.ConvertedBranch"/>.</param>
/// <param name="Commit">The commit of that revision.</param>
/// <param name="Layout">Native files or the Hub's conversion.</param>
/// <param name="Files">The split's shards, in order, with their local paths and hashes.</param>
public sealed record HubDatasetSnapshot(HubDatasetSplit Split, string Revision, string Commit, HubDatasetFileLayout Layout, IReadOnlyList<HubFile> Files)
{
    /// <summary>Names the data in messages and reports: <c>hf-dataset:glue@&lt;commit&gt; sst2/validation</c>.</summary>
    public string DisplayName => $"{HubReference.DatasetPrefix}{Split.Dataset.RepoId}@{Commit} {Split.Config}/{Split.Split}";
}

/// <summary>A dataset has no such configuration or split; the message lists what it has.</summary>
public sealed class HubDatasetSplitNotFoundException : HubException
{
    public HubDatasetSplitNotFoundException(string message, string repoId)
        : base(message, repoId, null, HttpStatusCode.NotFound)
    {
    }
}

/// <summary>
/// Finds a dataset split's Parquet files on the Hub and downloads them through <see cref="HubClient"/> into the
/// cache (<c>datasets--org--name</c>). The files come from the dataset's own layout at its revision when it has the
/// split there (<see cref="HubDatasetFileLayout.Native"/>), else from the Hub's conversion on
/// <c>refs/convert/parquet</c>.
/// </summary>
public static class HubDatasetSource
{
    /// <summary>Lists, resolves and downloads <paramref name="split"/>.</summary>
    /// <param name="client">The Hub client (endpoint, token, cache).</param>
    /// <param name="split">The dataset split.</param>
    /// <param name="pinned">A snapshot recorded earlier (a lock file): its revision, commit and files are pulled as they were, without listing.</param>
    /// <param name="progress">Told how each download advances.</param>
    /// <param name="cancellationToken">Stops the pull.</param>
    /// <exception cref="HubDatasetSplitNotFoundException">No such configuration or split.</exception>
    /// <exception cref="HubException">The Hub refused or could not be reached.</exception>
    public static async Task<HubDatasetSnapshot> PullAsync(HubClient client, HubDatasetSplit split, HubDatasetPin? pinned = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(split);
        if (split.Dataset.Kind != HubRepositoryKind.Dataset)
        {
            throw new ArgumentException($"'{split.Dataset}' is a model repository, not a dataset.", nameof(split));
        }

        if (pinned is not null)
        {
            var at = split.Dataset.AtRevision(pinned.Revision);
            var snapshot = await client.PullAsync(at, pinned.Files, pinned.Commit, progress, cancellationToken).ConfigureAwait(false);
            return new HubDatasetSnapshot(split with { Config = split.Config ?? pinned.Config }, pinned.Revision, snapshot.Commit, pinned.Layout,
                pinned.Files.Select(f => snapshot.Files[f]).ToList());
        }

        var native = await client.ListFilesAsync(split.Dataset, cancellationToken).ConfigureAwait(false);
        var nativeFiles = HubDatasetLayout.Parse(native.Files, HubDatasetFileLayout.Native);
        var config = split.Config ?? OnlyConfig(nativeFiles);
        var found = config is null ? [] : HubDatasetLayout.Find(nativeFiles, config, split.Split);
        var revision = split.Dataset.Revision;
        var commit = native.Commit;
        var layout = HubDatasetFileLayout.Native;
        IReadOnlyList<HubDatasetFile> convertedFiles = [];
        if (found.Count == 0)
        {
            var converted = await ListConvertedAsync(client, split.Dataset, cancellationToken).ConfigureAwait(false);
            convertedFiles = converted is null ? [] : HubDatasetLayout.Parse(converted.Files, HubDatasetFileLayout.Converted);
            config ??= OnlyConfig(convertedFiles);
            found = config is null ? [] : HubDatasetLayout.Find(convertedFiles, config, split.Split);
            if (found.Count == 0)
            {
                throw NotFound(split, config, nativeFiles, convertedFiles);
            }

            revision = HubDatasetLayout.ConvertedBranch;
            commit = converted!.Commit;
            layout = HubDatasetFileLayout.Converted;
        }

        var names = found.Select(f => f.Path).ToList();
        var pulled = await client.PullAsync(split.Dataset.AtRevision(revision), names, commit, progress, cancellationToken).ConfigureAwait(false);
        return new HubDatasetSnapshot(split with { Config = config }, revision, pulled.Commit, layout, names.Select(n => pulled.Files[n]).ToList());
    }

    private static async Task<HubRepositoryListing?> ListConvertedAsync(HubClient client, HubReference dataset, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ListFilesAsync(dataset.AtRevision(HubDatasetLayout.ConvertedBranch), cancellationToken).ConfigureAwait(false);
        }
        catch (HubRevisionNotFoundException)
        {
            return null; // The Hub has not converted this dataset.
        }
    }

    private static string? OnlyConfig(IReadOnlyList<HubDatasetFile> files)
    {
        var configs = files.Select(f => f.Config).Distinct().ToList();
        return configs.Count == 1 ? configs[0] : null;
    }

    private static HubDatasetSplitNotFoundException NotFound(HubDatasetSplit split, string? config, IReadOnlyList<HubDatasetFile> native, IReadOnlyList<HubDatasetFile> converted)
    {
        var all = native.Concat(converted).ToList();
        var what = config is null
            ? $"'{split.Dataset.RepoId}' has several configurations (or none in Parquet); name one with --dataset-config (a manifest's config:)"
            : all.Any(f => f.Config == config)
                ? $"configuration '{config}' of '{split.Dataset.RepoId}' has no split '{split.Split}'"
                : $"'{split.Dataset.RepoId}' has no configuration '{config}'";
        return new HubDatasetSplitNotFoundException(
            $"{what}. At '{split.Dataset.Revision}' it has {HubDatasetLayout.Describe(native)}; "
            + $"on {HubDatasetLayout.ConvertedBranch} {HubDatasetLayout.Describe(converted)}.",
            split.Dataset.RepoId);
    }
}

/// <summary>A dataset snapshot as a lock file records it: pulled again exactly, without listing the repository.</summary>
public sealed record HubDatasetPin(string Revision, string Commit, HubDatasetFileLayout Layout, string Config, IReadOnlyList<string> Files);
