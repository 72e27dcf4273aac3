namespace FastBert.Manifest;

/// <summary>Path helpers shared by the build task and the tool (the source generator never touches the file system).</summary>
public static class ManifestPaths
{
    /// <summary>Prefix of Hugging Face Hub sources (<c>hf:org/name@revision</c>), which are not local paths.</summary>
    public const string HubPrefix = "hf:";

    /// <summary>
    /// Resolves a manifest's model.source to an absolute path: relative sources are relative to the manifest's
    /// directory; both '/' and '\' separate folders; a trailing separator is dropped.
    /// </summary>
    /// <param name="manifestPath">The manifest file (absolute, or relative to the current directory).</param>
    /// <param name="modelSource">model.source as written.</param>
    /// <returns>The absolute path, or <see langword="null"/> when the source is empty or not a local path (<c>hf:</c>).</returns>
    public static string? ResolveModelSource(string manifestPath, string modelSource)
    {
        if (manifestPath is null)
        {
            throw new ArgumentNullException(nameof(manifestPath));
        }

        if (string.IsNullOrWhiteSpace(modelSource) || IsHubSource(modelSource))
        {
            return null;
        }

        return ResolveRelative(manifestPath, modelSource);
    }

    /// <summary>
    /// Resolves a path written in a manifest (model.source, validate.data, validate.indices) to an absolute path:
    /// relative paths are relative to the manifest's directory; both '/' and '\' separate folders; a trailing separator
    /// is dropped.
    /// </summary>
    /// <param name="manifestPath">The manifest file (absolute, or relative to the current directory).</param>
    /// <param name="relativePath">The path as written.</param>
    /// <returns>The absolute path, or <see langword="null"/> when <paramref name="relativePath"/> is empty.</returns>
    public static string? ResolveRelative(string manifestPath, string relativePath)
    {
        if (manifestPath is null)
        {
            throw new ArgumentNullException(nameof(manifestPath));
        }

        if (string.IsNullOrWhiteSpace(relativePath))
        {
            return null;
        }

        var source = NormalizeSeparators(relativePath.Trim());
        var manifestDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(NormalizeSeparators(manifestPath)))
            ?? string.Empty;
        var combined = System.IO.Path.IsPathRooted(source) ? source : System.IO.Path.Combine(manifestDirectory, source);
        var full = System.IO.Path.GetFullPath(combined);
        var root = System.IO.Path.GetPathRoot(full) ?? string.Empty;
        return full.Length > root.Length ? full.TrimEnd(System.IO.Path.DirectorySeparatorChar) : full;
    }

    /// <summary>True when <paramref name="modelSource"/> names a Hugging Face Hub model rather than a local path.</summary>
    public static bool IsHubSource(string modelSource) =>
        modelSource is not null && modelSource.TrimStart().StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>An example of model.file: the int8 variant of the Optimum / transformers.js layout.</summary>
    public const string ModelFileExample = "onnx/model_quantized.onnx";

    /// <summary>
    /// Why <paramref name="modelFile"/> cannot be model.file (an .onnx file inside the model folder, written with '/'),
    /// or <see langword="null"/> when it can. The same rules as the runtime's and the tool's <c>--model-file</c>.
    /// </summary>
    public static string? InvalidModelFileReason(string modelFile)
    {
        if (string.IsNullOrWhiteSpace(modelFile) || modelFile.IndexOf('\\') >= 0 || modelFile.StartsWith("/", StringComparison.Ordinal)
            || (modelFile.Length > 1 && modelFile[1] == ':')
            || modelFile.Split('/').Any(segment => segment.Length == 0 || segment == "." || segment == ".." || segment.Any(char.IsControl)))
        {
            return "it is not a relative path inside the model folder";
        }

        return modelFile.EndsWith(".onnx", StringComparison.Ordinal) ? null : "it is not an .onnx file";
    }

    private static string NormalizeSeparators(string path) =>
        path.Replace('\\', System.IO.Path.DirectorySeparatorChar).Replace('/', System.IO.Path.DirectorySeparatorChar);
}
