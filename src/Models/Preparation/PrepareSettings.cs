namespace FastBert.Models.Preparation;

/// <summary>A position in the manifest (1-based line and column) that a failure is reported at.</summary>
public readonly record struct ManifestLocation(int Line, int Column)
{
    public static ManifestLocation Start => new(1, 1);
}

/// <summary>A validation threshold and where the manifest sets it.</summary>
public sealed record Gate<T>(T Threshold, ManifestLocation Location);

/// <summary>What <c>fastbert prepare</c> does for one manifest (mapped from the manifest by the caller).</summary>
public sealed record PrepareSettings
{
    public required string ManifestPath { get; init; }

    /// <summary>The manifest's file name without extension (the model's folder name).</summary>
    public required string ModelName { get; init; }

    /// <summary><c>hf:org/name@rev</c>, or an absolute local folder.</summary>
    public required string Source { get; init; }

    public ManifestLocation SourceLocation { get; init; } = ManifestLocation.Start;

    /// <summary>
    /// model.file: the ONNX file of the source to ship (e.g. onnx/model_quantized.onnx), pulled alone from the Hub and
    /// prepared as model.onnx; null: export the checkpoint when there is one, else model.onnx, else onnx/model.onnx.
    /// </summary>
    public string? OnnxFile { get; init; }

    public ManifestLocation OnnxFileLocation { get; init; } = ManifestLocation.Start;

    /// <summary>Labels written in the manifest, or null to take the checkpoint's id2label.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    public ManifestLocation LabelsLocation { get; init; } = ManifestLocation.Start;

    /// <summary>tokenizer.maxTokens; null: the model's position limit, as the app uses.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>tokenizer.lowercase; null: the model's tokenizer_config.json decides, as the app does.</summary>
    public bool? Lowercase { get; init; }

    /// <summary>How the app runs the model; every gate and the int8 guard measure with these.</summary>
    public RunSettings Run => new(MaxTokens, Lowercase);

    /// <summary>Manifest <c>problem: multi-label</c>: data holds label sets, gates and the int8 guard read per-label decisions.</summary>
    public bool MultiLabel { get; init; }

    /// <summary>Manifest <c>thresholds: tune</c>: each label's threshold maximises its F1 on the validation data (fp32 model).</summary>
    public bool TuneThresholds { get; init; }

    /// <summary>"none" or "int8".</summary>
    public string QuantizeMode { get; init; } = "none";

    public double MaxAccuracyDrop { get; init; } = 0.005;

    public ManifestLocation QuantizeLocation { get; init; } = ManifestLocation.Start;

    /// <summary>Validation data (absolute path), or null: no gates.</summary>
    public string? ValidationData { get; init; }

    public ManifestLocation ValidationDataLocation { get; init; } = ManifestLocation.Start;

    /// <summary>validate.data as a Hub dataset split (then <see cref="ValidationData"/> is null); pinned in the lock file.</summary>
    public Hub.HubDatasetSplit? ValidationDataset { get; init; }

    /// <summary>Where validate.split is written (a dataset without that split is reported there).</summary>
    public ManifestLocation ValidationDatasetSplitLocation { get; init; } = ManifestLocation.Start;

    public string? ValidationIndices { get; init; }

    public ManifestLocation ValidationIndicesLocation { get; init; } = ManifestLocation.Start;

    public string? TextColumn { get; init; }

    public string? LabelColumn { get; init; }

    /// <summary>validate.textPairColumn: the validation data holds sentence pairs, this column their second texts.</summary>
    public string? TextPairColumn { get; init; }

    public Gate<double>? MinAccuracy { get; init; }

    public Gate<double>? MinMacroF1 { get; init; }

    public Gate<double>? MaxP95LatencyMs { get; init; }

    /// <summary>Where the prepared model, report and stamp go (e.g. obj/Debug/net10.0/fastbert/spam).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace an existing output folder that fastbert did not write (neither model.json nor a prepare report.json).</summary>
    public bool Force { get; init; }

    /// <summary>Never use the network (cache only).</summary>
    public bool Offline { get; init; }

    /// <summary>Hugging Face cache folder; null = HF_HUB_CACHE / HF_HOME / ~/.cache/huggingface/hub.</summary>
    public string? CacheDirectory { get; init; }

    public IProgress<string>? Progress { get; init; }
}

/// <summary>One reason a manifest failed to prepare, reported at a manifest position with a stable code.</summary>
public sealed record PrepareFailure(string Code, string Message, ManifestLocation Location);

/// <summary>The outcome of <see cref="ModelPreparer.Prepare"/>.</summary>
public sealed record PrepareResult(
    bool Success,
    string OutputDirectory,
    IReadOnlyList<PrepareFailure> Failures,
    string? ReportHtml,
    LockFile? Lock);
