using System.Text;
using FastBert.ModelFolders;
using FastBert.Models.Onnx;

namespace FastBert.Models.Export;

/// <summary>
/// Exports of checkpoint folders, cached under a key that is the sha256 of the checkpoint's files, so commands that
/// take a checkpoint folder (e.g. <c>fastbert predict</c>) export it once.
/// </summary>
public static class ExportCache
{
    /// <summary>Environment variable that overrides the cache folder.</summary>
    public const string CacheVariable = "FASTBERT_CACHE";

    public static string DefaultRoot
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(CacheVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.GetFullPath(configured);
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDirectory = !string.IsNullOrWhiteSpace(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDirectory, "fastbert");
        }
    }

    /// <summary>
    /// A folder ONNX Runtime can load for <paramref name="directory"/>: the folder itself when it holds model.onnx,
    /// else the cached export of the checkpoint (exported now if missing).
    /// </summary>
    public static string ResolveRunnableModel(string directory, string? cacheRoot = null, IProgress<string>? progress = null)
    {
        var full = Path.GetFullPath(directory);
        if (ModelFolder.Inspect(full) != ModelFolderContents.Checkpoint)
        {
            if (ModelFolder.FindWeights(full) is { } weights && ModelFolder.FindOnnx(full) is null)
            {
                throw new ExportException($"{Path.Combine(full, ModelFolder.ConfigFile)} not found: the folder holds {Path.GetFileName(weights)} but no config.json, so it can be neither run nor exported. Copy the config.json saved with these weights next to them.");
            }

            return full;
        }

        var key = CheckpointKey(full);
        var cached = Path.Combine(cacheRoot ?? DefaultRoot, "exports", key);
        if (File.Exists(Path.Combine(cached, ModelDescription.FileName)))
        {
            return cached;
        }

        progress?.Report($"Exporting {full} to ONNX (cached in {cached})");
        try
        {
            OnnxExporter.Export(full, cached, new ExportOptions { Progress = progress, HubLayout = false });
        }
        catch (IOException) when (File.Exists(Path.Combine(cached, ModelDescription.FileName)))
        {
            // Another process exported the same checkpoint at the same moment: its result is equally good.
        }

        return cached;
    }

    /// <summary>sha256 over the names and sha256s of the files an export reads, and the exporter's version.</summary>
    public static string CheckpointKey(string directory)
    {
        var key = new StringBuilder();
        foreach (var (name, sha256) in FileHashes.OfFiles(directory, ModelFolder.CheckpointFiles))
        {
            key.Append(name).Append(' ').Append(sha256).Append('\n');
        }

        // The exporter's own version is part of the key: a new exporter never serves an old export.
        key.Append(typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
        return FileHashes.Sha256(Encoding.UTF8.GetBytes(key.ToString()));
    }
}
