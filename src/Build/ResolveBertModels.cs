using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Models.Preparation;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// For each <c>&lt;BertModel&gt;</c> manifest, finds its local model and lists the files the app needs at run time,
/// each with the path it gets under the output folder (<c>fastbert/&lt;name&gt;/&lt;file&gt;</c>).
/// A folder with model.onnx is used as it is; a Hugging Face checkpoint folder (config.json + model.safetensors or
/// pytorch_model.bin + vocab.txt) is exported to ONNX into the intermediate folder, again only when its inputs
/// changed. Manifest syntax errors are left to the source generator, which reports them with full positions.
/// </summary>
public sealed class ResolveBertModels : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Manifests { get; set; } = [];

    /// <summary>Where exported models go, one sub-folder per manifest (e.g. <c>obj/Debug/net10.0/fastbert/</c>).</summary>
    [Required]
    public string IntermediateDirectory { get; set; } = string.Empty;

    /// <summary>Prefix of every file's destination, e.g. <c>fastbert</c>.</summary>
    public string OutputSubdirectory { get; set; } = "fastbert";

    [Output]
    public ITaskItem[] ModelFiles { get; private set; } = [];

    /// <summary>Manifests that need <c>fastbert prepare</c> (hub source, quantize or validate), with OutputDirectory, Stamp and InputFiles.</summary>
    [Output]
    public ITaskItem[] PrepareModels { get; private set; } = [];

    /// <summary>Manifests whose model was exported by this run (for logs and tests).</summary>
    [Output]
    public ITaskItem[] ExportedModels { get; private set; } = [];

    /// <summary>Lock files written for manifests without <c>labels:</c> (config.json's id2label), for the source generator.</summary>
    [Output]
    public ITaskItem[] LockFiles { get; private set; } = [];

    public override bool Execute()
    {
        var files = new List<ITaskItem>();
        var exported = new List<ITaskItem>();
        var prepare = new List<ITaskItem>();
        var locks = new List<ITaskItem>();
        foreach (var manifestItem in Manifests)
        {
            try
            {
                ResolveOne(manifestItem, files, exported, prepare, locks);
            }
            catch (Exception ex) when (IsModelError(ex))
            {
                Log.LogError(null, ManifestDiagnosticIds.ModelUnreadable, null, manifestItem.GetMetadata("FullPath"), 0, 0, 0, 0, "model export failed: {0}", ex.Message);
            }
        }

        ModelFiles = files.ToArray();
        ExportedModels = exported.ToArray();
        PrepareModels = prepare.ToArray();
        LockFiles = locks.ToArray();
        return !Log.HasLoggedErrors;
    }

    private static bool IsModelError(Exception ex) =>
        ex is ExportException or CheckpointFormatException or CheckpointSecurityException or ConfigException or InvalidDataException or IOException or UnauthorizedAccessException;

    /// <summary>
    /// Hub sources, quantization and validation gates run through <c>fastbert prepare</c> (the tool) in its own
    /// process; a plain local model is handled here.
    /// </summary>
    public static bool NeedsPrepare(ClassifierManifest manifest) =>
        manifest.ModelSourceKind == ModelSourceKind.Hub || manifest.Quantize.Mode != QuantizationMode.None || manifest.Validate is not null;

    // One item per manifest for the prepare target: its inputs (manifest, lock, data, local weights) and its stamp.
    private ITaskItem PrepareItem(ClassifierManifest manifest, string modelName)
    {
        var output = Path.Combine(IntermediateDirectory, modelName);
        var inputs = new List<string> { manifest.Path, manifest.LockFilePath };
        inputs.AddRange(new[] { manifest.ResolveValidationData(), manifest.ResolveValidationIndices() }.Where(p => p is not null)!);
        if (manifest.ResolveModelDirectory() is { } local && Directory.Exists(local))
        {
            inputs.AddRange(ModelFolder.AllFiles
                .Select(name => Path.Combine(local, name))
                .Where(File.Exists));
        }

        var item = new TaskItem(manifest.Path);
        item.SetMetadata("ModelName", modelName);
        item.SetMetadata("OutputDirectory", output);
        item.SetMetadata("Stamp", Path.Combine(output, ModelDescription.FileName));
        item.SetMetadata("InputFiles", string.Join(";", inputs.Where(File.Exists)));
        item.SetMetadata("LockFile", manifest.LockFilePath);
        return item;
    }

    private void ResolveOne(ITaskItem manifestItem, List<ITaskItem> files, List<ITaskItem> exported, List<ITaskItem> prepare, List<ITaskItem> locks)
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
        if (NeedsPrepare(manifest))
        {
            prepare.Add(PrepareItem(manifest, modelName));
            return;
        }

        var sourceDirectory = manifest.ResolveModelDirectory();
        var span = manifest.ModelSourceSpan;
        if (sourceDirectory is null || !Directory.Exists(sourceDirectory))
        {
            LogAtSource(manifestPath, span, ManifestDiagnosticIds.ModelFolderNotFound,
                $"model.source '{manifest.ModelSource}' is not a folder ({sourceDirectory ?? manifest.ModelSource} does not exist). Point it, relative to the manifest, at a folder holding model.onnx, vocab.txt and config.json, or a Hugging Face checkpoint (config.json, model.safetensors or pytorch_model.bin, vocab.txt).");
            return;
        }

        var modelDirectory = sourceDirectory;
        if (ModelFolder.Inspect(sourceDirectory) == ModelFolderContents.Checkpoint)
        {
            modelDirectory = Path.Combine(IntermediateDirectory, modelName);
            try
            {
                if (ExportIfStale(manifestPath, sourceDirectory, modelDirectory))
                {
                    exported.Add(new TaskItem(manifestPath));
                }
            }
            catch (Exception ex) when (IsModelError(ex))
            {
                LogAtSource(manifestPath, span, ManifestDiagnosticIds.ModelUnreadable, $"model.source '{manifest.ModelSource}' could not be exported: {ex.Message}");
                return;
            }
        }

        var missing = ModelFolder.Missing(modelDirectory, ModelFolder.RequiredRuntimeFiles);
        if (missing.Count > 0)
        {
            LogAtSource(manifestPath, span, ManifestDiagnosticIds.ModelFilesMissing,
                $"model.source '{manifest.ModelSource}' lacks {string.Join(", ", missing)}. A model folder needs {string.Join(", ", ModelFolder.RequiredRuntimeFiles)}; a checkpoint folder needs config.json, model.safetensors or pytorch_model.bin, and vocab.txt.");
            return;
        }

        if (!CheckLabels(manifest, modelDirectory, locks))
        {
            return;
        }

        foreach (var name in ModelFolder.RuntimeFiles)
        {
            var path = Path.Combine(modelDirectory, name);
            if (File.Exists(path))
            {
                var item = new TaskItem(path);
                item.SetMetadata("ModelName", modelName);
                item.SetMetadata("Link", Path.Combine(OutputSubdirectory, modelName, name));
                item.SetMetadata("Manifest", manifestPath);
                files.Add(item);
            }
        }
    }

    // The build reads the model the app will load, so what would fail at run time fails here, at the manifest's line:
    // a broken model.onnx or config.json at model.source, labels that disagree with the model at labels.
    private bool CheckLabels(ClassifierManifest manifest, string modelDirectory, List<ITaskItem> locks)
    {
        IReadOnlyList<string>? modelLabels;
        int? outputWidth;
        try
        {
            modelLabels = TransformerConfig.Load(Path.Combine(modelDirectory, ModelFolder.ConfigFile)).Id2Label;
            outputWidth = OnnxModelSummary.Read(Path.Combine(modelDirectory, ModelFolder.OnnxFile)).OutputWidth;
        }
        catch (Exception ex) when (ex is ConfigException or InvalidDataException or IOException)
        {
            LogAtSource(manifest.Path, manifest.ModelSourceSpan, ManifestDiagnosticIds.ModelUnreadable, $"model.source '{manifest.ModelSource}': {ex.Message}");
            return false;
        }

        if (LabelAgreement.ModelProblem(modelLabels, outputWidth) is { } modelProblem)
        {
            LogAtSource(manifest.Path, manifest.ModelSourceSpan, ManifestDiagnosticIds.ModelUnreadable, $"model.source '{manifest.ModelSource}': {modelProblem} Fix id2label in config.json.");
            return false;
        }

        if (manifest.LabelSource == LabelSource.Missing)
        {
            // No labels: in the manifest: the lock file beside it records config.json's id2label for the generator
            // (without id2label the generator reports FB0004 and asks for labels).
            if (modelLabels is not null)
            {
                locks.Add(new TaskItem(RecordLabels(manifest, modelLabels)));
            }

            return true;
        }

        if (LabelAgreement.Problem(manifest.Labels.Select(l => l.Name).ToList(), modelLabels, outputWidth) is { } problem)
        {
            LogAtSource(manifest.Path, manifest.LabelsSpan ?? manifest.ModelSourceSpan, ManifestDiagnosticIds.LabelMismatch, problem);
            return false;
        }

        return true;
    }

    private static string RecordLabels(ClassifierManifest manifest, IReadOnlyList<string> modelLabels)
    {
        var path = manifest.LockFilePath;
        var existing = LockFile.TryRead(path);
        if (existing is not null && existing.Source == manifest.ModelSource && existing.Labels.SequenceEqual(modelLabels, StringComparer.Ordinal))
        {
            return path;
        }

        new LockFile
        {
            Source = manifest.ModelSource,
            Files = FileHashes.OfFiles(manifest.ResolveModelDirectory()!, ModelFolder.AllFiles),
            Labels = modelLabels,
            Quantization = new LockQuantization("none", null, null),
        }.WriteIfChanged(path);
        return path;
    }

    // model.json is the stamp: newer than every input means the export is up to date.
    private bool ExportIfStale(string manifestPath, string checkpointDirectory, string outputDirectory)
    {
        var stamp = Path.Combine(outputDirectory, ModelDescription.FileName);
        var inputs = ModelFolder.CheckpointFiles
            .Select(name => Path.Combine(checkpointDirectory, name))
            .Where(File.Exists)
            .Append(manifestPath)
            .ToList();
        if (File.Exists(stamp))
        {
            var stampTime = File.GetLastWriteTimeUtc(stamp);
            if (inputs.All(input => File.GetLastWriteTimeUtc(input) <= stampTime))
            {
                Log.LogMessage(MessageImportance.Low, "fastbert: {0} is up to date.", outputDirectory);
                return false;
            }
        }

        Log.LogMessage(MessageImportance.High, "fastbert: exporting {0} to ONNX in {1}", checkpointDirectory, outputDirectory);
        var result = OnnxExporter.Export(checkpointDirectory, outputDirectory);
        Log.LogMessage(MessageImportance.High, "fastbert: exported {0} ({1} labels) in {2} s", result.Model.Architecture, result.Model.Labels.Count, result.Elapsed.TotalSeconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    private void LogAtSource(string manifestPath, ManifestSpan span, string code, string message) =>
        Log.LogError(null, code, null, manifestPath, span.StartLine + 1, span.StartColumn + 1, span.EndLine + 1, span.EndColumn + 1, message);
}
