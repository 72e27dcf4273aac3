using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Export;

namespace FastBert.Models.Preparation;

/// <summary>What <see cref="PlainModelPreparer"/> prepares: a manifest whose model is a local folder, with no Hub source, quantize or validate.</summary>
public sealed record PlainPreparation
{
    public required string ManifestPath { get; init; }

    /// <summary>model.source as the manifest writes it (recorded in the lock file and model.json).</summary>
    public required string Source { get; init; }

    /// <summary>model.source resolved against the manifest's folder.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>The manifest's labels; null takes config.json's id2label.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public required string OutputDirectory { get; init; }
}

/// <summary>Which manifest key a failed plain preparation is reported at.</summary>
public enum PlainPreparationKey
{
    Source,
    Labels,
}

/// <summary>The outcome: the lock file written, or one failure with its FB code and the manifest key it belongs to.</summary>
public sealed record PlainPreparationResult(LockFile? Lock, string? Code, string? Message, PlainPreparationKey Key)
{
    public bool Succeeded => Lock is not null;
}

/// <summary>
/// Prepares a plain local manifest's model in-process, without ONNX Runtime: the build runs this for a checkpoint
/// folder so that it needs no fastbert tool. It takes <see cref="PreparationSteps"/>' steps in the order
/// <c>fastbert prepare</c> takes them, so the folder, its model.json and the lock file beside the manifest are the
/// ones the tool writes for the same manifest.
/// </summary>
public static class PlainModelPreparer
{
    public static PlainPreparationResult Prepare(PlainPreparation request)
    {
        var resolution = PreparationSteps.ResolveLabels(request.SourceDirectory, request.Labels);
        if (resolution.Labels is not { } labels)
        {
            return resolution.AtLabels
                ? Failure(ManifestDiagnosticIds.LabelMismatch, resolution.Problem!, PlainPreparationKey.Labels)
                : Failure(ManifestDiagnosticIds.ModelUnreadable, resolution.Problem!, PlainPreparationKey.Source);
        }

        var files = FileHashes.OfFiles(request.SourceDirectory, ModelFolder.AllFiles);
        using var output = OutputFolder.Begin(request.OutputDirectory, OutputKind.PreparedModel, [request.SourceDirectory, request.ManifestPath], force: false);
        var modelFolder = Path.Combine(output.ScratchDirectory, "model");
        PreparationSteps.StageModel(request.SourceDirectory, modelFolder);
        PreparationSteps.RecordProvenance(modelFolder, request.Source, commit: null, quantized: false, validation: null);
        PreparationSteps.Publish(modelFolder, output.Directory);

        var lockFile = new LockFile
        {
            Source = request.Source,
            Files = files,
            Labels = labels,
            Quantization = new LockQuantization("none", null, null),
        };
        lockFile.WriteIfChanged(LockFile.PathFor(request.ManifestPath));
        output.Commit();
        PreparationSteps.Stamp(output.Target);
        return new PlainPreparationResult(lockFile, null, null, PlainPreparationKey.Source);
    }

    private static PlainPreparationResult Failure(string code, string message, PlainPreparationKey key) => new(null, code, message, key);
}
