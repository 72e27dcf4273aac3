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
///   source: model/                  # required; model folder relative to the manifest
/// labels: [ham, spam]               # required; model output order
/// tokenizer: { maxTokens: 128, lowercase: true }   # optional
/// </code>
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
    internal static readonly string[] GeneratedMemberNames = { "ModelName", "Definition", "Load" };

    /// <summary>Parses <paramref name="text"/>, the content of the manifest at <paramref name="path"/>.</summary>
    /// <param name="path">The manifest's path; its file name gives the model name and the default class name.</param>
    /// <param name="text">The manifest's text.</param>
    /// <param name="rootNamespace">The project's RootNamespace, used when the manifest has no <c>namespace:</c>; may be null or empty.</param>
    /// <returns>The manifest when valid, and every problem found.</returns>
    public static ManifestParseResult Parse(string path, string text, string? rootNamespace)
    {
        path ??= string.Empty;
        try
        {
            return new Session(path, text ?? string.Empty, rootNamespace).Run();
        }
        catch (Exception exception)
        {
            var diagnostic = new ManifestDiagnostic(
                ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception), ManifestSpan.DocumentStart);
            return new ManifestParseResult(path, null, EquatableArray.Create(diagnostic));
        }
    }

    /// <summary>One parse: walks the YAML tree once, collecting values and diagnostics.</summary>
    private sealed class Session
    {
        private static readonly string[] RootKeys = { Keys.Classifier, Keys.Namespace, Keys.Model, Keys.Labels, Keys.Tokenizer };
        private static readonly string[] ModelKeys = { Keys.Source };
        private static readonly string[] TokenizerKeys = { Keys.MaxTokens, Keys.Lowercase };
        private static readonly string[] FutureRootKeys = { "quantize", "validate" };

        private readonly string _path;
        private readonly string _text;
        private readonly string? _rootNamespace;
        private readonly LineMap _lines;
        private readonly List<ManifestDiagnostic> _diagnostics = new();

        private string? _className;
        private ManifestSpan? _classNameSpan;
        private string? _namespace;
        private string? _modelSource;
        private ManifestSpan _modelSourceSpan;
        private readonly List<LabelSpec> _labels = new();
        private int? _maxTokens;
        private bool? _lowercase;

        public Session(string path, string text, string? rootNamespace)
        {
            _path = path;
            _text = text;
            _rootNamespace = rootNamespace;
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
            var seen = ReadEntries(root, "in the manifest", RootKeys, FutureRootKeys, (key, keyNode, value) =>
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
                        ReadLabels(value);
                        break;
                    case Keys.Tokenizer:
                        ReadTokenizer(value);
                        break;
                }
            });

            if (!seen.Contains(Keys.Model))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingModel(), ManifestSpan.DocumentStart);
            }

            if (!seen.Contains(Keys.Labels))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingLabels(), ManifestSpan.DocumentStart);
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

            var seen = ReadEntries(mapping, "under 'model'", ModelKeys, null, (key, _, entry) =>
            {
                if (entry is not YamlScalarValue { IsNull: false } source || source.Value.Trim().Length == 0)
                {
                    WrongType(entry, "'model.source'", "the model folder, relative to the manifest", "source: model/");
                    return;
                }

                _modelSource = source.Value;
                _modelSourceSpan = Span(entry);
            });

            if (!seen.Contains(Keys.Source))
            {
                Report(ManifestDiagnosticIds.MissingKey, ManifestMessages.MissingModelSource(), Span(keyNode));
            }
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

            var byName = new Dictionary<string, LabelSpec>(StringComparer.OrdinalIgnoreCase);
            var byMember = new Dictionary<string, LabelSpec>(StringComparer.Ordinal);
            for (var index = 0; index < sequence.Items.Count; index++)
            {
                var item = sequence.Items[index];
                var span = Span(item);
                if (item is not YamlScalarValue scalar)
                {
                    WrongType(item, "Label " + (index + 1).ToString(CultureInfo.InvariantCulture), "a label name", "- spam");
                    continue;
                }

                if (scalar.IsNull || scalar.Value.Length == 0)
                {
                    Report(ManifestDiagnosticIds.InvalidLabelName, ManifestMessages.EmptyLabel(index), span);
                    continue;
                }

                var name = scalar.Value;
                var member = ManifestNames.ToPascalCase(name);
                if (member.Length == 0)
                {
                    Report(ManifestDiagnosticIds.InvalidLabelName, ManifestMessages.LabelWithoutWord(name, index), span);
                    continue;
                }

                if (!ManifestNames.IsValidIdentifier(member))
                {
                    Report(ManifestDiagnosticIds.InvalidLabelName, ManifestMessages.InvalidLabel(name, member), span);
                    continue;
                }

                var label = new LabelSpec(name, member, span);
                if (byName.TryGetValue(name, out var sameName))
                {
                    Report(ManifestDiagnosticIds.DuplicateLabel, ManifestMessages.DuplicateLabel(name, sameName.Name, sameName.Span.StartLine), span);
                    continue;
                }

                if (byMember.TryGetValue(member, out var sameMember))
                {
                    Report(
                        ManifestDiagnosticIds.DuplicateLabel,
                        ManifestMessages.DuplicateMember(name, sameMember.Name, sameMember.Span.StartLine, member),
                        span);
                    continue;
                }

                byName.Add(name, label);
                byMember.Add(member, label);
                _labels.Add(label);
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

            ReadEntries(mapping, "under 'tokenizer'", TokenizerKeys, null, (key, _, entry) =>
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

        /// <summary>
        /// Walks a mapping's entries: reports keys that are not names, unknown keys (with the closest allowed key)
        /// and repeated keys, and hands each first known key to <paramref name="read"/>.
        /// </summary>
        /// <returns>The known keys present.</returns>
        private HashSet<string> ReadEntries(
            YamlMappingValue mapping,
            string location,
            string[] allowed,
            string[]? future,
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
                    var message = future is not null && Array.IndexOf(future, key) >= 0
                        ? ManifestMessages.UnsupportedKey(key, allowed)
                        : ManifestMessages.UnknownKey(key, location, allowed, KeySuggestions.Closest(key, allowed));
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

        private void WrongType(YamlValue value, string what, string expected, string example) =>
            Report(ManifestDiagnosticIds.WrongType, ManifestMessages.WrongType(what, expected, value.Describe(), example), Span(value));

        private ManifestSpan Span(YamlValue value) => _lines.Span(value.Start, value.End);

        private void Report(string id, string message, ManifestSpan span) =>
            _diagnostics.Add(new ManifestDiagnostic(id, message, span));

        private ManifestParseResult Result()
        {
            // Text order (stable for problems at the same place), so output is deterministic and reads top-down.
            var diagnostics = _diagnostics.OrderBy(d => d.Span.StartIndex).ToEquatableArray();
            if (!diagnostics.IsEmpty || _className is null || _namespace is null || _modelSource is null || _labels.Count == 0)
            {
                if (diagnostics.IsEmpty)
                {
                    // Every path that leaves a value unset reports why; this guards the invariant.
                    throw new InvalidOperationException("The manifest is incomplete but no problem was reported.");
                }

                return new ManifestParseResult(_path, null, diagnostics);
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
                _labels.ToEquatableArray(),
                _maxTokens,
                _lowercase);
            return new ManifestParseResult(_path, manifest, diagnostics);
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
        public const string MaxTokens = "maxTokens";
        public const string Lowercase = "lowercase";
    }
}
