namespace FastBert.Models.Hub;

/// <summary>The pulled files of one commit: the cache's <c>snapshots/&lt;commit&gt;</c> folder.</summary>
/// <param name="Directory">The absolute snapshot folder.</param>
/// <param name="Commit">The 40-character commit sha.</param>
/// <param name="Files">The files, by their name in the repository (e.g. <c>config.json</c>).</param>
public sealed record HubSnapshot(string Directory, string Commit, IReadOnlyDictionary<string, HubFile> Files)
{
    /// <summary>
    /// True when the files came from the cache without asking the Hub which commit the revision is at (offline mode,
    /// or the Hub could not be reached); false when the Hub confirmed them.
    /// </summary>
    public bool FromCache { get; init; }

    /// <summary>The local path of <paramref name="file"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file is not in this snapshot.</exception>
    public string PathOf(string file) =>
        Files.TryGetValue(file, out var entry)
            ? entry.Path
            : throw new KeyNotFoundException(
                $"'{file}' is not in the snapshot {Commit} ({Directory}); it has {string.Join(", ", Files.Keys.Order(StringComparer.Ordinal))}.");
}

/// <summary>One file of a <see cref="HubSnapshot"/>.</summary>
/// <param name="Name">The file's path in the repository, '/'-separated.</param>
/// <param name="Path">The local path (in the snapshot folder; a symlink to the blob, or a copy).</param>
/// <param name="Etag">
/// The blob's name in <c>blobs/</c>: the sha256 for LFS files, the git blob id otherwise. Null when the file came
/// from the cache as a plain copy, whose blob cannot be told.
/// </param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">The sha256 (lowercase hex) for LFS files, which was verified on download; else null.</param>
public sealed record HubFile(string Name, string Path, string? Etag, long Size, string? Sha256);

/// <summary>How far a file's download is.</summary>
/// <param name="File">The file's name in the repository.</param>
/// <param name="BytesDone">Bytes on disk so far, a resumed part included.</param>
/// <param name="TotalBytes">The file's size, when the Hub announced it.</param>
public readonly record struct DownloadProgress(string File, long BytesDone, long? TotalBytes)
{
    /// <summary>The fraction done (0..1), or null when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 ? (double)BytesDone / TotalBytes.Value : null;
}
