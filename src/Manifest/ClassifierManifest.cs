namespace FastBert.Manifest;

/// <summary>
/// A manifest that parsed without errors: everything the source generator, the build task and the tool need,
/// with defaults applied. Immutable and value-equatable (safe as an incremental generator pipeline value).
/// </summary>
/// <param name="Path">The manifest's path, as given to the parser.</param>
/// <param name="ClassName">The generated classifier class (<c>classifier:</c>, or file name PascalCased + "Classifier").</param>
/// <param name="ClassNameSpan">Where <c>classifier:</c>'s value is; <see langword="null"/> when the name is the default.</param>
/// <param name="Namespace">The generated types' namespace (<c>namespace:</c>, else the project's RootNamespace, else "FastBert.Generated").</param>
/// <param name="EnumName">The generated label enum: <see cref="ClassName"/> without a trailing "Classifier", plus "Label".</param>
/// <param name="ModelName">The manifest's file name without extension; the model's folder name under <c>fastbert/</c>.</param>
/// <param name="ModelSource">model.source as written: a path relative to the manifest, or a Hub reference (<c>hf:org/name@revision</c>, see <see cref="HubModel"/>).</param>
/// <param name="ModelSourceSpan">Where model.source's value is.</param>
/// <param name="Labels">
/// The labels in model output order. Empty exactly when <see cref="LabelSource"/> is <see cref="LabelSource.Missing"/>
/// (only possible when parsed with <see cref="ManifestParseOptions.LabelsOptional"/>).
/// </param>
/// <param name="MaxTokens">tokenizer.maxTokens, or <see langword="null"/> to use the model's limit.</param>
/// <param name="Lowercase">tokenizer.lowercase, or <see langword="null"/> to use the model's tokenizer config.</param>
public sealed record ClassifierManifest(
    string Path,
    string ClassName,
    ManifestSpan? ClassNameSpan,
    string Namespace,
    string EnumName,
    string ModelName,
    string ModelSource,
    ManifestSpan ModelSourceSpan,
    EquatableArray<LabelSpec> Labels,
    int? MaxTokens,
    bool? Lowercase)
{
    /// <summary>The Hub repository and revision when model.source is <c>hf:…</c>; <see langword="null"/> for a local path.</summary>
    public HubModelReference? HubModel { get; init; }

    /// <summary>
    /// model.file: the ONNX file of the model folder to run, relative to it with '/' (e.g. <c>onnx/model_quantized.onnx</c>);
    /// <see langword="null"/> for the default (a checkpoint is exported; else model.onnx, else onnx/model.onnx). Prepare
    /// pulls only that model file from the Hub and ships it as the prepared folder's model.onnx.
    /// </summary>
    public string? ModelFile { get; init; }

    /// <summary>Where model.file's value is; <see langword="null"/> when the manifest has none.</summary>
    public ManifestSpan? ModelFileSpan { get; init; }

    /// <summary>Whether model.source is a local path or a Hugging Face Hub reference (see <see cref="HubModel"/>).</summary>
    public ModelSourceKind ModelSourceKind => HubModel is null ? ModelSourceKind.Local : ModelSourceKind.Hub;

    /// <summary>Where <see cref="Labels"/> came from.</summary>
    public LabelSource LabelSource { get; init; } = LabelSource.Manifest;

    /// <summary>Where the <c>labels</c> key is; <see langword="null"/> when the manifest has none (labels from the lock file).</summary>
    public ManifestSpan? LabelsSpan { get; init; }

    /// <summary>The lock file the labels were read from when <see cref="LabelSource"/> is <see cref="LabelSource.LockFile"/>; otherwise <see langword="null"/>.</summary>
    public string? LabelsLockFile { get; init; }

    /// <summary><c>quantize:</c>, with defaults (<see cref="QuantizeSettings.Default"/>) when absent.</summary>
    public QuantizeSettings Quantize { get; init; } = QuantizeSettings.Default;

    /// <summary>
    /// <c>problem: multi-label</c>: the model scores every label with a sigmoid and a text gets any set of labels (the
    /// generated enum is <c>[Flags]</c>); false for <c>single-label</c> (the default).
    /// </summary>
    public bool MultiLabel { get; init; }

    /// <summary>
    /// <c>thresholds: tune</c> (multi-label only, needs <c>validate.data</c>): prepare sets each label's threshold to
    /// the one with the best F1 on the validation data and records it in the lock file and model.json.
    /// </summary>
    public bool TuneThresholds { get; init; }

    /// <summary>
    /// <c>input: pair</c> or <c>inputs: [premise, hypothesis]</c>: each call classifies a sentence pair, encoded as
    /// [CLS] first [SEP] second [SEP] with token types 0 then 1; <see langword="null"/> for <c>input: single</c> (the
    /// default), one text per call.
    /// </summary>
    public TextPairInput? Pair { get; init; }

    /// <summary><c>validate:</c>, or <see langword="null"/> when the manifest has none (no validation data, no gates).</summary>
    public ValidateSettings? Validate { get; init; }

    /// <summary><c>Namespace.ClassName</c>.</summary>
    public string FullClassName => Namespace + "." + ClassName;

    /// <summary><c>Namespace.EnumName</c>.</summary>
    public string FullEnumName => Namespace + "." + EnumName;

    /// <summary>The lock file that belongs to this manifest (<c>spam.yaml</c> → <c>spam.lock.json</c> beside it), whether or not it exists.</summary>
    public string LockFilePath => ManifestLockFile.PathFor(Path);

    /// <summary>
    /// The absolute folder model.source names, resolved against the manifest's directory; <see langword="null"/>
    /// when the source is a Hub reference (<see cref="ModelSourceKind.Hub"/>).
    /// </summary>
    public string? ResolveModelDirectory() => ManifestPaths.ResolveModelSource(Path, ModelSource);

    /// <summary>
    /// The absolute path of validate.data; <see langword="null"/> when the manifest has no <c>validate:</c> or its data is
    /// a Hub dataset (<see cref="ValidateSettings.HubDataset"/>), which is no local file.
    /// </summary>
    public string? ResolveValidationData() =>
        Validate is null || Validate.HubDataset is not null ? null : ManifestPaths.ResolveRelative(Path, Validate.Data.Value);

    /// <summary>The absolute path of validate.indices; <see langword="null"/> when not set.</summary>
    public string? ResolveValidationIndices() =>
        Validate?.Indices is { } indices ? ManifestPaths.ResolveRelative(Path, indices.Value) : null;
}

