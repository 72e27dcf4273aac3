using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;
using FastBert.Models.Preparation;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// What the build checks in a model the app will load, so that what would fail at run time fails at the manifest's
/// line: a broken model.onnx or config.json at model.source, labels that disagree with the model at labels.
/// </summary>
internal sealed class ModelChecks(TaskLoggingHelper log)
{
    /// <summary>
    /// Checks the manifest's labels against config.json's id2label and, when the folder has one, model.onnx's output
    /// width. A manifest without labels gets config.json's id2label recorded in its lock file (added to <paramref name="locks"/>).
    /// </summary>
    public bool CheckLabels(ClassifierManifest manifest, string modelDirectory, List<ITaskItem> locks)
    {
        IReadOnlyList<string>? modelLabels;
        int? outputWidth = null;
        try
        {
            modelLabels = TransformerConfig.Load(Path.Combine(modelDirectory, ModelFolder.ConfigFile)).Id2Label;
            if (ModelFolder.FindOnnx(modelDirectory, manifest.ModelFile) is { } onnx)
            {
                outputWidth = OnnxModelSummary.Read(onnx).OutputWidth;
            }
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

    public void LogAtSource(string manifestPath, ManifestSpan span, string code, string message) =>
        log.LogError(null, code, null, manifestPath, span.StartLine + 1, span.StartColumn + 1, span.EndLine + 1, span.EndColumn + 1, message);
}
