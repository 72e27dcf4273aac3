using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Hub;

namespace FastBert.Models.Preparation;

/// <summary>A preparation failure found before anything was written; <see cref="Network"/> when it is the network's (or offline mode's).</summary>
public sealed class PrepareFailureException : Exception
{
    public PrepareFailureException(PrepareFailure failure, bool network, Exception? inner = null)
        : base(failure.Message, inner)
    {
        Failure = failure;
        Network = network;
    }

    public PrepareFailure Failure { get; }

    public bool Network { get; }
}

/// <summary>
/// validate.data as a Hub dataset: pulled at the lock file's pin when the lock has one for the same dataset, config and
/// split (its commit and files, no listing; from the cache alone when they are cached, so offline works), else resolved
/// afresh. Either way each file's sha256 is computed, and with a pin it must be the pinned one.
/// </summary>
internal static class ValidationDatasetPuller
{
    public static async Task<(HubDatasetSnapshot Snapshot, LockDataset Pin)> PullAsync(PrepareSettings settings, HubDatasetSplit split, LockFile? existingLock,
        string lockPath, CancellationToken cancellationToken)
    {
        var source = split.Dataset.ToString();
        var locked = existingLock?.Dataset is { } d && d.Source == source && d.Split == split.Split && (split.Config is null || split.Config == d.Config) ? d : null;
        var pin = locked is null ? null : new HubDatasetPin(locked.Revision, locked.ResolvedCommit, ParseLayout(locked.Layout), locked.Config, locked.Files.Keys.ToList());
        using var client = new HubClient(new HubOptions { Offline = settings.Offline ? true : null, CacheDirectory = settings.CacheDirectory });
        settings.Progress?.Report($"Pulling validation data {source} {split.Config ?? locked?.Config ?? "(only config)"}/{split.Split}"
            + (locked is null ? string.Empty : $" at locked commit {locked.ResolvedCommit[..12]}"));

        HubDatasetSnapshot snapshot;
        try
        {
            snapshot = await HubDatasetSource.PullAsync(client, split, pin, null, cancellationToken).ConfigureAwait(false);
        }
        catch (HubOfflineException offline)
        {
            var what = locked is null
                ? $"validate.data {source} is not pinned in {Path.GetFileName(lockPath)} yet, and offline mode (HF_HUB_OFFLINE=1 or --offline) cannot list the dataset"
                : $"the files of validate.data {source} that {Path.GetFileName(lockPath)} pins (commit {locked.ResolvedCommit[..12]}) are not in the Hugging Face cache ({client.Settings.CacheDirectory})";
            throw Failure(settings, $"{what}. Run fastbert prepare (or the build) once with network access to download and pin it; later runs use the cache offline. ({offline.Message})",
                network: true, offline);
        }
        catch (HubNetworkException unreachable)
        {
            throw Failure(settings, $"validate.data {source}: {unreachable.Message}", network: true, unreachable);
        }
        catch (HubDatasetSplitNotFoundException missing)
        {
            throw new PrepareFailureException(new PrepareFailure(ManifestDiagnosticIds.ValidationDataUnreadable,
                $"validate.data {source}: {missing.Message} Fix validate.split (or validate.config).", settings.ValidationDatasetSplitLocation), network: false, missing);
        }
        catch (HubException hub)
        {
            throw Failure(settings, $"validate.data {source}: {hub.Message}", network: false, hub);
        }

        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in snapshot.Files)
        {
            var sha256 = FileHashes.Sha256(file.Path);
            if (locked is not null && locked.Files.TryGetValue(file.Name, out var expected) && expected != sha256)
            {
                throw new PrepareFailureException(new PrepareFailure(ManifestDiagnosticIds.LockMismatch,
                    $"{file.Name} of validate.data {source} ({file.Path}) has sha256 {sha256[..12]}… but {Path.GetFileName(lockPath)} pins {expected[..12]}… at commit {locked.ResolvedCommit[..12]}. "
                    + $"The cached file changed; delete the dataset's cache folder {client.RepositoryCacheFolder(split.Dataset)} to download it again, or delete the lock file to accept other files.",
                    settings.ValidationDataLocation), network: false);
            }

            files[file.Name] = sha256;
        }

        var layout = snapshot.Layout == HubDatasetFileLayout.Native ? "native" : "converted";
        return (snapshot, new LockDataset(source, snapshot.Split.Config!, split.Split, snapshot.Revision, snapshot.Commit, layout, files));
    }

    private static HubDatasetFileLayout ParseLayout(string layout) =>
        layout == "converted" ? HubDatasetFileLayout.Converted : HubDatasetFileLayout.Native;

    private static PrepareFailureException Failure(PrepareSettings settings, string message, bool network, Exception inner) =>
        new(new PrepareFailure(ManifestDiagnosticIds.ValidationDataUnreadable, message, settings.ValidationDataLocation), network, inner);
}
