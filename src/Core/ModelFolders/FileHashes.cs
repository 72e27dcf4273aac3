using System.Security.Cryptography;

namespace FastBert.ModelFolders;

/// <summary>sha256 as fastbert records it everywhere (model.json, lock files, caches): lowercase hex.</summary>
public static class FileHashes
{
    /// <summary>The sha256 of a file's bytes.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Sha256(stream);
    }

    /// <summary>The sha256 of a stream read from its current position to its end.</summary>
    public static string Sha256(Stream stream) => ToHex(SHA256.HashData(stream));

    /// <summary>The sha256 of a stream read from its current position to its end.</summary>
    public static async Task<string> Sha256Async(Stream stream, CancellationToken cancellationToken = default) =>
        ToHex(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));

    /// <summary>The sha256 of some bytes.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => ToHex(SHA256.HashData(bytes));

    /// <summary>File name → sha256 of every file directly in <paramref name="folder"/> except <paramref name="exclude"/>, sorted by name.</summary>
    public static SortedDictionary<string, string> OfFolder(string folder, params string[] exclude)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder))
        {
            var name = Path.GetFileName(path);
            if (!exclude.Contains(name, StringComparer.Ordinal))
            {
                files[name] = Sha256(path);
            }
        }

        return files;
    }

    /// <summary>File name → sha256 of those of <paramref name="names"/> present in <paramref name="folder"/>, sorted by name.</summary>
    public static SortedDictionary<string, string> OfFiles(string folder, IEnumerable<string> names)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                files[name] = Sha256(path);
            }
        }

        return files;
    }

    private static string ToHex(byte[] hash) => Convert.ToHexString(hash).ToLowerInvariant();
}
