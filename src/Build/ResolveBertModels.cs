using FastBert.Manifest;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// For each <c>&lt;BertModel&gt;</c> manifest, finds its local model folder and lists the files the app needs at run
/// time, each with the path it gets under the output folder (<c>fastbert/&lt;name&gt;/&lt;file&gt;</c>).
/// Manifest syntax errors are left to the source generator, which reports them with full positions.
/// </summary>
public sealed class ResolveBertModels : Microsoft.Build.Utilities.Task
{
    /// <summary>Files a model folder must have for inference.</summary>
    public static readonly string[] RequiredFiles = ["model.onnx", "vocab.txt", "config.json"];

    /// <summary>Files copied when present; nothing else in the folder (weights, notes) is.</summary>
    public static readonly string[] OptionalFiles = ["tokenizer_config.json", "special_tokens_map.json", "tokenizer.json", "model.json"];

    [Required]
    public ITaskItem[] Manifests { get; set; } = [];

    /// <summary>Prefix of every file's destination, e.g. <c>fastbert</c>.</summary>
    public string OutputSubdirectory { get; set; } = "fastbert";

    [Output]
    public ITaskItem[] ModelFiles { get; private set; } = [];

    public override bool Execute()
    {
        var files = new List<ITaskItem>();
        foreach (var manifestItem in Manifests)
        {
            var manifestPath = manifestItem.GetMetadata("FullPath");
            if (!File.Exists(manifestPath))
            {
                Log.LogError(null, "FB0100", null, manifestPath, 0, 0, 0, 0, "BertModel manifest '{0}' does not exist. Fix the path in <BertModel Include=\"...\" />.", manifestItem.ItemSpec);
                continue;
            }

            var result = ManifestParser.Parse(manifestPath, File.ReadAllText(manifestPath), rootNamespace: null);
            if (result.Manifest is not { } manifest || manifest.ModelSource is null)
            {
                continue;
            }

            var modelName = Path.GetFileNameWithoutExtension(manifestPath);
            var sourceDirectory = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(manifestPath)!, manifest.ModelSource));
            var span = manifest.ModelSourceSpan;
            if (!Directory.Exists(sourceDirectory))
            {
                Log.LogError(null, "FB0101", null, manifestPath, span.StartLine + 1, span.StartColumn + 1, span.EndLine + 1, span.EndColumn + 1,
                    "model.source '{0}' is not a folder ({1} does not exist). Point it, relative to the manifest, at a folder holding {2}.",
                    manifest.ModelSource, sourceDirectory, string.Join(", ", RequiredFiles));
                continue;
            }

            var missing = RequiredFiles.Where(f => !File.Exists(Path.Combine(sourceDirectory, f))).ToArray();
            if (missing.Length > 0)
            {
                Log.LogError(null, "FB0102", null, manifestPath, span.StartLine + 1, span.StartColumn + 1, span.EndLine + 1, span.EndColumn + 1,
                    "model.source '{0}' lacks {1}. A model folder needs {2}.",
                    manifest.ModelSource, string.Join(", ", missing), string.Join(", ", RequiredFiles));
                continue;
            }

            foreach (var name in RequiredFiles.Concat(OptionalFiles))
            {
                var path = Path.Combine(sourceDirectory, name);
                if (!File.Exists(path))
                {
                    continue;
                }

                var item = new TaskItem(path);
                item.SetMetadata("ModelName", modelName);
                item.SetMetadata("Link", Path.Combine(OutputSubdirectory, modelName, name));
                item.SetMetadata("Manifest", manifestPath);
                files.Add(item);
            }
        }

        ModelFiles = files.ToArray();
        return !Log.HasLoggedErrors;
    }
}
