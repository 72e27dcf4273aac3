using System.Globalization;
using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Benchmarking;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Hub;
using FastBert.Models.Metrics;
using FastBert.Models.Quantization;
using FastBert.Models.Reports;

namespace FastBert.Models.Preparation;

/// <summary>
/// The build-time pipeline behind <c>&lt;BertModel&gt;</c>: pull (Hub) or read (local) → export → quantize →
/// validate → report → model.json, plus the lock file beside the manifest. The prepared folder is written through an
/// <see cref="OutputFolder"/>; model.json (the MSBuild stamp) exists only when every gate passed.
/// </summary>
public static class ModelPreparer
{
    public static async Task<PrepareResult> PrepareAsync(PrepareSettings settings, CancellationToken cancellation = default)
    {
        var progress = settings.Progress;
        var lockPath = LockFile.PathFor(settings.ManifestPath);
        var existingLock = LockFile.TryRead(lockPath);
        var failures = new List<PrepareFailure>();

        // 1. Source: a Hub snapshot (pinned by the lock when there is one) or a local folder.
        string sourceDirectory;
        string? commit = null;
        if (HubReference.IsHubReference(settings.Source))
        {
            var reference = HubReference.Parse(settings.Source);
            var pinned = existingLock is not null && existingLock.Source == settings.Source ? existingLock.ResolvedCommit : null;
            using var client = new HubClient(new HubOptions { Offline = settings.Offline ? true : null, CacheDirectory = settings.CacheDirectory });
            progress?.Report($"Pulling {reference}{(pinned is null ? string.Empty : $" at locked commit {pinned[..12]}")}");
            // A named model.file is pulled alone (with config.json and the tokenizer files), no other model file.
            var snapshot = settings.OnnxFile is null
                ? await client.PullAsync(reference, null, pinned, null, cancellation).ConfigureAwait(false)
                : await client.PullModelAsync(reference, settings.OnnxFile, pinned, null, cancellation).ConfigureAwait(false);
            sourceDirectory = snapshot.Directory;
            commit = snapshot.Commit;
        }
        else
        {
            sourceDirectory = settings.Source;
            if (!Directory.Exists(sourceDirectory))
            {
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.ModelFolderNotFound, $"model.source '{settings.Source}' is not a folder.", settings.SourceLocation));
            }
        }

        if (settings.OnnxFile is { } onnxFile && ModelFolder.NamedOnnxFileProblem(sourceDirectory, onnxFile) is { } onnxProblem)
        {
            return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.ModelFilesMissing,
                $"model.file: {onnxProblem} Name one of them, or remove model.file to use the default model.", settings.OnnxFileLocation));
        }

        var files = FileHashes.OfFiles(sourceDirectory, settings.OnnxFile is null ? ModelFolder.AllFiles : [.. ModelFolder.AllFiles, settings.OnnxFile]);
        if (existingLock is not null && existingLock.Source == settings.Source && commit is not null)
        {
            foreach (var (name, hash) in existingLock.Files)
            {
                if (files.TryGetValue(name, out var actual) && actual != hash)
                {
                    return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.LockMismatch,
                        $"{name} of {settings.Source} has sha256 {actual[..12]}… but {Path.GetFileName(lockPath)} locks {hash[..12]}…. The files changed under the locked commit; delete the lock file to accept the new files.",
                        settings.SourceLocation));
                }
            }
        }

        // 2. Labels: the manifest's, else the checkpoint's id2label; the manifest's must fit the model.
        var contents = ModelFolder.Inspect(sourceDirectory);
        var resolution = PreparationSteps.ResolveLabels(sourceDirectory, settings.Labels);
        if (resolution.Labels is not { } labels)
        {
            return Fail(settings, resolution.AtLabels
                ? new PrepareFailure(ManifestDiagnosticIds.LabelMismatch, resolution.Problem!, settings.LabelsLocation)
                : new PrepareFailure(ManifestDiagnosticIds.ModelUnreadable, resolution.Problem!, settings.SourceLocation));
        }

        // 3. Validation data (needed by the quantization guard too), reported at validate.data / validate.indices:
        //    a local file, or a Hub dataset split pinned in the lock file.
        LabelledDataset? dataset = null;
        LockDataset? datasetPin = null;
        var readOptions = new DataReadOptions { TextColumn = settings.TextColumn, TextPairColumn = settings.TextPairColumn, LabelColumn = settings.LabelColumn, MultiLabel = settings.MultiLabel };
        if (settings.ValidationDataset is { } split)
        {
            (var snapshot, datasetPin) = await ValidationDatasetPuller.PullAsync(settings, split, existingLock, lockPath, cancellation).ConfigureAwait(false);
            try
            {
                dataset = await ParquetDataReader.ReadAsync(snapshot.Files.Select(f => f.Path).ToList(), snapshot.DisplayName, readOptions, labels, null, cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DataFormatException or IOException or UnauthorizedAccessException)
            {
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.ValidationDataUnreadable, $"validate.data {split.Dataset}: {ex.Message}", settings.ValidationDataLocation));
            }
        }
        else if (settings.ValidationData is { } dataPath)
        {
            try
            {
                dataset = LabelledDataReader.Read(dataPath, readOptions, labels);
            }
            catch (Exception ex) when (ex is DataFormatException or IOException or UnauthorizedAccessException)
            {
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.ValidationDataUnreadable, DataProblem("validate.data", dataPath, ex), settings.ValidationDataLocation));
            }
        }

        if (dataset is not null)
        {
            if (settings.ValidationIndices is { } indices)
            {
                try
                {
                    dataset = dataset.Select(LabelledDataReader.ReadIndices(indices));
                }
                catch (Exception ex) when (ex is DataFormatException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.ValidationDataUnreadable, DataProblem("validate.indices", indices, ex), settings.ValidationIndicesLocation));
                }
            }
        }

        using var output = OutputFolder.Begin(settings.OutputDirectory, OutputKind.PreparedModel,
            [sourceDirectory, settings.ManifestPath, settings.ValidationData, settings.ValidationIndices], settings.Force);
        var modelFolder = Path.Combine(output.ScratchDirectory, "model");
        Directory.CreateDirectory(modelFolder);

        // 4. Export, or quantize (which exports and guards itself). Tuned thresholds come from the fp32 model, so the
        //    int8 guard decides with the thresholds the app will run with.
        QuantizationSummary? quantization = null;
        float[]? thresholds = null;
        if (settings.QuantizeMode == "int8")
        {
            // A named ONNX file is shipped as it is: quantizing it again (or quantizing the checkpoint instead of it)
            // would not ship what the manifest names.
            if (settings.OnnxFile is not null)
            {
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.PrepareFailed,
                    $"quantize.mode int8 quantizes the checkpoint's float32 weights, but model.file names the ready ONNX file {settings.OnnxFile}, which is shipped as it is. Use quantize mode: none to ship it (name an int8 variant such as {ModelFolder.QuantizedOnnxLayoutFile} for a quantized model), or remove model.file to quantize from the checkpoint.",
                    settings.QuantizeLocation));
            }

            // A folder with both a checkpoint and ONNX files quantizes from the checkpoint's float32 weights.
            if (!contents.HasFlag(ModelFolderContents.Checkpoint))
            {
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.PrepareFailed,
                    $"quantize.mode int8 needs the checkpoint's float32 weights, but {sourceDirectory} holds only a ready model.onnx. Point model.source at the Hugging Face checkpoint (config.json + model.safetensors or pytorch_model.bin), or use mode: none.",
                    settings.QuantizeLocation));
            }

            var checkpointDirectory = Int8Quantizer.ResolveCheckpoint(sourceDirectory);
            var configProblem = TransformerConfig.Load(Path.Combine(checkpointDirectory, ModelFolder.ConfigFile)).Problem;
            if (settings.MultiLabel != (configProblem == ClassificationProblem.MultiLabel))
            {
                var problem = settings.MultiLabel ? ClassificationProblem.MultiLabel : ClassificationProblem.SingleLabel;
                return Fail(settings, new PrepareFailure(ManifestDiagnosticIds.PrepareFailed,
                    $"the manifest says problem: {problem.Name()} but {Path.Combine(checkpointDirectory, ModelFolder.ConfigFile)} says problem_type {configProblem.ConfigName()}; int8 quantization guards the model config.json describes. Make them agree (problem_type {problem.ConfigName()} in config.json, or the manifest's problem).",
                    settings.QuantizeLocation));
            }

            if (settings.TuneThresholds && dataset is not null)
            {
                var fp32Folder = Path.Combine(output.ScratchDirectory, "fp32-thresholds");
                Directory.CreateDirectory(fp32Folder);
                progress?.Report("Exporting fp32 to tune thresholds");
                OnnxExporter.ExportInto(checkpointDirectory, fp32Folder, new ExportOptions());
                thresholds = TuneThresholds(settings, fp32Folder, dataset);
                Directory.Delete(fp32Folder, recursive: true);
            }

            var request = new QuantizeRequest
            {
                Source = sourceDirectory,
                OutputDirectory = modelFolder,
                Examples = settings.MultiLabel ? null : dataset?.Examples.Select(e => (e.Text, e.Label)).ToList(),
                MultiLabelExamples = settings.MultiLabel ? dataset?.Examples.Select(e => (e.Text, e.LabelSet)).ToList() : null,
                TextPairs = dataset?.TextPairs,
                Thresholds = thresholds,
                MaxAccuracyDrop = settings.MaxAccuracyDrop,
                Run = settings.Run,
                Progress = progress,
            };
            var quantized = Int8Quantizer.QuantizeInto(request, checkpointDirectory, modelFolder, output.ScratchDirectory);
            quantization = quantized.Summary;
            if (!quantized.Accepted)
            {
                failures.Add(new PrepareFailure(ManifestDiagnosticIds.QuantizationRefused, $"int8 quantization refused: {quantized.Summary.Reason}", settings.QuantizeLocation));
            }
        }
        else
        {
            progress?.Report(settings.OnnxFile is null && contents.HasFlag(ModelFolderContents.Checkpoint)
                ? $"Exporting {sourceDirectory} to ONNX"
                : $"Copying the ready model {settings.OnnxFile ?? "model.onnx"} from {sourceDirectory}");
            PreparationSteps.StageModel(sourceDirectory, modelFolder, settings.OnnxFile);
        }

        if (settings.TuneThresholds && dataset is not null && thresholds is null && failures.Count == 0)
        {
            thresholds = TuneThresholds(settings, modelFolder, dataset);
        }

        // 5. Validate and report: the report always, the model files (with model.json, the stamp) only when every gate passed.
        var report = failures.Count == 0 && dataset is not null
            ? Validate(settings, modelFolder, dataset, quantization, thresholds, failures)
            : new Report { Kind = "prepare", CreatedUtc = DateTimeOffset.UtcNow, Command = Command(settings), Machine = MachineDescription.Current(), Quantization = quantization };
        File.WriteAllText(Path.Combine(output.Directory, ReportRenderer.JsonFileName), report.ToJson() + "\n");
        File.WriteAllText(Path.Combine(output.Directory, ReportRenderer.MarkdownFileName), MarkdownReportWriter.Write([report]));
        File.WriteAllText(Path.Combine(output.Directory, ReportRenderer.HtmlFileName), HtmlReportWriter.Write([report]));
        var validation = ValidationFigures(report);
        ModelDescription? description = null;
        if (failures.Count == 0)
        {
            description = PreparationSteps.RecordProvenance(modelFolder, settings.Source, commit, quantized: settings.QuantizeMode == "int8", validation,
                problem: settings.MultiLabel ? ClassificationProblem.MultiLabel : null, thresholds);
            description = RuntimeGraph.Write(modelFolder, progress) ?? description;
            PreparationSteps.Publish(modelFolder, output.Directory);
        }

        // The lock is an MSBuild input: it is written first, and the stamp (model.json) touched last, so that a
        // successful prepare is not repeated by the next build.
        LockFile? lockFile = null;
        if (failures.Count == 0)
        {
            lockFile = new LockFile
            {
                Source = settings.Source,
                ResolvedCommit = commit,
                Files = files,
                Labels = labels,
                Problem = settings.MultiLabel ? ClassificationProblem.MultiLabel.Name() : null,
                Thresholds = settings.MultiLabel ? description!.Thresholds ?? labels.ToDictionary(l => l, _ => (double)ClassificationProblems.DefaultThreshold, StringComparer.Ordinal) : null,
                Quantization = new LockQuantization(settings.QuantizeMode, settings.QuantizeMode == "int8" ? settings.MaxAccuracyDrop : null, quantization?.KeptFp32),
                Validation = validation is null ? null : new LockValidation(validation.Data, validation.Examples, validation.Accuracy, validation.MacroF1) { MicroF1 = validation.MicroF1 },
                Dataset = datasetPin,
            };
            lockFile.WriteIfChanged(lockPath);
        }

        output.Commit();
        var reportHtml = Path.Combine(output.Target, ReportRenderer.HtmlFileName);
        if (failures.Count > 0)
        {
            return new PrepareResult(false, output.Target, failures, reportHtml, null);
        }

        PreparationSteps.Stamp(output.Target);
        return new PrepareResult(true, output.Target, [], reportHtml, lockFile);
    }

    // Per label, the F1-best threshold of the fp32 model in folder on the validation data.
    private static float[] TuneThresholds(PrepareSettings settings, string folder, LabelledDataset dataset)
    {
        settings.Progress?.Report($"Tuning per-label thresholds on {dataset.Count} examples from {dataset.Path}");
        var options = settings.Run.ToModelOptions();
        options.Problem = ClassificationProblem.MultiLabel;
        using var model = BertModel.Load(folder, options);
        var probabilities = ModelEvaluator.Classify(model, dataset.Texts, dataset.TextPairs).Select(r => r.Probabilities).ToList();
        return ThresholdTuner.Tune(dataset.LabelSets, probabilities, model.Info.LabelNames.Count);
    }

    private static Report Validate(PrepareSettings settings, string modelFolder, LabelledDataset dataset, QuantizationSummary? quantization, float[]? thresholds, List<PrepareFailure> failures)
    {
        settings.Progress?.Report($"Validating on {dataset.Count} examples from {dataset.Path}");
        var options = settings.Run.ToModelOptions();
        if (settings.MultiLabel)
        {
            options.Problem = ClassificationProblem.MultiLabel;
            options.Thresholds = thresholds;
        }

        using var model = BertModel.Load(modelFolder, options);
        var modelRef = new ModelRef(settings.ModelName, settings.OutputDirectory, new FileInfo(model.Info.ModelFile).Length, Quantization: settings.QuantizeMode);
        var data = new DataRef(dataset.Path, dataset.Count);
        var benchmarks = new List<BenchmarkResult>();
        var c = CultureInfo.InvariantCulture;
        var see = $" — see {Path.Combine(settings.OutputDirectory, ReportRenderer.HtmlFileName)}";

        // Multi-label: validate.minAccuracy gates micro F1 (over every (text, label) decision), minMacroF1 the per-label mean.
        Evaluation? evaluation = null;
        MultiLabelEvaluation? multiLabel = null;
        double accuracy, macroF1;
        string accuracyName;
        if (settings.MultiLabel)
        {
            var metrics = MultiLabelModelEvaluator.Evaluate(model, dataset.Texts, dataset.LabelSets, textPairs: dataset.TextPairs).Metrics;
            multiLabel = new MultiLabelEvaluation(modelRef, data, metrics);
            (accuracy, macroF1, accuracyName) = (metrics.Micro.F1, metrics.Macro.F1, "micro F1");
        }
        else
        {
            var metrics = ModelEvaluator.Evaluate(model, dataset.Texts, dataset.Labels, dataset.TextPairs).Metrics;
            evaluation = new Evaluation(modelRef, data, metrics);
            (accuracy, macroF1, accuracyName) = (metrics.Accuracy, metrics.Macro.F1, "accuracy");
        }

        if (settings.MinAccuracy is { } minAccuracy && accuracy < minAccuracy.Threshold)
        {
            failures.Add(new PrepareFailure(ManifestDiagnosticIds.AccuracyGate, string.Create(c, $"{accuracyName} {accuracy:0.0000} is below validate.minAccuracy {minAccuracy.Threshold}{see}"), minAccuracy.Location));
        }

        if (settings.MinMacroF1 is { } minF1 && macroF1 < minF1.Threshold)
        {
            failures.Add(new PrepareFailure(ManifestDiagnosticIds.MacroF1Gate, string.Create(c, $"macro F1 {macroF1:0.0000} is below validate.minMacroF1 {minF1.Threshold}{see}"), minF1.Location));
        }

        if (settings.MaxP95LatencyMs is { } maxP95)
        {
            var benchmark = LatencyBenchmark.Run(settings.ModelName, modelFolder, new BenchmarkSettings
            {
                BatchSizes = [1],
                Texts = dataset.Texts,
                Warmup = 10,
                Iterations = Math.Clamp(dataset.Count, 50, 300),
                // The app's settings: the limit the loaded model resolved (manifest's, else the model's own) and lowercasing.
                MaxTokens = model.Info.MaxTokens,
                Lowercase = settings.Lowercase,
            });
            benchmarks.Add(benchmark);
            var p95 = benchmark.Runs[0].P95Ms;
            if (p95 > maxP95.Threshold)
            {
                failures.Add(new PrepareFailure(ManifestDiagnosticIds.LatencyGate, string.Create(c, $"p95 latency {p95:0.000} ms at batch 1 is above validate.maxP95LatencyMs {maxP95.Threshold}{see}"), maxP95.Location));
            }
        }

        return new Report
        {
            Kind = "prepare",
            CreatedUtc = DateTimeOffset.UtcNow,
            Command = Command(settings),
            Machine = MachineDescription.Current(),
            Evaluations = evaluation is null ? [] : [evaluation],
            MultiLabelEvaluations = multiLabel is null ? [] : [multiLabel],
            Benchmarks = benchmarks,
            Quantization = quantization,
        };
    }

    // The gates' deterministic figures for model.json and the lock (multi-label: subset accuracy as accuracy, plus micro F1).
    private static ModelValidation? ValidationFigures(Report report)
    {
        if (report.Evaluations.FirstOrDefault() is { } e)
        {
            return new ModelValidation(DataName(e.Data.Path), e.Data.Examples, Math.Round(e.Metrics.Accuracy, 6), Math.Round(e.Metrics.Macro.F1, 6));
        }

        if (report.MultiLabelEvaluations.FirstOrDefault() is { } m)
        {
            return new ModelValidation(DataName(m.Data.Path), m.Data.Examples, Math.Round(m.Metrics.SubsetAccuracy, 6), Math.Round(m.Metrics.Macro.F1, 6))
            {
                MicroF1 = Math.Round(m.Metrics.Micro.F1, 6),
            };
        }

        return null;
    }

    // A file by its name; a Hub dataset by its whole display name (hf-dataset:org/name@commit config/split).
    private static string DataName(string path) =>
        path.StartsWith(HubReference.DatasetPrefix, StringComparison.Ordinal) ? path : Path.GetFileName(path);

    private static string DataProblem(string key, string path, Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => $"{key} file {path} does not exist. Fix the path (relative to the manifest) or add the file.",
        DataFormatException => $"{key}: {ex.Message}",
        _ => $"{key} file {path} cannot be read: {ex.Message}",
    };

    private static PrepareResult Fail(PrepareSettings settings, PrepareFailure failure) =>
        new(false, settings.OutputDirectory, [failure], null, null);

    private static string Command(PrepareSettings settings) => $"fastbert prepare {settings.ManifestPath} --output {settings.OutputDirectory}";
}
