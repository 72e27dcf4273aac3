using FastBert.Manifest.Json;
using FastBert.Manifest.Yaml;

namespace FastBert.Manifest;

/// <summary>
/// What the source generator needs from a manifest's lock file: the labels <c>fastbert prepare</c> recorded from the
/// checkpoint's id2label. The lock file sits beside the manifest, named after it (<c>spam.yaml</c> →
/// <c>spam.lock.json</c>), and is JSON: <c>{ "labels": ["ham", "spam"], … }</c>; every other field is ignored here.
/// Immutable and value-equatable (an incremental generator pipeline value).
/// </summary>
/// <param name="Path">The lock file's path.</param>
/// <param name="Labels">The <c>"labels"</c> array, in model output order; empty when the file has none (or <see cref="Problem"/> is set).</param>
/// <param name="Problem">Why the file cannot be used (FB0016, positioned in the lock file); <see langword="null"/> when it can.</param>
public sealed record ManifestLockFile(string Path, EquatableArray<string> Labels, ManifestDiagnostic? Problem)
{
    /// <summary>What a lock file's name adds to the manifest's name without extension.</summary>
    public const string Extension = ".lock.json";

    /// <summary>The field that holds the labels.</summary>
    public const string LabelsKey = "labels";

    /// <summary>The lock file's name for a manifest: <c>models/spam.yaml</c> → <c>spam.lock.json</c>.</summary>
    public static string FileNameFor(string manifestPath) => ManifestNames.ModelName(manifestPath) + Extension;

    /// <summary>
    /// The lock file's path for a manifest: the same folder (written as in <paramref name="manifestPath"/>), the
    /// manifest's name without extension plus <see cref="Extension"/> (<c>/app/spam.yaml</c> → <c>/app/spam.lock.json</c>).
    /// </summary>
    public static string PathFor(string manifestPath)
    {
        if (manifestPath is null)
        {
            throw new ArgumentNullException(nameof(manifestPath));
        }

        var slash = Math.Max(manifestPath.LastIndexOf('/'), manifestPath.LastIndexOf('\\'));
        return manifestPath.Substring(0, slash + 1) + FileNameFor(manifestPath);
    }

    /// <summary>
    /// True when <paramref name="lockPath"/> is the lock file of <paramref name="manifestPath"/> (same folder, same base
    /// name), comparing with '/' and '\' as the same separator.
    /// </summary>
    /// <param name="lockPath">A lock file's path.</param>
    /// <param name="manifestPath">A manifest's path.</param>
    /// <param name="ignoreCase">Compare ignoring case (as Windows and macOS file systems do).</param>
    public static bool IsLockFileOf(string lockPath, string manifestPath, bool ignoreCase = false) =>
        lockPath is not null
        && manifestPath is not null
        && string.Equals(
            Normalize(lockPath),
            Normalize(PathFor(manifestPath)),
            ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Reads a lock file's text. Never throws: a file that cannot be used has a <see cref="Problem"/>.</summary>
    /// <param name="path">The lock file's path (named in messages and set as the problem's <see cref="ManifestDiagnostic.File"/>).</param>
    /// <param name="text">The file's text; <see langword="null"/> when it could not be read.</param>
    public static ManifestLockFile Read(string path, string? text)
    {
        path ??= string.Empty;
        var fileName = FileName(path);
        if (text is null)
        {
            return Failed(path, ManifestMessages.UnreadableLockFile(fileName), ManifestSpan.DocumentStart);
        }

        try
        {
            var labels = LockJsonReader.ReadLabels(text);
            return new ManifestLockFile(path, labels, null);
        }
        catch (LockJsonException exception)
        {
            var lines = new LineMap(text);
            return Failed(path, ManifestMessages.InvalidLockFile(fileName, exception.Message), lines.Span(exception.Start, exception.End));
        }
        catch (Exception exception)
        {
            return Failed(path, ManifestMessages.InternalError(exception), ManifestSpan.DocumentStart, ManifestDiagnosticIds.InternalError);
        }
    }

    /// <summary>The file name of a path ('/' or '\' separated).</summary>
    internal static string FileName(string path) =>
        path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);

    private static ManifestLockFile Failed(string path, string message, ManifestSpan span, string id = ManifestDiagnosticIds.InvalidLockFile) =>
        new(path, EquatableArray<string>.Empty, new ManifestDiagnostic(id, message, span) { File = path });

    private static string Normalize(string path) => path.Replace('\\', '/');
}
