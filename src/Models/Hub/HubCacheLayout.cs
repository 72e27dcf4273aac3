namespace FastBert.Models.Hub;

/// <summary>
/// The huggingface_hub cache layout of one repository:
/// <code>
/// &lt;root&gt;/models--org--name/
///   blobs/&lt;etag&gt;                     file contents, named by sha256 (LFS) or git blob id
///   blobs/&lt;etag&gt;.incomplete          a download in progress (resumable)
///   snapshots/&lt;commit&gt;/&lt;file&gt;        symlink to ../../blobs/&lt;etag&gt; (or a copy)
///   refs/&lt;revision&gt;                  the commit a branch or tag was last seen at
///   .no_exist/&lt;commit&gt;/&lt;file&gt;        an empty marker: the file does not exist at that commit
/// &lt;root&gt;/.locks/models--org--name/&lt;etag&gt;.lock
/// </code>
/// </summary>
internal sealed class HubCacheLayout
{
    public HubCacheLayout(string root, HubReference reference)
    {
        Root = root;
        RepoFolder = Path.Combine(root, reference.CacheFolderName);
        LocksFolder = Path.Combine(root, ".locks", reference.CacheFolderName);
    }

    public string Root { get; }

    public string RepoFolder { get; }

    public string LocksFolder { get; }

    public string BlobsFolder => Path.Combine(RepoFolder, "blobs");

    public string BlobPath(string etag) => Path.Combine(BlobsFolder, etag);

    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";

    public string LockPath(string etag) => Path.Combine(LocksFolder, etag + ".lock");

    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    public string SnapshotPath(string commit, string file) => Path.Combine(SnapshotFolder(commit), Local(file));

    public string RefPath(string revision) => Path.Combine(RepoFolder, "refs", Local(revision));

    public string NoExistPath(string commit, string file) => Path.Combine(RepoFolder, ".no_exist", commit, Local(file));

    /// <summary>The commit <c>refs/&lt;revision&gt;</c> holds, or null.</summary>
    public string? ReadRef(string revision)
    {
        try
        {
            var path = RefPath(revision);
            if (!File.Exists(path))
            {
                return null;
            }

            var commit = File.ReadAllText(path).Trim();
            return HubReference.IsCommitSha(commit) ? commit : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Points <c>refs/&lt;revision&gt;</c> at <paramref name="commit"/> (no newline, as huggingface_hub writes it).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (ReadRef(revision) == commit)
        {
            return;
        }

        var path = RefPath(revision);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temporary, commit);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Marks <paramref name="file"/> as absent at <paramref name="commit"/>.</summary>
    public void MarkNoExist(string commit, string file)
    {
        try
        {
            var path = NoExistPath(commit, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, []);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A marker only saves a request later; failing to write one is harmless.
        }
    }

    public bool IsMarkedNoExist(string commit, string file) => File.Exists(NoExistPath(commit, file));

    /// <summary>Whether <paramref name="path"/> is a file with contents: a regular file, or a symlink whose target exists.</summary>
    public static bool IsUsableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true };
            }

            return info.Exists;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The blob a snapshot file links to (its etag), or null for a copy or a link elsewhere.</summary>
    public string? LinkedEtag(string snapshotPath)
    {
        try
        {
            var target = new FileInfo(snapshotPath).LinkTarget;
            if (target is null)
            {
                return null;
            }

            var absolute = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(snapshotPath)!, target));
            return string.Equals(Path.GetDirectoryName(absolute), Path.GetFullPath(BlobsFolder), StringComparison.Ordinal)
                ? Path.GetFileName(absolute)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes <c>snapshots/&lt;commit&gt;/&lt;file&gt;</c> a relative symlink to <c>blobs/&lt;etag&gt;</c>, or a copy of the
    /// blob when <paramref name="useSymlinks"/> is false or the file system refuses symlinks.
    /// </summary>
    public string LinkSnapshotFile(string commit, string file, string etag, bool useSymlinks)
    {
        var path = SnapshotPath(commit, file);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var blob = BlobPath(etag);
        var relative = Path.GetRelativePath(folder, blob);

        if (useSymlinks && new FileInfo(path).LinkTarget == relative && IsUsableFile(path))
        {
            return path;
        }

        if (!useSymlinks && new FileInfo(path) is { LinkTarget: null, Exists: true } existing && existing.Length == new FileInfo(blob).Length)
        {
            return path;
        }

        // Made under a temporary name, then renamed over the old entry: concurrent pulls never see a half-made file.
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        if (useSymlinks)
        {
            try
            {
                File.CreateSymbolicLink(temporary, relative);
                File.Move(temporary, path, overwrite: true);
                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                File.Delete(temporary);
            }
        }

        File.Copy(blob, temporary);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Local(string slashPath) => slashPath.Replace('/', Path.DirectorySeparatorChar);
}
