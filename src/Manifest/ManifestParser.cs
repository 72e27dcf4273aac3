using System.Globalization;
using FastBert.Manifest.Yaml;

namespace FastBert.Manifest;

/// <summary>
/// Parses and validates a classifier manifest (YAML, schema v1). Never throws: every problem, including an
/// unexpected internal error, is a <see cref="ManifestDiagnostic"/> in the result. Culture-independent.
/// </summary>
/// <remarks>
/// <code>
/// classifier: SpamClassifier        # optional; default: file name PascalCased + "Classifier"
/// namespace: Contoso.Messaging      # optional; default: the project's RootNamespace, else "FastBert.Generated"
/// model:
///   source: model/                  # required; model folder relative to the manifest, or hf:org/name@revision
/// labels: [ham, spam]               # model output order; required unless parsed with LabelsOptional (lock file)
/// tokenizer: { maxTokens: 128, lowercase: true }   # optional
/// quantize: { mode: int8, maxAccuracyDrop: 0.005 } # optional; mode none | int8, drop a fraction 0..1
/// problem: multi-label              # optional; single-label (default) | multi-label
/// thresholds: tune                  # optional, multi-label only; per label, the F1-best threshold on validate.data
/// input: pair                       # optional; single (default) | pair (parts named text and textPair)
/// inputs: [premise, hypothesis]     # optional; a sentence pair whose two parts name the generated parameters
/// validate:                         # optional
///   data: data/sms-val.tsv          # required in validate; relative to the manifest, or hf-dataset:org/name@revision
///   config: plain_text              # optional, Hub datasets only; default: the dataset's only configuration
///   split: validation               # required with a Hub dataset, not allowed with a file
///   indices: data/held-out.txt      # optional; 0-based row indices
///   textColumn: text                # optional
///   textPairColumn: sentence2       # sentence-pair classifiers (input: pair / inputs): required; the second text's column
///   labelColumn: label              # optional
///   minAccuracy: 0.97               # optional; 0..1
///   minMacroF1: 0.90                # optional; 0..1
///   maxP95LatencyMs: 10             # optional; &gt; 0
/// </code>
/// <para>
/// Labels and the lock file: a manifest may leave out <c>labels:</c> when its lock file (<c>spam.lock.json</c>,
/// written by <c>fastbert prepare</c> from the checkpoint's id2label) provides them. Parsing stays a pure function of the
/// manifest text: parse with <see cref="ManifestParseOptions.LabelsOptional"/>, then complete the labels with
/// <see cref="ResolveLabels"/> and the lock file (or <see langword="null"/> when there is none). Keeping the two steps
/// apart lets the source generator cache the parse per manifest text and pair it with lock files afterwards; the
/// three-argument <see cref="Parse(string, string, string?)"/> keeps labels required for callers that have no lock file.
/// </para>
/// </remarks>
public static class ManifestParser
{
    /// <summary>The namespace used when neither the manifest nor the project names one.</summary>
    public const string DefaultNamespace = "FastBert.Generated";

    /// <summary>Smallest tokenizer.maxTokens ([CLS] and [SEP] alone).</summary>
    public const int MinMaxTokens = 2;

    /// <summary>Largest tokenizer.maxTokens.</summary>
    public const int MaxMaxTokens = 8192;

    /// <summary>Members the generated class declares; the class cannot have one of these names (CS0542).</summary>
    /// <summary>A multi-label enum holds one bit per label in a long.</summary>
    public const int MaxMultiLabelLabels = 64;

    internal static readonly string[] GeneratedMemberNames = { "ModelName", "Definition", "Load" };

    /// <summary>validate.maxP95LatencyMs must be greater than this (milliseconds); it has no upper bound.</summary>
    private const double MinLatencyExclusive = 0;

    /// <summary>The async methods' last parameter; no input part may be named so.</summary>
    private const string ReservedParameterName = "cancellationToken";

    /// <summary>Parses <paramref name="text"/>, the content of the manifest at <paramref name="path"/>; labels are required.</summary>
    /// <param name="path">The manifest's path; its file name gives the model name and the default class name.</param>
    /// <param name="text">The manifest's text.</param>
    /// <param name="rootNamespace">The project's RootNamespace, used when the manifest has no <c>namespace:</c>; may be null or empty.</param>
    /// <returns>The manifest when valid, and every problem found.</returns>
    public static ManifestParseResult Parse(string path, string text, string? rootNamespace) =>
        Parse(path, text, rootNamespace, ManifestParseOptions.Default);

