using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastBert.Manifest;
using FastBert.Models.Export;
using FastBert.Models.Preparation;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert prepare &lt;manifest&gt; --output &lt;dir&gt; [--offline] [--cache-dir D] [--force] [--json]</c>: what the build runs
/// for each <c>&lt;BertModel&gt;</c>: pull or read → export → quantize → validate → report → model.json, and the lock
/// file beside the manifest. Problems are printed in MSBuild's canonical form (<c>spam.yaml(12,3): error FB0301: …</c>)
/// so the build shows them at the manifest line. Exit 0 ok, 2 a gate failed, 3 input error, 4 network error.
/// </summary>
internal static class PrepareCommand
{

    public static Command Create()
    {
        var manifest = new Argument<FileInfo>("manifest") { Description = "The model manifest (YAML)." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for the prepared model, report.{json,md,html} and model.json (e.g. obj/fastbert/spam).", Required = true };
        var offline = new Option<bool>("--offline") { Description = "Never use the network: Hub models come from the cache (like HF_HUB_OFFLINE=1)." };
        var cacheDir = new Option<DirectoryInfo?>("--cache-dir") { Description = "Hugging Face cache folder (default: HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON summary on stdout." };
        var force = ForceOption.Create("model.json or a prepare report.json");
        var command = new Command("prepare", "Prepare a manifest's model for the build: pull, export, quantize, validate, report, lock.\nExample: fastbert prepare spam.yaml --output obj/fastbert/spam")
        {
            manifest, output, offline, cacheDir, force, json,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetRequiredValue(manifest), parse.GetRequiredValue(output), parse.GetValue(offline), parse.GetValue(cacheDir), parse.GetValue(force), parse.GetValue(json), parse.InvocationConfiguration, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo manifestFile, DirectoryInfo output, bool offline, DirectoryInfo? cacheDir, bool force, bool json, InvocationConfiguration io, CancellationToken cancellation)
    {
        var path = manifestFile.FullName;
        if (!manifestFile.Exists)
        {
            WriteError(io.Output, path, ManifestLocation.Start, ManifestDiagnosticIds.ManifestNotFound, "the manifest does not exist.");
            return ExitCodes.InputError;
        }

        var parsed = ManifestParser.Parse(path, await File.ReadAllTextAsync(path, cancellation), null, new ManifestParseOptions { LabelsOptional = true });
        if (parsed.Manifest is not { } manifest)
        {
            foreach (var diagnostic in parsed.Diagnostics)
            {
                WriteError(io.Output, path, At(diagnostic.Span), diagnostic.Id, diagnostic.Message);
            }

            return ExitCodes.InputError;
        }

        var settings = ToSettings(manifest, output.FullName, offline, cacheDir?.FullName, new Io.ConsoleProgress(io.Error)) with { Force = force };
        PrepareResult result;
        try
        {
            result = await ModelPreparer.PrepareAsync(settings, cancellation);
        }
        catch (PrepareFailureException failure)
        {
            WriteError(io.Output, path, failure.Failure.Location, failure.Failure.Code, failure.Failure.Message);
            return failure.Network ? ExitCodes.NetworkError : ExitCodes.InputError;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Input, network and format errors all land at the manifest, where the build shows them; a refused
            // --output is not the source's fault.
            WriteError(io.Output, path, ex is OutputFolderException ? ManifestLocation.Start : At(manifest.ModelSourceSpan), ManifestDiagnosticIds.PrepareFailed, ex.Message);
            return ex is Models.Hub.HubNetworkException or Models.Hub.HubOfflineException ? ExitCodes.NetworkError : ExitCodes.InputError;
        }

        foreach (var failure in result.Failures)
        {
            WriteError(io.Output, path, failure.Location, failure.Code, failure.Message);
        }

        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(new
            {
                success = result.Success,
                output = result.OutputDirectory,
                report = result.ReportHtml,
                failures = result.Failures.Select(f => new { code = f.Code, message = f.Message, line = f.Location.Line, column = f.Location.Column }),
                lockFile = result.Success ? LockFile.PathFor(path) : null,
            }));
        }
        else if (result.Success)
        {
            io.Output.WriteLine($"Prepared {manifest.ModelName} in {result.OutputDirectory} (report: {result.ReportHtml})");
        }

        return result.Success ? ExitCodes.Success : ExitCodes.ValidationFailed;
    }

