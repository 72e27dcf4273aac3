using System.Collections.Immutable;
using FastBert.Manifest;

namespace FastBert.Generator;

/// <summary>Every lock file passed to the compiler, sorted by path so the set compares by value whatever the file order.</summary>
/// <param name="Files">The lock files.</param>
internal sealed record LockFileSet(EquatableArray<ManifestLockFile> Files)
{
    public static LockFileSet Create(ImmutableArray<ManifestLockFile> files) =>
        new(files.OrderBy(static file => file.Path, StringComparer.Ordinal).ToEquatableArray());

    /// <summary>
    /// The lock file of the manifest at <paramref name="manifestPath"/> (same folder, same base name; '/' and '\' alike),
    /// preferring an exact match over one that differs only in case; <see langword="null"/> when there is none.
    /// </summary>
    public ManifestLockFile? For(string manifestPath)
    {
        ManifestLockFile? ignoringCase = null;
        foreach (var file in Files)
        {
            if (ManifestLockFile.IsLockFileOf(file.Path, manifestPath))
            {
                return file;
            }

            if (ignoringCase is null && ManifestLockFile.IsLockFileOf(file.Path, manifestPath, ignoreCase: true))
            {
                ignoringCase = file;
            }
        }

        return ignoringCase;
    }
}