    /// <summary>Parses <paramref name="text"/>, the content of the manifest at <paramref name="path"/>.</summary>
    /// <param name="path">The manifest's path; its file name gives the model name and the default class name.</param>
    /// <param name="text">The manifest's text.</param>
    /// <param name="rootNamespace">The project's RootNamespace, used when the manifest has no <c>namespace:</c>; may be null or empty.</param>
    /// <param name="options">
    /// What is optional; <see langword="null"/> for <see cref="ManifestParseOptions.Default"/>. With
    /// <see cref="ManifestParseOptions.LabelsOptional"/>, a manifest without <c>labels:</c> parses with
    /// <see cref="LabelSource.Missing"/>; complete it with <see cref="ResolveLabels"/>.
    /// </param>
    /// <returns>The manifest when valid, and every problem found.</returns>
    public static ManifestParseResult Parse(string path, string text, string? rootNamespace, ManifestParseOptions? options)
    {
        path ??= string.Empty;
        try
        {
            return new Session(path, text ?? string.Empty, rootNamespace, options ?? ManifestParseOptions.Default).Run();
        }
        catch (Exception exception)
        {
            var diagnostic = new ManifestDiagnostic(
                ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception), ManifestSpan.DocumentStart);
            return new ManifestParseResult(path, null, EquatableArray.Create(diagnostic));
        }
    }

    /// <summary>
    /// Completes a manifest parsed with <see cref="ManifestParseOptions.LabelsOptional"/> that has no <c>labels:</c>,
    /// taking the labels from its lock file with the same rules as written labels (PascalCased enum members, FB0006
    /// for duplicates, FB0007 for names that cannot be members; reported at the manifest's start, saying they came from
    /// the lock file). Results that are not missing labels are returned as they are, so call it for every result.
    /// </summary>
    /// <param name="parsed">The parse result (see <see cref="ManifestParseResult.LabelsMissing"/>).</param>
    /// <param name="lockFile">
    /// The manifest's lock file (<see cref="ManifestLockFile.PathFor"/>), or <see langword="null"/> when it does not
    /// exist: then the result gets FB0004 naming the lock file looked for. A lock file with a
    /// <see cref="ManifestLockFile.Problem"/> adds that problem (FB0016, located in the lock file).
    /// </param>
    /// <returns>The result with labels from the lock file (<see cref="LabelSource.LockFile"/>), or with the problems found.</returns>
    public static ManifestParseResult ResolveLabels(ManifestParseResult parsed, ManifestLockFile? lockFile)
    {
        if (parsed is null)
        {
            throw new ArgumentNullException(nameof(parsed));
        }

        if (!parsed.LabelsMissing || parsed.Manifest is { LabelSource: not LabelSource.Missing })
        {
            return parsed;
        }

        try
        {
            var lockFileName = ManifestLockFile.FileNameFor(parsed.Path);
            var added = new List<ManifestDiagnostic>();
            var labels = new LabelSet(lockFileName);
            if (lockFile is null)
            {
                added.Add(new ManifestDiagnostic(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingLabelsAndLockFile(lockFileName), ManifestSpan.DocumentStart));
            }
            else if (lockFile.Problem is not null)
            {
                added.Add(lockFile.Problem);
            }
            else if (lockFile.Labels.IsEmpty)
            {
                added.Add(new ManifestDiagnostic(ManifestDiagnosticIds.MissingKey, ManifestMessages.LockFileWithoutLabels(lockFileName), ManifestSpan.DocumentStart));
            }
            else
            {
                for (var index = 0; index < lockFile.Labels.Count; index++)
                {
                    if (labels.Add(lockFile.Labels[index], index, ManifestSpan.DocumentStart) is { } problem)
                    {
                        added.Add(problem);
                    }
                }
            }

            if (added.Count == 0 && parsed.Manifest is { } manifest)
            {
                var completed = manifest with
                {
                    Labels = labels.Labels.ToEquatableArray(),
                    LabelSource = LabelSource.LockFile,
                    LabelsLockFile = lockFile!.Path,
                };
                return parsed with { Manifest = completed };
            }

            // Problems in the manifest in text order, then those located in other files (the lock file).
            var diagnostics = parsed.Diagnostics.Concat(added)
                .OrderBy(static d => d.File is null ? 0 : 1)
                .ThenBy(static d => d.Span.StartIndex)
                .ToEquatableArray();
            return parsed with { Manifest = null, Diagnostics = diagnostics };
        }
        catch (Exception exception)
        {
            var diagnostic = new ManifestDiagnostic(
                ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception), ManifestSpan.DocumentStart);
            return parsed with { Manifest = null, Diagnostics = parsed.Diagnostics.Append(diagnostic).ToEquatableArray() };
        }
    }

    /// <summary>
    /// Collects labels in model output order, enforcing the label rules: a PascalCased form that is a C# identifier
    /// (FB0007) and no two labels equal ignoring case or with the same enum member (FB0006).
    /// </summary>
    private sealed class LabelSet
    {
        private readonly string? _lockFileName;
        private readonly Dictionary<string, LabelSpec> _byName = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, LabelSpec> _byMember = new(StringComparer.Ordinal);

        /// <param name="lockFileName">The lock file the labels come from (messages say so), or null for <c>labels:</c>.</param>
        public LabelSet(string? lockFileName) => _lockFileName = lockFileName;

        public List<LabelSpec> Labels { get; } = new();

        /// <summary>Adds the label at <paramref name="index"/>; returns the problem instead when it breaks a rule.</summary>
        public ManifestDiagnostic? Add(string? name, int index, ManifestSpan span)
        {
            name ??= string.Empty;
            var member = ManifestNames.ToPascalCase(name);
            if (name.Length == 0 || member.Length == 0 || !ManifestNames.IsValidIdentifier(member))
            {
                var message = _lockFileName is not null ? ManifestMessages.LockFileInvalidLabel(_lockFileName, name, index, member)
                    : name.Length == 0 ? ManifestMessages.EmptyLabel(index)
                    : member.Length == 0 ? ManifestMessages.LabelWithoutWord(name, index)
                    : ManifestMessages.InvalidLabel(name, member);
                return new ManifestDiagnostic(ManifestDiagnosticIds.InvalidLabelName, message, span);
            }

            if (_byName.TryGetValue(name, out var sameName))
            {
                var message = _lockFileName is not null
                    ? ManifestMessages.LockFileDuplicateLabel(_lockFileName, name, sameName.Name)
                    : ManifestMessages.DuplicateLabel(name, sameName.Name, sameName.Span.StartLine);
                return new ManifestDiagnostic(ManifestDiagnosticIds.DuplicateLabel, message, span);
            }

            if (_byMember.TryGetValue(member, out var sameMember))
            {
                var message = _lockFileName is not null
                    ? ManifestMessages.LockFileDuplicateMember(_lockFileName, name, sameMember.Name, member)
                    : ManifestMessages.DuplicateMember(name, sameMember.Name, sameMember.Span.StartLine, member);
                return new ManifestDiagnostic(ManifestDiagnosticIds.DuplicateLabel, message, span);
            }

            var label = new LabelSpec(name, member, span);
            _byName.Add(name, label);
            _byMember.Add(member, label);
            Labels.Add(label);
            return null;
        }
    }

    /// <summary>One parse: walks the YAML tree once, collecting values and diagnostics.</summary>
    private sealed class Session
    {
        private static readonly string[] RootKeys =
        {
            Keys.Classifier, Keys.Namespace, Keys.Model, Keys.Labels, Keys.Tokenizer, Keys.Quantize, Keys.Validate, Keys.Problem, Keys.Thresholds, Keys.Input, Keys.Inputs,
        };

        private static readonly string[] ModelKeys = { Keys.Source, Keys.File };
        private static readonly string[] TokenizerKeys = { Keys.MaxTokens, Keys.Lowercase };
        private static readonly string[] QuantizeKeys = { Keys.Mode, Keys.MaxAccuracyDrop };

        private static readonly string[] ValidateKeys =
        {
            Keys.Data, Keys.Config, Keys.Split, Keys.Indices, Keys.TextColumn, Keys.TextPairColumn, Keys.LabelColumn, Keys.MinAccuracy, Keys.MinMacroF1, Keys.MaxP95LatencyMs,
        };

        private readonly string _path;
        private readonly string _text;
        private readonly string? _rootNamespace;
        private readonly ManifestParseOptions _options;
        private readonly LineMap _lines;
        private readonly List<ManifestDiagnostic> _diagnostics = new();

        private string? _className;
        private ManifestSpan? _classNameSpan;
        private ManifestSpan? _labelsSpan;
        private string? _namespace;
        private string? _modelSource;
        private ManifestSpan _modelSourceSpan;
        private HubModelReference? _hubModel;
        private string? _modelFile;
        private ManifestSpan? _modelFileSpan;
        private readonly LabelSet _labels = new(lockFileName: null);
        private bool _labelsMissing;
        private int? _maxTokens;
        private bool? _lowercase;
        private bool _multiLabel;
        private ManifestSpan? _tuneThresholds;
        private QuantizeSettings _quantize = QuantizeSettings.Default;
        private ValidateSettings? _validate;
        private ManifestValue<bool>? _pairInput;
        private TextPairInput? _namedInputs;
        private bool _inputsInvalid;

        public Session(string path, string text, string? rootNamespace, ManifestParseOptions options)
        {
            _path = path;
            _text = text;
            _rootNamespace = rootNamespace;
            _options = options;
            _lines = new LineMap(text);
        }

        public ManifestParseResult Run()
        {
            YamlValue? root;
            try
            {
                root = YamlTreeReader.Read(_text);
            }
            catch (YamlReadException exception)
            {
                Report(ManifestDiagnosticIds.YamlSyntaxError, exception.Message, _lines.Span(exception.Start, exception.End));
                return Result();
            }

            if (root is null || root is YamlScalarValue { IsNull: true })
            {
                Report(ManifestDiagnosticIds.EmptyManifest, ManifestMessages.EmptyManifest(), ManifestSpan.DocumentStart);
                return Result();
            }

            if (root is not YamlMappingValue mapping)
            {
                Report(
                    ManifestDiagnosticIds.WrongType,
                    ManifestMessages.WrongType(
                        "The manifest",
                        "a mapping of keys (" + string.Join(", ", RootKeys) + ")",
                        root.Describe(),
                        "labels: [ham, spam]"),
                    Span(root));
                return Result();
            }

            ReadRoot(mapping);
            return Result();
        }

        private void ReadRoot(YamlMappingValue root)
        {
            var seen = ReadEntries(root, "in the manifest", RootKeys, (key, keyNode, value) =>
            {
                switch (key)
                {
                    case Keys.Classifier:
                        ReadClassifier(value);
                        break;
                    case Keys.Namespace:
                        ReadNamespace(value);
                        break;
                    case Keys.Model:
                        ReadModel(keyNode, value);
                        break;
                    case Keys.Labels:
                        _labelsSpan = Span(keyNode);
                        ReadLabels(value);
                        break;
                    case Keys.Tokenizer:
                        ReadTokenizer(value);
                        break;
                    case Keys.Quantize:
                        ReadQuantize(keyNode, value);
                        break;
                    case Keys.Validate:
                        ReadValidate(keyNode, value);
                        break;
                    case Keys.Problem:
                        ReadProblem(value);
                        break;
                    case Keys.Thresholds:
                        ReadThresholds(value);
                        break;
                    case Keys.Input:
                        ReadInput(value);
                        break;
                    case Keys.Inputs:
                        ReadInputs(keyNode, value);
                        break;
                }
            });

            if (!seen.Contains(Keys.Model))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingModel(), ManifestSpan.DocumentStart);
            }

            if (!seen.Contains(Keys.Labels))
            {
                if (_options.LabelsOptional)
                {
                    _labelsMissing = true;
                }
                else
                {
                    Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingLabels(), ManifestSpan.DocumentStart);
                }
            }

            if (!seen.Contains(Keys.Classifier))
            {
                var name = ManifestNames.DefaultClassName(_path);
                if (IsUsableClassName(name))
                {
                    _className = name;
                }
                else
                {
                    var fileName = ManifestNames.ModelName(_path);
                    var slash = Math.Max(_path.LastIndexOf('/'), _path.LastIndexOf('\\'));
                    Report(
                        ManifestDiagnosticIds.InvalidTypeName,
                        ManifestMessages.InvalidDefaultClassName(name, _path.Substring(slash + 1)),
                        ManifestSpan.DocumentStart);
                }
            }

            if (!seen.Contains(Keys.Namespace))
            {
                var rootNamespace = _rootNamespace?.Trim();
                if (string.IsNullOrEmpty(rootNamespace))
                {
                    _namespace = DefaultNamespace;
                }
                else if (ManifestNames.IsValidNamespace(rootNamespace!))
                {
                    _namespace = rootNamespace;
                }
                else
                {
                    Report(ManifestDiagnosticIds.InvalidTypeName, ManifestMessages.InvalidDefaultNamespace(rootNamespace!), ManifestSpan.DocumentStart);
                }
            }
        }

        private void ReadClassifier(YamlValue value)
        {
            if (value is not YamlScalarValue { IsNull: false } scalar)
            {
                WrongType(value, "'classifier'", "a class name", "classifier: SpamClassifier");
                return;
            }

            var name = scalar.Value;
            string? message = null;
            if (!ManifestNames.IsValidIdentifier(name))
            {
                message = ManifestMessages.InvalidClassName(name);
            }
            else if (ManifestNames.IsLowercaseAsciiName(name))
            {
                message = ManifestMessages.LowercaseClassName(name);
            }
            else if (Array.IndexOf(GeneratedMemberNames, name) >= 0)
            {
                message = ManifestMessages.ClassNameIsMember(name);
            }

            if (message is not null)
            {
                Report(ManifestDiagnosticIds.InvalidTypeName, message, Span(value));
                return;
            }

            _className = name;
            _classNameSpan = Span(value);
        }

        private void ReadNamespace(YamlValue value)
        {
            if (value is not YamlScalarValue { IsNull: false } scalar)
            {
                WrongType(value, "'namespace'", "a namespace name", "namespace: Contoso.Messaging");
                return;
            }

            if (!ManifestNames.IsValidNamespace(scalar.Value))
            {
                Report(ManifestDiagnosticIds.InvalidTypeName, ManifestMessages.InvalidNamespace(scalar.Value), Span(value));
                return;
            }

            _namespace = scalar.Value;
        }

        private void ReadModel(YamlValue keyNode, YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: true })
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingModelSource(), Span(keyNode));
                return;
            }

            if (value is not YamlMappingValue mapping)
            {
                var example = value is YamlScalarValue scalar
                    ? "model: { source: " + scalar.Value + " }"
                    : "model: { source: model/ }";
                WrongType(value, "'model'", "a mapping with a 'source' key", example);
                return;
            }

            var seen = ReadEntries(mapping, "under 'model'", ModelKeys, (key, _, entry) =>
            {
                if (key == Keys.File)
                {
                    ReadModelFile(entry);
                    return;
                }

                if (entry is not YamlScalarValue { IsNull: false } source || source.Value.Trim().Length == 0)
                {
                    WrongType(entry, "'model.source'", "the model folder, relative to the manifest, or hf:org/name@revision", "source: model/");
                    return;
                }

                if (ManifestPaths.IsHubSource(source.Value))
                {
                    if (!HubModelReference.TryParse(source.Value, out _hubModel, out var problem))
                    {
                        Report(ManifestDiagnosticIds.InvalidHubReference, ManifestMessages.InvalidHubReference(source.Value, problem!), Span(entry));
                        return;
                    }
                }

                _modelSource = source.Value;
                _modelSourceSpan = Span(entry);
            });

            if (!seen.Contains(Keys.Source))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingModelSource(), Span(keyNode));
            }
        }

        private void ReadModelFile(YamlValue entry)
        {
            if (entry is not YamlScalarValue { IsNull: false } file || file.Value.Trim().Length == 0)
            {
                WrongType(entry, "'model.file'", "the ONNX file to run, relative to the model folder", "file: " + ManifestPaths.ModelFileExample);
                return;
            }

            if (ManifestPaths.InvalidModelFileReason(file.Value) is { } reason)
            {
                Report(ManifestDiagnosticIds.InvalidModelFile, ManifestMessages.InvalidModelFile(file.Value, reason), Span(entry));
                return;
            }

            _modelFile = file.Value;
            _modelFileSpan = Span(entry);
        }

        private void ReadLabels(YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: true })
            {
                Report(ManifestDiagnosticIds.EmptyLabels, ManifestMessages.EmptyLabels(), Span(value));
                return;
            }

            if (value is not YamlSequenceValue sequence)
            {
                var example = value is YamlScalarValue scalar && scalar.Value.IndexOf(',') >= 0
                    ? "labels: [" + scalar.Value + "]"
                    : "labels: [ham, spam]";
                WrongType(value, "'labels'", "a list of label names", example);
                return;
            }

            if (sequence.Items.Count == 0)
            {
                Report(ManifestDiagnosticIds.EmptyLabels, ManifestMessages.EmptyLabels(), Span(value));
                return;
            }

            for (var index = 0; index < sequence.Items.Count; index++)
            {
                var item = sequence.Items[index];
                if (item is not YamlScalarValue scalar)
                {
                    WrongType(item, "Label " + (index + 1).ToString(CultureInfo.InvariantCulture), "a label name", "- spam");
                    continue;
                }

                if (_labels.Add(scalar.IsNull ? string.Empty : scalar.Value, index, Span(item)) is { } problem)
                {
                    _diagnostics.Add(problem);
                }
            }
        }

        private void ReadTokenizer(YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: true })
            {
                return;
            }

            if (value is not YamlMappingValue mapping)
            {
                WrongType(value, "'tokenizer'", "a mapping", "tokenizer: { maxTokens: 128, lowercase: true }");
                return;
            }

            ReadEntries(mapping, "under 'tokenizer'", TokenizerKeys, (key, _, entry) =>
            {
                if (key == Keys.MaxTokens)
                {
                    ReadMaxTokens(entry);
                }
                else
                {
                    ReadLowercase(entry);
                }
            });
        }

        private void ReadMaxTokens(YamlValue value)
        {
            const string Example = "maxTokens: 128";
            if (value is not YamlScalarValue { IsPlain: true, IsNull: false } scalar || !IsInteger(scalar.Value))
            {
                WrongType(value, "'tokenizer.maxTokens'", "a whole number (without quotes)", Example);
                return;
            }

            var text = scalar.Value;
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                || number < MinMaxTokens
                || number > MaxMaxTokens)
            {
                Report(ManifestDiagnosticIds.ValueOutOfRange, ManifestMessages.MaxTokensOutOfRange(text, MinMaxTokens, MaxMaxTokens), Span(value));
                return;
            }

            _maxTokens = number;
        }

        // single-label | multi-label: a multi-label manifest generates a [Flags] enum and a MultiLabelBertClassifier.
        private void ReadProblem(YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: false } scalar && scalar.Value is "single-label" or "multi-label")
            {
                _multiLabel = scalar.Value == "multi-label";
                return;
            }

            WrongType(value, "'problem'", "single-label or multi-label", "problem: multi-label");
        }

        // single | pair: whether each call takes one text or a sentence pair.
        private void ReadInput(YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: false } scalar && scalar.Value is "single" or "pair")
            {
                _pairInput = new ManifestValue<bool>(scalar.Value == "pair", Span(value));
                return;
            }

            WrongType(value, "'input'", "single or pair", "input: pair");
        }

        // [first, second]: the pair's parts in token-type order; their camelCased names become the generated parameters.
        private void ReadInputs(YamlValue keyNode, YamlValue value)
        {
            _inputsInvalid = true;
            if (value is not YamlSequenceValue sequence)
            {
                WrongType(value, "'inputs'", "a list of the two parts of a sentence pair", "inputs: [premise, hypothesis]");
                return;
            }

            if (sequence.Items.Count != 2)
            {
                Report(ManifestDiagnosticIds.InvalidInputs, ManifestMessages.InputsNotTwo(sequence.Items.Count), Span(value));
                return;
            }

            var parts = new List<InputPart>(2);
            for (var index = 0; index < sequence.Items.Count; index++)
            {
                var item = sequence.Items[index];
                if (item is not YamlScalarValue { IsNull: false } scalar)
                {
                    WrongType(item, "Input part " + (index + 1).ToString(CultureInfo.InvariantCulture), "a part name", "inputs: [premise, hypothesis]");
                    continue;
                }

                var part = InputPart.Create(scalar.Value, Span(item));
                var parameter = part.ParameterName;
                string? message = null;
                if (!ManifestNames.IsValidIdentifier(parameter) && !ManifestNames.IsKeyword(parameter))
                {
                    message = ManifestMessages.InvalidInputName(scalar.Value, parameter);
                }
                else if (parameter == ReservedParameterName)
                {
                    message = ManifestMessages.ReservedInputName(scalar.Value, parameter);
                }
                else if (parts.Find(other => other.ParameterName == parameter || other.BatchParameterName == part.BatchParameterName) is { } first)
                {
                    message = ManifestMessages.DuplicateInput(scalar.Value, first.Name, first.ParameterName == parameter ? parameter : part.BatchParameterName);
                }

                if (message is not null)
                {
                    Report(ManifestDiagnosticIds.InvalidInputs, message, Span(item));
                    continue;
                }

                parts.Add(part);
            }

            if (parts.Count == 2)
            {
                _namedInputs = new TextPairInput(parts[0], parts[1], Span(keyNode));
                _inputsInvalid = false;
            }
        }

        // Pair data validates a pair classifier and only that: its second texts are what the model's second part reads.
        private void CheckValidationPairs(TextPairInput? pair)
        {
            if (_validate is not { } validate)
            {
                return;
            }

            if (validate.TextPairColumn is { } pairColumn)
            {
                if (pair is null)
                {
                    Report(ManifestDiagnosticIds.InvalidValidationPairs, ManifestMessages.TextPairColumnWithoutPairInput(), pairColumn.Span);
                }
                else if (string.Equals(pairColumn.Value.Trim(), validate.TextColumnName.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    Report(ManifestDiagnosticIds.InvalidValidationPairs, ManifestMessages.TextPairColumnIsTextColumn(pairColumn.Value), pairColumn.Span);
                }
            }
            else if (pair is not null)
            {
                Report(ManifestDiagnosticIds.InvalidValidationPairs, ManifestMessages.PairInputWithoutTextPairColumn(pair.Second.Name), validate.Span);
            }
        }

        // The input the manifest asks for: inputs' named parts, input: pair's default parts, or one text (null).
        private TextPairInput? ResolveInput()
        {
            if (_pairInput is { Value: false } single && (_namedInputs is not null || _inputsInvalid))
            {
                Report(ManifestDiagnosticIds.InvalidInputs, ManifestMessages.InputsWithSingleInput(), single.Span);
                return null;
            }

            return _namedInputs ?? (_pairInput is { Value: true } pair ? TextPairInput.Default(pair.Span) : null);
        }

        private void ReadThresholds(YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: false, Value: "tune" } scalar)
            {
                _tuneThresholds = Span(scalar);
                return;
            }

            WrongType(value, "'thresholds'", "tune (per label, the threshold with the best F1 on validate.data)", "thresholds: tune");
        }

        private void ReadLowercase(YamlValue value)
        {
            if (value is YamlScalarValue { IsPlain: true } scalar)
            {
                switch (scalar.Value)
                {
                    case "true" or "True" or "TRUE":
                        _lowercase = true;
                        return;
                    case "false" or "False" or "FALSE":
                        _lowercase = false;
                        return;
                }
            }

            WrongType(value, "'tokenizer.lowercase'", "true or false (without quotes)", "lowercase: true");
        }

        private void ReadQuantize(YamlValue keyNode, YamlValue value)
        {
            const string Example = "quantize: { mode: int8, maxAccuracyDrop: 0.005 }";
            if (value is YamlScalarValue { IsNull: true })
            {
                return;
            }

            if (value is not YamlMappingValue mapping)
            {
                var example = value is YamlScalarValue scalar && ParseMode(scalar.Value) is not null
                    ? "quantize: { mode: " + scalar.Value + " }"
                    : Example;
                WrongType(value, "'quantize'", "a mapping", example);
                return;
            }

            var mode = QuantizationMode.None;
            ManifestSpan? modeSpan = null;
            var maxDrop = QuantizeSettings.DefaultMaxAccuracyDrop;
            ManifestSpan? maxDropSpan = null;
            ReadEntries(mapping, "under 'quantize'", QuantizeKeys, (key, _, entry) =>
            {
                if (key == Keys.Mode)
                {
                    if (entry is YamlScalarValue { IsNull: false } scalar && ParseMode(scalar.Value) is { } parsed)
                    {
                        mode = parsed;
                        modeSpan = Span(entry);
                    }
                    else
                    {
                        WrongType(entry, "'quantize.mode'", "none or int8", "mode: int8");
                    }
                }
                else if (ReadFraction(entry, "quantize.maxAccuracyDrop", "maxAccuracyDrop: 0.005") is { } drop)
                {
                    maxDrop = drop.Value;
                    maxDropSpan = drop.Span;
                }
            });

            _quantize = new QuantizeSettings(mode, modeSpan, maxDrop, maxDropSpan, Span(keyNode));
        }

        private static QuantizationMode? ParseMode(string text) =>
            string.Equals(text, "none", StringComparison.OrdinalIgnoreCase) ? QuantizationMode.None
            : string.Equals(text, "int8", StringComparison.OrdinalIgnoreCase) ? QuantizationMode.Int8
            : null;

        private void ReadValidate(YamlValue keyNode, YamlValue value)
        {
            if (value is YamlScalarValue { IsNull: true })
            {
                return;
            }

            if (value is not YamlMappingValue mapping)
            {
                var example = value is YamlScalarValue scalar
                    ? "validate: { data: " + scalar.Value + " }"
                    : "validate: { data: data/val.tsv, minAccuracy: 0.97 }";
                WrongType(value, "'validate'", "a mapping with a 'data' key", example);
                return;
            }

            ManifestValue<string>? data = null, config = null, split = null, indices = null, textColumn = null, textPairColumn = null, labelColumn = null;
            ManifestValue<double>? minAccuracy = null, minMacroF1 = null, maxLatency = null;
            var seen = ReadEntries(mapping, "under 'validate'", ValidateKeys, (key, _, entry) =>
            {
                switch (key)
                {
                    case Keys.Data:
                        data = ReadText(entry, "'validate.data'", "the validation file (.tsv, .csv, .jsonl or .parquet), relative to the manifest, or a Hub dataset", "data: data/val.tsv");
                        break;
                    case Keys.Config:
                        config = ReadText(entry, "'validate.config'", "the Hub dataset's configuration name", "config: sst2");
                        break;
                    case Keys.Split:
                        split = ReadText(entry, "'validate.split'", "the Hub dataset's split name", "split: validation");
                        break;
                    case Keys.Indices:
                        indices = ReadText(entry, "'validate.indices'", "a file of 0-based row indices, relative to the manifest", "indices: data/held-out.txt");
                        break;
                    case Keys.TextColumn:
                        textColumn = ReadText(entry, "'validate.textColumn'", "a column name", "textColumn: text");
                        break;
                    case Keys.TextPairColumn:
                        textPairColumn = ReadText(entry, "'validate.textPairColumn'", "the column of each sentence pair's second text", "textPairColumn: sentence2");
                        break;
                    case Keys.LabelColumn:
                        labelColumn = ReadText(entry, "'validate.labelColumn'", "a column name", "labelColumn: label");
                        break;
                    case Keys.MinAccuracy:
                        minAccuracy = ReadFraction(entry, "validate.minAccuracy", "minAccuracy: 0.97");
                        break;
                    case Keys.MinMacroF1:
                        minMacroF1 = ReadFraction(entry, "validate.minMacroF1", "minMacroF1: 0.90");
                        break;
                    case Keys.MaxP95LatencyMs:
                        maxLatency = ReadLatency(entry);
                        break;
                }
            });

            if (!seen.Contains(Keys.Data))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingValidationData(), Span(keyNode));
                return;
            }

            if (data is null)
            {
                return;
            }

            HubDatasetReference? dataset = null;
            if (HubDatasetReference.LooksLikeHubReference(data.Value))
            {
                if (!HubDatasetReference.TryParse(data.Value, out dataset, out var problem))
                {
                    Report(ManifestDiagnosticIds.InvalidHubDatasetReference, ManifestMessages.InvalidHubDatasetReference(data.Value, problem!), data.Span);
                    return;
                }

                if (split is null)
                {
                    if (!seen.Contains(Keys.Split))
                    {
                        Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingDatasetSplit(data.Value), data.Span);
                    }

                    return;
                }
            }
            else
            {
                var misplaced = false;
                foreach (var key in new[] { config, split })
                {
                    if (key is not null)
                    {
                        Report(ManifestDiagnosticIds.DatasetKeyWithoutDataset, ManifestMessages.DatasetKeyWithoutDataset(key == config ? Keys.Config : Keys.Split, data.Value), key.Span);
                        misplaced = true;
                    }
                }

                if (misplaced)
                {
                    return;
                }
            }

            _validate = new ValidateSettings(Span(keyNode), data, indices, textColumn, labelColumn, minAccuracy, minMacroF1, maxLatency)
            {
                HubDataset = dataset,
                Config = config,
                Split = split,
                TextPairColumn = textPairColumn,
            };
        }

        private ManifestValue<string>? ReadText(YamlValue value, string what, string expected, string example)
        {
            if (value is not YamlScalarValue { IsNull: false } scalar || scalar.Value.Trim().Length == 0)
            {
                WrongType(value, what, expected, example);
                return null;
            }

            return new ManifestValue<string>(scalar.Value, Span(value));
        }

        /// <summary>A number in 0..1 (FB0003 when not a number, FB0009 when out of range).</summary>
        private ManifestValue<double>? ReadFraction(YamlValue value, string what, string example)
        {
            if (!TryReadNumber(value, what, example, out var number, out var text))
            {
                return null;
            }

            if (number is not (>= 0 and <= 1))
            {
                Report(ManifestDiagnosticIds.ValueOutOfRange, ManifestMessages.FractionOutOfRange(what, text, example), Span(value));
                return null;
            }

            return new ManifestValue<double>(number, Span(value));
        }

        private ManifestValue<double>? ReadLatency(YamlValue value)
        {
            if (!TryReadNumber(value, "validate.maxP95LatencyMs", "maxP95LatencyMs: 10", out var number, out var text))
            {
                return null;
            }

            if (!(number > MinLatencyExclusive) || double.IsInfinity(number))
            {
                Report(ManifestDiagnosticIds.ValueOutOfRange, ManifestMessages.LatencyOutOfRange(text), Span(value));
                return null;
            }

            return new ManifestValue<double>(number, Span(value));
        }

        /// <summary>
        /// Reads an unquoted decimal number ("0.97", "10", "5e-3"; not ".inf", "NaN", "97%" or "1,5") under the invariant
        /// culture. A number too large for a double reads as infinity, which every range check rejects.
        /// </summary>
        private bool TryReadNumber(YamlValue value, string what, string example, out double number, out string text)
        {
            number = 0;
            text = string.Empty;
            if (value is not YamlScalarValue { IsPlain: true, IsNull: false } scalar || !IsDecimal(scalar.Value))
            {
                WrongType(value, "'" + what + "'", "a number (without quotes)", example);
                return false;
            }

            text = scalar.Value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) || double.IsNaN(number))
            {
                // .NET Framework refuses overflow instead of returning infinity.
                number = double.PositiveInfinity;
            }

            return true;
        }

        /// <summary>
        /// Walks a mapping's entries: reports keys that are not names, unknown keys (with the closest allowed key)
        /// and repeated keys, and hands each first known key to <paramref name="read"/>.
        /// </summary>
        /// <returns>The known keys present.</returns>
        private HashSet<string> ReadEntries(
            YamlMappingValue mapping,
            string location,
            string[] allowed,
            Action<string, YamlValue, YamlValue> read)
        {
            var seen = new Dictionary<string, YamlValue>(StringComparer.Ordinal);
            foreach (var entry in mapping.Entries)
            {
                if (entry.Key is not YamlScalarValue { IsNull: false } keyNode)
                {
                    Report(ManifestDiagnosticIds.WrongType, ManifestMessages.KeyNotAName(entry.Key.Describe()), Span(entry.Key));
                    continue;
                }

                var key = keyNode.Value;
                if (Array.IndexOf(allowed, key) < 0)
                {
                    var message = ManifestMessages.UnknownKey(key, location, allowed, KeySuggestions.Closest(key, allowed));
                    Report(ManifestDiagnosticIds.UnknownKey, message, Span(keyNode));
                    continue;
                }

                if (seen.TryGetValue(key, out var first))
                {
                    Report(ManifestDiagnosticIds.DuplicateKey, ManifestMessages.DuplicateKey(key, _lines.LineOf(first.Start)), Span(keyNode));
                    continue;
                }

                seen.Add(key, keyNode);

                // "key:" with nothing after it: report problems about the missing value on the key, not on an empty span.
                var value = entry.Value is YamlScalarValue { IsNull: true } empty && empty.End <= empty.Start
                    ? empty.At(keyNode.Start, keyNode.End)
                    : entry.Value;
                read(key, keyNode, value);
            }

            return new HashSet<string>(seen.Keys, StringComparer.Ordinal);
        }

        private static bool IsUsableClassName(string name) =>
            ManifestNames.IsValidIdentifier(name)
            && !ManifestNames.IsLowercaseAsciiName(name)
            && Array.IndexOf(GeneratedMemberNames, name) < 0;

        private static bool IsInteger(string text)
        {
            var start = text.Length > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
            if (start == text.Length)
            {
                return false;
            }

            for (var i = start; i < text.Length; i++)
            {
                if (text[i] < '0' || text[i] > '9')
                {
                    return false;
                }
            }

            return true;
        }

        // [+-] digits [. digits] [(e|E) [+-] digits], with at least one digit before the exponent.
        private static bool IsDecimal(string text)
        {
            var i = text.Length > 0 && (text[0] == '-' || text[0] == '+') ? 1 : 0;
            var digits = 0;
            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                i++;
                digits++;
            }

            if (i < text.Length && text[i] == '.')
            {
                i++;
                while (i < text.Length && text[i] is >= '0' and <= '9')
                {
                    i++;
                    digits++;
                }
            }

            if (digits == 0)
            {
                return false;
            }

            if (i < text.Length && text[i] is 'e' or 'E')
            {
                i++;
                if (i < text.Length && text[i] is '+' or '-')
                {
                    i++;
                }

                var exponentDigits = 0;
                while (i < text.Length && text[i] is >= '0' and <= '9')
                {
                    i++;
                    exponentDigits++;
                }

                if (exponentDigits == 0)
                {
                    return false;
                }
            }

            return i == text.Length;
        }

        private void WrongType(YamlValue value, string what, string expected, string example) =>
            Report(ManifestDiagnosticIds.WrongType, ManifestMessages.WrongType(what, expected, value.Describe(), example), Span(value));

        private ManifestSpan Span(YamlValue value) => _lines.Span(value.Start, value.End);

        private void Report(string id, string message, ManifestSpan span) =>
            _diagnostics.Add(new ManifestDiagnostic(id, message, span));

        private ManifestParseResult Result()
        {
            if (_multiLabel && _labels.Labels.Count > MaxMultiLabelLabels)
            {
                Report(ManifestDiagnosticIds.ValueOutOfRange, "A multi-label manifest has at most " + MaxMultiLabelLabels + " labels (one bit each of the generated [Flags] enum), found " + _labels.Labels.Count + ". Use problem: single-label, or split the labels over several models.", _labelsSpan ?? ManifestSpan.DocumentStart);
            }

            if (_tuneThresholds is { } tuneSpan && !_multiLabel)
            {
                Report(ManifestDiagnosticIds.ValueOutOfRange, "thresholds: tune applies to multi-label models (a threshold per label); add problem: multi-label, or remove thresholds.", tuneSpan);
            }
            else if (_tuneThresholds is { } span && _validate is null)
            {
                Report(ManifestDiagnosticIds.MissingKey, "thresholds: tune needs validation data to tune on: add validate: { data: <file> }, or remove thresholds.", span);
            }

            var pair = ResolveInput();
            CheckValidationPairs(pair);

            // Text order (stable for problems at the same place), so output is deterministic and reads top-down.
            var diagnostics = _diagnostics.OrderBy(d => d.Span.StartIndex).ToEquatableArray();
            if (!diagnostics.IsEmpty
                || _className is null
                || _namespace is null
                || _modelSource is null
                || (_labels.Labels.Count == 0 && !_labelsMissing))
            {
                if (diagnostics.IsEmpty)
                {
                    // Every path that leaves a value unset reports why; this guards the invariant.
                    throw new InvalidOperationException("The manifest is incomplete but no problem was reported.");
                }

                return new ManifestParseResult(_path, null, diagnostics) { LabelsMissing = _labelsMissing };
            }

            var manifest = new ClassifierManifest(
                _path,
                _className,
                _classNameSpan,
                _namespace,
                ManifestNames.EnumName(_className),
                ManifestNames.ModelName(_path),
                _modelSource,
                _modelSourceSpan,
                _labels.Labels.ToEquatableArray(),
                _maxTokens,
                _lowercase)
            {
                HubModel = _hubModel,
                ModelFile = _modelFile,
                ModelFileSpan = _modelFileSpan,
                LabelSource = _labelsMissing ? LabelSource.Missing : LabelSource.Manifest,
                LabelsSpan = _labelsSpan,
                Quantize = _quantize,
                Validate = _validate,
                MultiLabel = _multiLabel,
                TuneThresholds = _tuneThresholds is not null,
                Pair = pair,
            };
            return new ManifestParseResult(_path, manifest, diagnostics) { LabelsMissing = _labelsMissing };
        }
    }

    private static class Keys
    {
        public const string Classifier = "classifier";
        public const string Namespace = "namespace";
        public const string Model = "model";
        public const string Labels = "labels";
        public const string Tokenizer = "tokenizer";
        public const string Source = "source";
        public const string File = "file";
        public const string MaxTokens = "maxTokens";
        public const string Lowercase = "lowercase";
        public const string Quantize = "quantize";
        public const string Mode = "mode";
        public const string MaxAccuracyDrop = "maxAccuracyDrop";
        public const string Validate = "validate";
        public const string Problem = "problem";
        public const string Thresholds = "thresholds";
        public const string Input = "input";
        public const string Inputs = "inputs";
        public const string Data = "data";
        public const string Config = "config";
        public const string Split = "split";
        public const string Indices = "indices";
        public const string TextColumn = "textColumn";
        public const string TextPairColumn = "textPairColumn";
        public const string LabelColumn = "labelColumn";
        public const string MinAccuracy = "minAccuracy";
        public const string MinMacroF1 = "minMacroF1";
        public const string MaxP95LatencyMs = "maxP95LatencyMs";
    }
}