    internal static PrepareSettings ToSettings(ClassifierManifest manifest, string output, bool offline, string? cacheDirectory, IProgress<string>? progress)
    {
        var validate = manifest.Validate;
        return new PrepareSettings
        {
            ManifestPath = manifest.Path,
            ModelName = manifest.ModelName,
            Source = manifest.ModelSourceKind == ModelSourceKind.Hub ? manifest.ModelSource : manifest.ResolveModelDirectory()!,
            SourceLocation = At(manifest.ModelSourceSpan),
            OnnxFile = manifest.ModelFile,
            OnnxFileLocation = At(manifest.ModelFileSpan ?? manifest.ModelSourceSpan),
            Labels = manifest.LabelSource == LabelSource.Manifest ? manifest.Labels.Select(l => l.Name).ToList() : null,
            LabelsLocation = At(manifest.LabelsSpan ?? ManifestSpan.DocumentStart),
            MaxTokens = manifest.MaxTokens,
            Lowercase = manifest.Lowercase,
            MultiLabel = manifest.MultiLabel,
            TuneThresholds = manifest.TuneThresholds,
            QuantizeMode = manifest.Quantize.Mode == QuantizationMode.Int8 ? "int8" : "none",
            MaxAccuracyDrop = manifest.Quantize.MaxAccuracyDrop,
            QuantizeLocation = At(manifest.Quantize.ModeSpan ?? manifest.Quantize.Span ?? ManifestSpan.DocumentStart),
            ValidationData = manifest.ResolveValidationData(),
            ValidationDataLocation = At(validate?.Data.Span ?? ManifestSpan.DocumentStart),
            ValidationDataset = validate?.HubDataset is { } dataset
                ? new Models.Hub.HubDatasetSplit(new Models.Hub.HubReference(dataset.RepoId, dataset.Revision, Models.Hub.HubRepositoryKind.Dataset), validate.Config?.Value, validate.Split!.Value)
                : null,
            ValidationDatasetSplitLocation = At(validate?.Split?.Span ?? validate?.Data.Span ?? ManifestSpan.DocumentStart),
            ValidationIndices = manifest.ResolveValidationIndices(),
            ValidationIndicesLocation = At(validate?.Indices?.Span ?? ManifestSpan.DocumentStart),
            TextColumn = validate?.TextColumn?.Value,
            TextPairColumn = validate?.TextPairColumn?.Value,
            LabelColumn = validate?.LabelColumn?.Value,
            MinAccuracy = validate?.MinAccuracy is { } a ? new Gate<double>(a.Value, At(a.Span)) : null,
            MinMacroF1 = validate?.MinMacroF1 is { } f ? new Gate<double>(f.Value, At(f.Span)) : null,
            MaxP95LatencyMs = validate?.MaxP95LatencyMs is { } l ? new Gate<double>(l.Value, At(l.Span)) : null,
            OutputDirectory = output,
            Offline = offline,
            CacheDirectory = cacheDirectory,
            Progress = progress,
        };
    }

    private static ManifestLocation At(ManifestSpan span) => new(span.StartLine + 1, span.StartColumn + 1);

    // MSBuild's canonical error format: the build turns these lines into errors at the manifest position.
    private static void WriteError(TextWriter writer, string path, ManifestLocation location, string code, string message) =>
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}({location.Line},{location.Column}): error {code}: {message.ReplaceLineEndings(" ")}"));
}
