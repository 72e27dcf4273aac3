using FastBert.Manifest;
using FastBert.ModelFolders;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// For each <c>&lt;BertModel&gt;</c> manifest, finds its local model and decides what the build does with it. A folder
/// with model.onnx is used as it is: its files are listed, each with the path it gets under the output folder
/// (<c>fastbert/&lt;name&gt;/&lt;file&gt;</c>). Everything else needs preparing, and is listed for the one incremental
/// prepare target (<see cref="PrepareBertModel"/>) with its inputs and its stamp: a Hugging Face checkpoint folder is
/// exported to ONNX (engine <c>export</c>, in the build); a Hub source, quantization or validation gates run
/// <c>fastbert prepare</c> (engine <c>tool</c>). Manifest syntax errors are left to the source generator, which reports
/// them with full positions.
/// </summary>
public sealed class ResolveBertModels : Microsoft.Build.Utilities.Task
{
    /// <summary>Value of the <c>Engine</c> metadata: export a local checkpoint in the build.</summary>
    public const string ExportEngine = "export";

    /// <summary>Value of the <c>Engine</c> metadata: run <c>fastbert prepare</c>.</summary>
    public const string ToolEngine = "tool";

    [Required]
    public ITaskItem[] Manifests { get; set; } = [];

    /// <summary>Where prepared models go, one sub-folder per manifest (e.g. <c>obj/Debug/net10.0/fastbert/</c>).</summary>
    [Required]
    public string IntermediateDirectory { get; set; } = string.Empty;

    /// <summary>Prefix of every file's destination, e.g. <c>fastbert</c>.</summary>
    public string OutputSubdirectory { get; set; } = "fastbert";

    /// <summary>Files of ready model folders (model.onnx given), with Link and ModelName.</summary>
    [Output]
    public ITaskItem[] ModelFiles { get; private set; } = [];

    /// <summary>
    /// Manifests whose model must be prepared, with Engine (<c>export</c> or <c>tool</c>), ModelName, OutputDirectory,
    /// Stamp (model.json), InputFiles, LockFile, RuntimeFiles (where each file the runtime reads would be, to ship those
    /// the preparation wrote) and, for the tool, ToolReason / ToolReasonLine / ToolReasonColumn.
    /// </summary>
    [Output]
    public ITaskItem[] PrepareModels { get; private set; } = [];

    /// <summary>Lock files written for manifests without <c>labels:</c> (config.json's id2label), for the source generator.</summary>
    [Output]
    public ITaskItem[] LockFiles { get; private set; } = [];

    public override bool Execute()
    {
        var files = new List<ITaskItem>();
        var prepare = new List<ITaskItem>();
        var locks = new List<ITaskItem>();
        foreach (var manifestItem in Manifests)
        {
            ResolveOne(manifestItem, files, prepare, locks);
        }

        ModelFiles = files.ToArray();
        PrepareModels = prepare.ToArray();
        LockFiles = locks.ToArray();
        return !Log.HasLoggedErrors;
    }

    /// <summary>
    /// Hub sources, quantization and validation gates run through <c>fastbert prepare</c> (the tool) in its own
    /// process: they need the network or ONNX Runtime's native library, which the build does not load.
    /// </summary>
    public static bool NeedsTool(ClassifierManifest manifest) => ToolReason(manifest) is not null;

    // What makes the manifest need the tool, and where it is written (the position of a missing-tool error).
    private static (string Reason, ManifestSpan Span)? ToolReason(ClassifierManifest manifest)
    {
        if (manifest.ModelSourceKind == ModelSourceKind.Hub)
        {
            return ("model.source is a Hugging Face Hub model", manifest.ModelSourceSpan);
        }

        if (manifest.Quantize.Mode != QuantizationMode.None)
        {
            return ("quantize is set", manifest.Quantize.ModeSpan ?? manifest.Quantize.Span ?? ManifestSpan.DocumentStart);
        }

        return manifest.Validate is { } validate ? ("validate is set", validate.Span) : null;
    }

    // One item per manifest for the prepare target: its inputs and its stamp (model.json, written last by either engine).
    private ITaskItem PrepareItem(ClassifierManifest manifest, string modelName, string engine, IEnumerable<string> inputs)
    {
        var output = Path.Combine(IntermediateDirectory, modelName);
        var item = new TaskItem(manifest.Path);
        item.SetMetadata("Engine", engine);
        item.SetMetadata("ModelName", modelName);
        item.SetMetadata("OutputDirectory", output);
        item.SetMetadata("Stamp", Path.Combine(output, ModelDescription.FileName));
        item.SetMetadata("InputFiles", string.Join(";", inputs.Where(File.Exists).Distinct()));
        item.SetMetadata("LockFile", manifest.LockFilePath);
        item.SetMetadata("RuntimeFiles", string.Join(";", ModelFolder.RuntimeFiles.Select(name => Path.Combine(output, name))));
        return item;
    }

    // Every model file a preparation reads: the shared set plus a named model.file.
    private static IEnumerable<string> ModelInputFiles(ClassifierManifest manifest) =>
        manifest.ModelFile is null ? ModelFolder.AllFiles : ModelFolder.AllFiles.Append(manifest.ModelFile);