/// <summary>What kind of model model.source names.</summary>
public enum ModelSourceKind
{
    /// <summary>A folder or .onnx file, relative to the manifest.</summary>
    Local,

    /// <summary>A Hugging Face Hub repository (<c>hf:org/name@revision</c>), see <see cref="ClassifierManifest.HubModel"/>.</summary>
    Hub,
}

/// <summary>Where a manifest's labels came from.</summary>
public enum LabelSource
{
    /// <summary><c>labels:</c> in the manifest; each <see cref="LabelSpec.Span"/> is where the label is written.</summary>
    Manifest,

    /// <summary>
    /// The manifest's lock file (<c>"labels"</c>, recorded by <c>fastbert prepare</c> from the checkpoint's id2label);
    /// each <see cref="LabelSpec.Span"/> is the manifest's start.
    /// </summary>
    LockFile,

    /// <summary>
    /// Neither yet: the manifest has no <c>labels:</c> and was parsed with
    /// <see cref="ManifestParseOptions.LabelsOptional"/>; <see cref="ManifestParser.ResolveLabels"/> takes them from the lock file.
    /// </summary>
    Missing,
}

/// <summary>One entry of <c>labels:</c> (or of the lock file's <c>"labels"</c>).</summary>
/// <param name="Name">The label exactly as written; it must match the model's label name.</param>
/// <param name="MemberName">The enum member: <see cref="Name"/> PascalCased (see <see cref="ManifestNames.ToPascalCase"/>).</param>
/// <param name="Span">Where the label is in the manifest (the manifest's start for labels from the lock file).</param>
public sealed record LabelSpec(string Name, string MemberName, ManifestSpan Span);

/// <summary>A sentence-pair classifier's two inputs, named by <c>inputs:</c> (or <c>text</c> and <c>textPair</c> for <c>input: pair</c>).</summary>
/// <param name="First">The first part (token type 0): the premise, the question, the query…</param>
/// <param name="Second">The second part (token type 1): the hypothesis, the passage…</param>
/// <param name="Span">Where <c>inputs</c> (or <c>input</c>) is written.</param>
public sealed record TextPairInput(InputPart First, InputPart Second, ManifestSpan Span)
{
    /// <summary>The parts of <c>input: pair</c>: <c>text</c> and <c>textPair</c>, as the runtime's and Hugging Face's names.</summary>
    public static TextPairInput Default(ManifestSpan span) =>
        new(InputPart.Create("text", span), InputPart.Create("textPair", span), span);
}

