using FastBert.ModelFolders;
using FastBert.Models.Configuration;
using FastBert.Models.Export;

namespace FastBert.Models.Preparation;

/// <summary>
/// The steps every preparation of a manifest's model takes, whoever runs it: the build exporting a plain local
/// checkpoint in-process (<see cref="PlainModelPreparer"/>) and <c>fastbert prepare</c> (which adds the Hub, the
/// int8 guard and the validation gates around them). One rule each for labels, the model files, model.json's
/// provenance, the lock file and the stamp, so both hosts write the same folder for the same manifest.
/// </summary>
public static class PreparationSteps
{
    /// <summary>
    /// The labels the prepared model answers with: the manifest's, else config.json's id2label. A problem comes back
    /// as a message naming the fix, with whether it belongs at the manifest's labels (they disagree with the model)
    /// or at model.source (there are no labels anywhere).
    /// </summary>
    public static LabelResolution ResolveLabels(string sourceDirectory, IReadOnlyList<string>? manifestLabels)
    {
        var configPath = Path.Combine(sourceDirectory, ModelFolder.ConfigFile);
        var configLabels = File.Exists(configPath) ? TransformerConfig.Load(configPath).Id2Label : null;
        if (manifestLabels is not null)
        {
            return LabelAgreement.Problem(manifestLabels, configLabels, outputWidth: null) is { } problem
                ? new(null, problem, AtLabels: true)
                : new(manifestLabels, null, AtLabels: false);
        }

        return configLabels is not null
            ? new(configLabels, null, AtLabels: false)
            : new(null, $"{configPath} has no id2label and the manifest lists no labels. Write labels: [...] in the manifest.", AtLabels: false);
    }

    /// <summary>
    /// Writes the runnable model into <paramref name="modelFolder"/> (empty, owned by the caller). A named
    /// <paramref name="onnxFile"/> (model.file) is copied as model.onnx; otherwise a checkpoint is exported to ONNX (also
    /// when the folder holds ONNX files beside it: the float32 weights are the source of truth), and a ready folder's
    /// model.onnx or onnx/model.onnx is copied into fastbert's layout.
    /// </summary>
    public static void StageModel(string sourceDirectory, string modelFolder, string? onnxFile = null)
    {
        Directory.CreateDirectory(modelFolder);
        if (onnxFile is null && ModelFolder.Inspect(sourceDirectory).HasFlag(ModelFolderContents.Checkpoint))
        {
            OnnxExporter.ExportInto(Path.GetFullPath(sourceDirectory), modelFolder, new ExportOptions());
            return;
        }

        if (ModelFolder.FindOnnx(sourceDirectory, onnxFile) is { } onnx)
        {
            OutputFiles.CopyWritable(onnx, Path.Combine(modelFolder, ModelFolder.OnnxFile));
        }

        foreach (var name in ModelFolder.RuntimeFiles.Where(name => name != ModelFolder.OnnxFile))
        {
            var from = Path.Combine(sourceDirectory, name);
            if (File.Exists(from))
            {
                OutputFiles.CopyWritable(from, Path.Combine(modelFolder, name));
            }
        }
    }

    /// <summary>
    /// Rewrites model.json with where the prepared model came from and what it passed (a ready ONNX folder from
    /// another exporter gets one here, since model.json is the build's stamp), hashing the final files. A
    /// <paramref name="problem"/> or <paramref name="thresholds"/> (one per label, in label order) given by the
    /// manifest overrides what the export recorded.
    /// </summary>
    public static ModelDescription RecordProvenance(string modelFolder, string source, string? commit, bool quantized, ModelValidation? validation,
        ClassificationProblem? problem = null, IReadOnlyList<float>? thresholds = null)
    {
        var path = Path.Combine(modelFolder, ModelDescription.FileName);
        var description = File.Exists(path)
            ? ModelDescription.Read(path)
            : ModelDescriptions.ForReadyModel(TransformerConfig.Load(Path.Combine(modelFolder, ModelFolder.ConfigFile)), modelFolder);
        description = description with
        {
            Source = source,
            Revision = commit,
            Quantization = quantized ? description.Quantization : null,
            Problem = problem is { } p ? p.Name() : description.Problem,
            Thresholds = thresholds is null
                ? description.Thresholds
                : description.Labels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => (double)thresholds[x.i], StringComparer.Ordinal),
            Validation = validation,
            Files = FileHashes.OfFolder(modelFolder, ModelDescription.FileName),
        };
        description.Write(path);
        return description;
    }

    /// <summary>Moves the staged model files into the output being written.</summary>
    public static void Publish(string modelFolder, string outputDirectory)
    {
        foreach (var file in Directory.GetFiles(modelFolder))
        {
            File.Move(file, Path.Combine(outputDirectory, Path.GetFileName(file)));
        }
    }

    /// <summary>
    /// Makes model.json the newest output, later than the lock file and every other input, so that MSBuild's
    /// Inputs/Outputs check does not repeat a successful preparation. Called after the output is committed.
    /// </summary>
    public static void Stamp(string preparedFolder) =>
        File.SetLastWriteTimeUtc(Path.Combine(preparedFolder, ModelDescription.FileName), DateTime.UtcNow);
}

/// <summary>The labels a preparation uses, or why there are none (<see cref="AtLabels"/>: the manifest's labels are at fault).</summary>
public sealed record LabelResolution(IReadOnlyList<string>? Labels, string? Problem, bool AtLabels);