    private static IEnumerable<string> LocalFiles(ClassifierManifest manifest, IEnumerable<string> names) =>
        manifest.ResolveModelDirectory() is { } local && Directory.Exists(local)
            ? names.Select(name => Path.Combine(local, name))
            : [];

    private void ResolveOne(ITaskItem manifestItem, List<ITaskItem> files, List<ITaskItem> prepare, List<ITaskItem> locks)
    {
        var manifestPath = manifestItem.GetMetadata("FullPath");
        if (!File.Exists(manifestPath))
        {
            Log.LogError(null, ManifestDiagnosticIds.ManifestNotFound, null, manifestPath, 0, 0, 0, 0, "BertModel manifest '{0}' does not exist. Fix the path in <BertModel Include=\"...\" />.", manifestItem.ItemSpec);
            return;
        }

        var result = ManifestParser.Parse(manifestPath, File.ReadAllText(manifestPath), rootNamespace: null, new ManifestParseOptions { LabelsOptional = true });
        if (result.Manifest is not { } manifest)
        {
            return;
        }

        var modelName = Path.GetFileNameWithoutExtension(manifestPath);
        var checks = new ModelChecks(Log);
        if (ToolReason(manifest) is { } reason)
        {
            // The lock pins the Hub commit, the data and weights decide the gates: all are inputs.
            var inputs = new List<string> { manifest.Path, manifest.LockFilePath };
            inputs.AddRange(new[] { manifest.ResolveValidationData(), manifest.ResolveValidationIndices() }.Where(p => p is not null)!);
            inputs.AddRange(LocalFiles(manifest, ModelInputFiles(manifest)));
            var item = PrepareItem(manifest, modelName, ToolEngine, inputs);
            item.SetMetadata("ToolReason", reason.Reason);
            item.SetMetadata("ToolReasonLine", (reason.Span.StartLine + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            item.SetMetadata("ToolReasonColumn", (reason.Span.StartColumn + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            prepare.Add(item);
            return;
        }

        var sourceDirectory = manifest.ResolveModelDirectory();
        var span = manifest.ModelSourceSpan;
        if (sourceDirectory is null || !Directory.Exists(sourceDirectory))
        {
            checks.LogAtSource(manifestPath, span, ManifestDiagnosticIds.ModelFolderNotFound,
                $"model.source '{manifest.ModelSource}' is not a folder ({sourceDirectory ?? manifest.ModelSource} does not exist). Point it, relative to the manifest, at a folder holding model.onnx, vocab.txt and config.json, or a Hugging Face checkpoint (config.json, model.safetensors or pytorch_model.bin, vocab.txt).");
            return;
        }

        // A checkpoint is exported unless model.file names one of the folder's ONNX files to ship instead.
        if (manifest.ModelFile is null && ModelFolder.Inspect(sourceDirectory).HasFlag(ModelFolderContents.Checkpoint))
        {
            // The lock file is not an input here: the export writes it (labels from config.json), it pins nothing.
            prepare.Add(PrepareItem(manifest, modelName, ExportEngine, LocalFiles(manifest, ModelFolder.CheckpointFiles).Append(manifest.Path)));
            return;
        }

        if (manifest.ModelFile is { } modelFile && ModelFolder.NamedOnnxFileProblem(sourceDirectory, modelFile) is { } onnxProblem)
        {
            checks.LogAtSource(manifestPath, manifest.ModelFileSpan ?? span, ManifestDiagnosticIds.ModelFilesMissing,
                $"model.file: {onnxProblem} Name one of them, or remove model.file to use the default model.");
            return;
        }

        var missing = ModelFolder.MissingRuntimeFiles(sourceDirectory, manifest.ModelFile);
        if (missing.Count > 0)
        {
            checks.LogAtSource(manifestPath, span, ManifestDiagnosticIds.ModelFilesMissing,
                $"model.source '{manifest.ModelSource}' lacks {string.Join(", ", missing)}. A model folder needs model.onnx (or onnx/model.onnx), vocab.txt (or tokenizer.json) and config.json; a checkpoint folder needs config.json, model.safetensors or pytorch_model.bin, and vocab.txt.");
            return;
        }

        if (!checks.CheckLabels(manifest, sourceDirectory, locks))
        {
            return;
        }

        // A named model.file ships as the app's model.onnx, the one the runtime loads by default.
        var onnx = Path.GetRelativePath(sourceDirectory, ModelFolder.FindOnnx(sourceDirectory, manifest.ModelFile)!).Replace('\\', '/');
        foreach (var name in ModelFolder.RuntimeFiles.Where(n => n != ModelFolder.OnnxFile).Prepend(onnx))
        {
            var path = Path.Combine(sourceDirectory, name);
            if (File.Exists(path))
            {
                var item = new TaskItem(path);
                item.SetMetadata("ModelName", modelName);
                item.SetMetadata("Link", Path.Combine(OutputSubdirectory, modelName, manifest.ModelFile is not null && name == onnx ? ModelFolder.OnnxFile : name));
                item.SetMetadata("Manifest", manifestPath);
                files.Add(item);
            }
        }
    }
}