/// <summary>One part of a sentence pair.</summary>
/// <param name="Name">The name as written in <c>inputs:</c>.</param>
/// <param name="ParameterName">The generated parameter: <see cref="Name"/> camelCased (<see cref="ManifestNames.ToCamelCase"/>); a C# keyword is written with '@'.</param>
/// <param name="BatchParameterName">The generated batch parameter: the plural of <see cref="ParameterName"/> (<see cref="ManifestNames.ToPlural"/>).</param>
/// <param name="Span">Where the name is written.</param>
public sealed record InputPart(string Name, string ParameterName, string BatchParameterName, ManifestSpan Span)
{
    /// <summary>The part named <paramref name="name"/>, with its parameter names.</summary>
    public static InputPart Create(string name, ManifestSpan span)
    {
        var parameter = ManifestNames.ToCamelCase(name);
        return new InputPart(name, parameter, ManifestNames.ToPlural(parameter), span);
    }
}

/// <summary>How the build quantizes the exported model.</summary>
public enum QuantizationMode
{
    /// <summary>Keep fp32 weights.</summary>
    None,

    /// <summary>Dynamic int8 quantization of the MatMul weights, guarded by validation accuracy.</summary>
    Int8,
}

/// <summary><c>quantize: { mode: int8, maxAccuracyDrop: 0.005 }</c>.</summary>
/// <param name="Mode">quantize.mode; <see cref="QuantizationMode.None"/> by default.</param>
/// <param name="ModeSpan">Where quantize.mode's value is; <see langword="null"/> when not written.</param>
/// <param name="MaxAccuracyDrop">
/// quantize.maxAccuracyDrop, a fraction in 0..1 (<see cref="DefaultMaxAccuracyDrop"/> by default): how much validation
/// accuracy int8 may lose against fp32. The guard runs only when the manifest has validate.data; without it the value is
/// kept but nothing checks it.
/// </param>
/// <param name="MaxAccuracyDropSpan">Where quantize.maxAccuracyDrop's value is; <see langword="null"/> when not written.</param>
/// <param name="Span">Where the <c>quantize</c> key is; <see langword="null"/> when the manifest has none.</param>
public sealed record QuantizeSettings(
    QuantizationMode Mode,
    ManifestSpan? ModeSpan,
    double MaxAccuracyDrop,
    ManifestSpan? MaxAccuracyDropSpan,
    ManifestSpan? Span)
{
    /// <summary>quantize.maxAccuracyDrop when not written: half a percentage point.</summary>
    public const double DefaultMaxAccuracyDrop = 0.005;

    /// <summary>No <c>quantize:</c>: mode none, the default max drop, no spans.</summary>
    public static QuantizeSettings Default { get; } = new(QuantizationMode.None, null, DefaultMaxAccuracyDrop, null, null);
}

/// <summary>
/// <c>validate:</c>: the validation data and the gates the build checks on it. Every value keeps its span, so a failing
/// gate is reported at its line (e.g. at <c>minAccuracy:</c>).
/// </summary>
/// <param name="Span">Where the <c>validate</c> key is.</param>
/// <param name="Data">validate.data: the .tsv/.csv/.jsonl/.parquet file, relative to the manifest (see <see cref="ClassifierManifest.ResolveValidationData"/>), or a Hub dataset (<see cref="HubDataset"/>).</param>
/// <param name="Indices">validate.indices: a file of 0-based row indices selecting the held-out rows, relative to the manifest; <see langword="null"/> for every row.</param>
/// <param name="TextColumn">validate.textColumn; <see langword="null"/> for <see cref="DefaultTextColumn"/>.</param>
/// <param name="LabelColumn">validate.labelColumn; <see langword="null"/> for <see cref="DefaultLabelColumn"/>.</param>
/// <param name="MinAccuracy">validate.minAccuracy, a fraction in 0..1; <see langword="null"/> for no accuracy gate.</param>
/// <param name="MinMacroF1">validate.minMacroF1, a fraction in 0..1; <see langword="null"/> for no F1 gate.</param>
/// <param name="MaxP95LatencyMs">validate.maxP95LatencyMs, milliseconds (&gt; 0) at batch 1 on the build machine; <see langword="null"/> for no latency gate.</param>
public sealed record ValidateSettings(
    ManifestSpan Span,
    ManifestValue<string> Data,
    ManifestValue<string>? Indices,
    ManifestValue<string>? TextColumn,
    ManifestValue<string>? LabelColumn,
    ManifestValue<double>? MinAccuracy,
    ManifestValue<double>? MinMacroF1,
    ManifestValue<double>? MaxP95LatencyMs)
{
    /// <summary>
    /// The Hub dataset when validate.data is <c>hf-dataset:org/name@revision</c> (then <see cref="Split"/> is set);
    /// <see langword="null"/> for a local file.
    /// </summary>
    public HubDatasetReference? HubDataset { get; init; }

    /// <summary>validate.config: the Hub dataset's configuration (subset); <see langword="null"/> for its only one.</summary>
    public ManifestValue<string>? Config { get; init; }

    /// <summary>validate.split: the Hub dataset's split (e.g. <c>validation</c>); required with a Hub dataset, absent otherwise.</summary>
    public ManifestValue<string>? Split { get; init; }

    /// <summary>
    /// validate.textPairColumn: the column of each sentence pair's second text (the first is <see cref="TextColumnName"/>);
    /// required for a sentence-pair classifier, not allowed otherwise.
    /// </summary>
    public ManifestValue<string>? TextPairColumn { get; init; }

    /// <summary>The text column when validate.textColumn is not written.</summary>
    public const string DefaultTextColumn = "text";

    /// <summary>The label column when validate.labelColumn is not written.</summary>
    public const string DefaultLabelColumn = "label";

    /// <summary>validate.textColumn, or <see cref="DefaultTextColumn"/>.</summary>
    public string TextColumnName => TextColumn?.Value ?? DefaultTextColumn;

    /// <summary>validate.labelColumn, or <see cref="DefaultLabelColumn"/>.</summary>
    public string LabelColumnName => LabelColumn?.Value ?? DefaultLabelColumn;
}

/// <summary>A value from the manifest and where it is written (so problems with it can be reported at its line).</summary>
/// <typeparam name="T">The value's type (string, double…).</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Span">Where the value is in the manifest.</param>
public sealed record ManifestValue<T>(T Value, ManifestSpan Span);

/// <summary>How <see cref="ManifestParser.Parse(string, string, string?, ManifestParseOptions?)"/> treats optional parts.</summary>
public sealed record ManifestParseOptions
{
    /// <summary>Labels required (the behaviour of the three-argument <c>Parse</c>).</summary>
    public static ManifestParseOptions Default { get; } = new();

    /// <summary>
    /// When true, a manifest without <c>labels:</c> is not an error: it parses with <see cref="LabelSource.Missing"/>
    /// and empty labels (and <see cref="ManifestParseResult.LabelsMissing"/> set), to be completed from the lock file
    /// with <see cref="ManifestParser.ResolveLabels"/>. The source generator, the build task and the tool parse this way;
    /// <c>labels: []</c> or <c>labels:</c> with no value are still errors.
    /// </summary>
    public bool LabelsOptional { get; init; }
}

/// <summary>A problem in a manifest: a stable id (FBxxxx, see <see cref="ManifestDiagnosticIds"/>), what to write instead, and where.</summary>
/// <param name="Id">The diagnostic id, e.g. "FB0002".</param>
/// <param name="Message">A message saying what is wrong and how to fix it.</param>
/// <param name="Span">Where in the manifest (or in <see cref="File"/> when set).</param>
public sealed record ManifestDiagnostic(string Id, string Message, ManifestSpan Span)
{
    /// <summary>
    /// The file the problem is in when it is not the manifest itself (a malformed lock file); <see langword="null"/> for
    /// the manifest. <see cref="Span"/> is a position in this file.
    /// </summary>
    public string? File { get; init; }

    /// <summary>"FB0002 (3,1)-(3,7): message", with the file first when <see cref="File"/> is set.</summary>
    public override string ToString() => (File is null ? string.Empty : File + " ") + Id + " " + Span + ": " + Message;
}

/// <summary>
/// What <see cref="ManifestParser.Parse(string, string, string?)"/> returns: the manifest when it has no errors, and every problem found.
/// </summary>
/// <param name="Path">The manifest's path, as given to the parser.</param>
/// <param name="Manifest">The parsed manifest; <see langword="null"/> exactly when <see cref="Diagnostics"/> is not empty.</param>
/// <param name="Diagnostics">Every problem found (all are errors), in text order.</param>
public sealed record ManifestParseResult(string Path, ClassifierManifest? Manifest, EquatableArray<ManifestDiagnostic> Diagnostics)
{
    /// <summary>True when the manifest parsed without errors.</summary>
    public bool Success => Manifest is not null;

    /// <summary>
    /// True when the manifest has no <c>labels:</c> key and was parsed with <see cref="ManifestParseOptions.LabelsOptional"/>,
    /// whether or not it has other problems: its labels must come from the lock file (<see cref="ManifestParser.ResolveLabels"/>).
    /// </summary>
    public bool LabelsMissing { get; init; }
}
