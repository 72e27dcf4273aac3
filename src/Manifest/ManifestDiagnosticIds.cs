using System.Globalization;

namespace FastBert.Manifest;

/// <summary>
/// The catalog of manifest diagnostic ids. Ids are stable: never reuse or renumber one. The source generator, the
/// build task and the tool all report these (docs/diagnostics.md explains each).
/// </summary>
public static class ManifestDiagnosticIds
{
    /// <summary>The manifest is not valid YAML (or holds more than one document, or an alias without anchor).</summary>
    public const string YamlSyntaxError = "FB0001";

    /// <summary>A key the manifest schema does not know (typos get a suggestion).</summary>
    public const string UnknownKey = "FB0002";

    /// <summary>A value of the wrong kind: a mapping where a list is expected, text where a number is expected…</summary>
    public const string WrongType = "FB0003";

    /// <summary>
    /// A required key is missing: model, model.source, validate.data, validate.split (a Hub dataset), or labels (when no lock file provides them: the
    /// source generator says which lock file it looked for).
    /// </summary>
    public const string MissingKey = "FB0004";

    /// <summary>The labels list is empty.</summary>
    public const string EmptyLabels = "FB0005";

    /// <summary>Two labels are equal ignoring case, or PascalCase to the same enum member.</summary>
    public const string DuplicateLabel = "FB0006";

    /// <summary>A label does not become a valid C# enum member when PascalCased.</summary>
    public const string InvalidLabelName = "FB0007";

    /// <summary>The class name or namespace is not a valid C# name.</summary>
    public const string InvalidTypeName = "FB0008";

    /// <summary>A number outside its allowed range (tokenizer.maxTokens, quantize.maxAccuracyDrop, validate.minAccuracy, validate.minMacroF1, validate.maxP95LatencyMs).</summary>
    public const string ValueOutOfRange = "FB0009";

    /// <summary>Two manifests generate a type with the same full name (reported by the source generator).</summary>
    public const string ClassNameClash = "FB0010";

    /// <summary>The manifest has no content.</summary>
    public const string EmptyManifest = "FB0011";

    /// <summary>A key appears twice in the same mapping.</summary>
    public const string DuplicateKey = "FB0012";

    /// <summary>The manifest file could not be read.</summary>
    public const string UnreadableManifest = "FB0013";

    /// <summary>Two manifests have the same file name, so their models would share an output folder (reported by the source generator).</summary>
    public const string ModelNameClash = "FB0014";

    /// <summary>model.source starts with <c>hf:</c> but is not a valid Hugging Face Hub reference (<c>hf:org/name@revision</c>).</summary>
    public const string InvalidHubReference = "FB0015";

    /// <summary>The manifest's lock file (<c>spam.lock.json</c>), needed for its labels, is not valid JSON or its "labels" is not an array of strings.</summary>
    public const string InvalidLockFile = "FB0016";

    /// <summary>validate.data starts with <c>hf-dataset:</c> (or <c>hf:</c>) but is not a valid Hub dataset reference (<c>hf-dataset:org/name@revision</c>).</summary>
    public const string InvalidHubDatasetReference = "FB0017";

    /// <summary>validate.config or validate.split is written but validate.data is a local file, not a Hub dataset.</summary>
    public const string DatasetKeyWithoutDataset = "FB0018";

    /// <summary>
    /// <c>inputs:</c> does not name exactly two distinct parts that become C# parameter names, or contradicts
    /// <c>input: single</c>.
    /// </summary>
    public const string InvalidInputs = "FB0019";

    /// <summary>
    /// validate.textPairColumn disagrees with the classifier's input: written for a one-text classifier, the same column
    /// as validate.textColumn, or missing for a sentence-pair classifier that has validation data.
    /// </summary>
    public const string InvalidValidationPairs = "FB0020";
    /// <summary>model.file is not a relative path to an .onnx file inside the model folder, written with '/'.</summary>
    public const string InvalidModelFile = "FB0021";

    /// <summary>An unexpected internal error; a bug to report.</summary>
    public const string InternalError = "FB0099";

    /// <summary>The <c>&lt;BertModel Include="…"&gt;</c> manifest file does not exist (build task).</summary>
    public const string ManifestNotFound = "FB0100";

    /// <summary>model.source is not a folder (build task, prepare).</summary>
    public const string ModelFolderNotFound = "FB0101";

    /// <summary>The model folder lacks files the runtime or the exporter needs.</summary>
    public const string ModelFilesMissing = "FB0102";

    /// <summary>The model folder could not be read or exported: corrupt or hostile files, unsupported model_type.</summary>
    public const string ModelUnreadable = "FB0103";

    /// <summary>Preparing the model (<c>fastbert prepare</c>) failed for a reason without a code of its own.</summary>
    public const string PrepareFailed = "FB0300";

    /// <summary>Validation accuracy is below validate.minAccuracy.</summary>
    public const string AccuracyGate = "FB0301";

    /// <summary>int8 quantization was refused by its accuracy guard.</summary>
    public const string QuantizationRefused = "FB0302";

    /// <summary>Validation macro F1 is below validate.minMacroF1.</summary>
    public const string MacroF1Gate = "FB0303";

    /// <summary>p95 latency at batch 1 is above validate.maxP95LatencyMs.</summary>
    public const string LatencyGate = "FB0304";

    /// <summary>A Hub file's sha256 differs from the one the lock file records.</summary>
    public const string LockMismatch = "FB0305";

    /// <summary>The manifest's labels disagree with the model's (count, names or order).</summary>
    public const string LabelMismatch = "FB0306";

    /// <summary>validate.data or validate.indices is missing, unreadable, or not valid labelled data.</summary>
    public const string ValidationDataUnreadable = "FB0307";

    /// <summary>
    /// The build needs the fastbert tool (a Hub source, quantize or validate) and cannot start it: no local tool manifest,
    /// FastBertToolPath or PATH entry provides it, or the version a local tool manifest pins is not restored.
    /// </summary>
    public const string ToolNotFound = "FB0310";

    /// <summary>The fastbert tool the build found is not the FastBert.Sdk's version (a warning).</summary>
    public const string ToolVersionMismatch = "FB0311";

    /// <summary>Every id, in order.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        YamlSyntaxError, UnknownKey, WrongType, MissingKey, EmptyLabels, DuplicateLabel, InvalidLabelName,
        InvalidTypeName, ValueOutOfRange, ClassNameClash, EmptyManifest, DuplicateKey, UnreadableManifest,
        ModelNameClash, InvalidHubReference, InvalidLockFile, InvalidHubDatasetReference, DatasetKeyWithoutDataset, InvalidInputs, InvalidValidationPairs, InvalidModelFile, InternalError,
        ManifestNotFound, ModelFolderNotFound, ModelFilesMissing, ModelUnreadable,
        PrepareFailed, AccuracyGate, QuantizationRefused, MacroF1Gate, LatencyGate, LockMismatch, LabelMismatch,
        ValidationDataUnreadable, ToolNotFound, ToolVersionMismatch,
    };

    /// <summary>The help page anchor of an id.</summary>
    public static string HelpLink(string id) =>
        "https://github.com/fastbert/fastbert/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant();
}

/// <summary>
/// The messages of the diagnostics in <see cref="ManifestDiagnosticIds"/>. Each says what is wrong and what to write
/// instead; all are formatted under the invariant culture.
/// </summary>
public static class ManifestMessages
{
    private const string LabelsExample = "labels: [ham, spam]";
    private const string ModelExample = "model: { source: model/ }";
    private const string InputsExample = "inputs: [premise, hypothesis]";

    /// <summary>FB0001 for a YamlDotNet syntax error.</summary>
    public static string YamlSyntaxError(string yamlMessage) =>
        "The manifest is not valid YAML: " + Sentence(yamlMessage)
        + " Fix the YAML here (check the indentation, the ':' after each key and closing brackets and quotes).";

    /// <summary>FB0001 for a '[' or '{' that is not closed.</summary>
    public static string UnclosedBracket(char open, char close) =>
        "The manifest is not valid YAML: this '" + open + "' is not closed. Add '" + close
        + "' after the last item, before the next key.";

    /// <summary>FB0001 for a second document in the file.</summary>
    public static string SecondDocument() =>
        "A manifest holds one YAML document, but a second one starts here. Remove this '---' and what follows it, or move it to its own manifest file.";

    /// <summary>FB0001 for an alias whose anchor is not defined before it.</summary>
    public static string UnknownAlias(string name) =>
        "The alias '*" + name + "' refers to no anchor defined before it. Define '&" + name + "' earlier or write the value here.";

    /// <summary>FB0001 for brackets nested deeper than the parser accepts.</summary>
    public static string TooDeeplyNested(int maxDepth) =>
        "The manifest nests '[' and '{' more than " + Number(maxDepth)
        + " levels deep. A manifest needs three levels at most; remove the extra brackets.";

    /// <summary>FB0002.</summary>
    /// <param name="key">The unknown key.</param>
    /// <param name="location">"in the manifest", "under 'model'"…</param>
    /// <param name="allowed">The keys allowed there.</param>
    /// <param name="suggestion">The closest allowed key, if any is close.</param>
    public static string UnknownKey(string key, string location, IEnumerable<string> allowed, string? suggestion) =>
        "Unknown key '" + key + "' " + location + "."
        + (suggestion is null ? string.Empty : " Did you mean '" + suggestion + "'?")
        + " Allowed keys: " + string.Join(", ", allowed) + ".";

    /// <summary>FB0003.</summary>
    /// <param name="what">What has the wrong type: "'labels'", "'tokenizer.maxTokens'", "Label 2"…</param>
    /// <param name="expected">"a list of label names", "a whole number"…</param>
    /// <param name="found">What was written: "a mapping", "the text 'abc'"…</param>
    /// <param name="example">What to write instead.</param>
    public static string WrongType(string what, string expected, string found, string example) =>
        what + " must be " + expected + ", but it is " + found + ". Write it like '" + example + "'.";

    /// <summary>FB0003 for a mapping key that is not a plain name.</summary>
    public static string KeyNotAName(string found) =>
        "Keys must be names like 'labels', but this key is " + found + ". Write 'name: value' entries.";

    /// <summary>FB0004 for the top-level 'model' key.</summary>
    public static string MissingModel() =>
        "The manifest has no 'model' key. Add the model folder, relative to the manifest, like '" + ModelExample + "'.";

    /// <summary>FB0004 for model.source.</summary>
    public static string MissingModelSource() =>
        "'model' has no 'source'. Add the model folder, relative to the manifest, like '" + ModelExample + "'.";

    /// <summary>FB0004 for labels, when they are required (no lock file is considered).</summary>
    public static string MissingLabels() =>
        "The manifest has no 'labels' key. List the model's labels in output order, like '" + LabelsExample + "'.";

    /// <summary>FB0004 for labels when the manifest has none and its lock file is not there.</summary>
    /// <param name="lockFileName">The lock file looked for, e.g. "spam.lock.json".</param>
    public static string MissingLabelsAndLockFile(string lockFileName) =>
        "Labels missing: the manifest has no 'labels' key and there is no lock file '" + lockFileName
        + "' beside it. Write the model's labels in output order, like '" + LabelsExample
        + "'. The build records model.source's config.json id2label in " + lockFileName
        + " before compiling when it has one: if you see this, config.json has no id2label or the model could not be read (see the errors before this one).";

    /// <summary>FB0004 for labels when the manifest has none and its lock file lists none.</summary>
    public static string LockFileWithoutLabels(string lockFileName) =>
        "Labels missing: the manifest has no 'labels' key and its lock file '" + lockFileName
        + "' has no \"labels\" (the checkpoint's config.json has no id2label). Write the model's labels in output order, like '"
        + LabelsExample + "'.";

    /// <summary>FB0004 for validate.data.</summary>
    public static string MissingValidationData() =>
        "'validate' has no 'data'. Add the validation file, relative to the manifest, like 'validate: { data: data/val.tsv }'; the thresholds are checked on it.";

    /// <summary>FB0005.</summary>
    public static string EmptyLabels() =>
        "'labels' is empty. List the model's labels in output order, like '" + LabelsExample + "'.";

    /// <summary>FB0006 for labels equal ignoring case.</summary>
    public static string DuplicateLabel(string label, string first, int firstLine) =>
        "The label '" + label + "' repeats '" + first + "' from line " + Number(firstLine + 1)
        + " (labels are compared ignoring case). List each label once.";

    /// <summary>FB0006 for labels whose enum members are equal.</summary>
    public static string DuplicateMember(string label, string first, int firstLine, string member) =>
        "The labels '" + label + "' and '" + first + "' (line " + Number(firstLine + 1) + ") both become the enum member '"
        + member + "'. Rename one so their PascalCased names differ.";

    /// <summary>FB0007 for an empty label.</summary>
    public static string EmptyLabel(int index) =>
        "Label " + Number(index + 1) + " is empty. Write the label's name, like '- spam'.";

    /// <summary>FB0007 for a label with no letters or digits.</summary>
    public static string LabelWithoutWord(string label, int index) =>
        "The label '" + label + "' has no letters or digits, so it cannot become an enum member. Use a name with letters, like 'Label"
        + Number(index) + "'.";

    /// <summary>FB0007 for a label whose PascalCased form is not an identifier (it starts with a digit).</summary>
    public static string InvalidLabel(string label, string member) =>
        "The label '" + label + "' becomes the enum member '" + member + "', which is not a valid C# identifier. "
        + "Start the label with a letter, like 'Label" + member + "'.";

    /// <summary>FB0008 for classifier:.</summary>
    public static string InvalidClassName(string name) =>
        ManifestNames.IsKeyword(name)
            ? "'" + name + "' is a C# keyword, so it cannot be the class name. Write another name, like '" + ManifestNames.ToPascalCase(name) + "Classifier'."
            : "'" + name + "' is not a valid C# class name. Use letters, digits and '_', starting with a letter, like 'SpamClassifier'.";

    /// <summary>FB0008 for an all-lowercase class name.</summary>
    public static string LowercaseClassName(string name) =>
        "The class name '" + name + "' is all lowercase ASCII, which C# reserves for future keywords (warning CS8981). Write it in PascalCase, like '"
        + ManifestNames.ToPascalCase(name) + "Classifier'.";

    /// <summary>FB0008 for a class name equal to one of the generated class's members.</summary>
    public static string ClassNameIsMember(string name) =>
        "'" + name + "' is also the name of a member of the generated class. Write another class name, like '" + name + "Classifier'.";

    /// <summary>FB0008 for a default class name (from the file name) that is not valid.</summary>
    public static string InvalidDefaultClassName(string name, string fileName) =>
        "The class name '" + name + "' made from the file name '" + fileName
        + "' is not a valid C# class name. Add 'classifier: SpamClassifier' (your name) to the manifest, or rename the file.";

    /// <summary>FB0008 for namespace:.</summary>
    public static string InvalidNamespace(string name) =>
        "'" + name + "' is not a valid C# namespace. Use identifiers (not keywords) separated by dots, like 'Contoso.Messaging'.";

    /// <summary>FB0008 for an invalid project RootNamespace used as the default namespace.</summary>
    public static string InvalidDefaultNamespace(string name) =>
        "The project's RootNamespace '" + name + "' is not a valid C# namespace. Add 'namespace: Contoso.Messaging' (your namespace) to the manifest, or fix RootNamespace.";

    /// <summary>FB0009 for a fraction (quantize.maxAccuracyDrop, validate.minAccuracy, validate.minMacroF1).</summary>
    /// <param name="what">"quantize.maxAccuracyDrop"…</param>
    /// <param name="value">The value as written.</param>
    /// <param name="example">A value in range, e.g. "minAccuracy: 0.97".</param>
    public static string FractionOutOfRange(string what, string value, string example) =>
        what + " is " + value + ", but it must be a fraction between 0 and 1 (0.97 means 97%). Write a value in range, like '"
        + example + "'.";

    /// <summary>FB0009 for validate.maxP95LatencyMs.</summary>
    public static string LatencyOutOfRange(string value) =>
        "validate.maxP95LatencyMs is " + value + ", but it must be more than 0 milliseconds. Write a value in range, like 'maxP95LatencyMs: 10'.";

    /// <summary>FB0009 for tokenizer.maxTokens.</summary>
    public static string MaxTokensOutOfRange(string value, int min, int max) =>
        "tokenizer.maxTokens is " + value + ", but it must be between " + Number(min) + " and " + Number(max)
        + " (it counts [CLS] and [SEP]). Write a value in range, like 'maxTokens: 128'.";

    /// <summary>FB0010.</summary>
    public static string ClassNameClash(string typeName, string otherManifest) =>
        "The manifest '" + otherManifest + "' also generates the type '" + typeName
        + "' (type names are compared ignoring case). Give one of them another 'classifier:' or 'namespace:'.";

    /// <summary>FB0011.</summary>
    public static string EmptyManifest() =>
        "The manifest is empty. Write at least '" + ModelExample + "' and '" + LabelsExample + "' on two lines.";

    /// <summary>FB0012.</summary>
    public static string DuplicateKey(string key, int firstLine) =>
        "The key '" + key + "' appears twice; the first is on line " + Number(firstLine + 1) + ". Keep only one.";

    /// <summary>FB0013.</summary>
    public static string UnreadableManifest() =>
        "The manifest file could not be read. Check that it exists and is a UTF-8 text file.";

    /// <summary>FB0014.</summary>
    public static string ModelNameClash(string modelName, string otherManifest) =>
        "The manifest '" + otherManifest + "' has the same file name, so both models would be copied to 'fastbert/" + modelName
        + "' (compared ignoring case). Rename one of the manifest files.";

    /// <summary>FB0015.</summary>
    /// <param name="source">model.source as written.</param>
    /// <param name="problem">What is wrong (a sentence ending with a period).</param>
    public static string InvalidHubReference(string source, string problem) =>
        "'" + source + "' is not a valid Hugging Face Hub reference: " + problem + " Write " + HubModelReference.Syntax
        + ", like 'source: hf:prajjwal1/bert-tiny@main'.";

    /// <summary>FB0021.</summary>
    /// <param name="file">model.file as written.</param>
    /// <param name="reason">Why it cannot be used (no final period).</param>
    public static string InvalidModelFile(string file, string reason) =>
        "model.file '" + file + "' cannot be used: " + reason + ". Write the ONNX file's path inside the model folder with '/', like 'file: "
        + ManifestPaths.ModelFileExample + "', or remove 'file' to use model.onnx (else onnx/model.onnx).";

    /// <summary>FB0017.</summary>
    /// <param name="data">validate.data as written.</param>
    /// <param name="problem">What is wrong (a sentence ending with a period).</param>
    public static string InvalidHubDatasetReference(string data, string problem) =>
        "'" + data + "' is not a valid Hugging Face Hub dataset reference: " + problem + " Write " + HubDatasetReference.Syntax
        + ", like 'validate: { data: hf-dataset:glue@main, config: sst2, split: validation }'.";

    /// <summary>FB0004 for a Hub dataset without validate.split.</summary>
    public static string MissingDatasetSplit(string data) =>
        "validate.data '" + data + "' is a Hub dataset, so 'validate' needs the split to validate on. Add it, like 'split: validation' (and 'config: <name>' when the dataset has several configurations).";

    /// <summary>FB0018.</summary>
    /// <param name="key">"config" or "split".</param>
    /// <param name="data">validate.data as written.</param>
    public static string DatasetKeyWithoutDataset(string key, string data) =>
        "validate." + key + " names a part of a Hub dataset, but validate.data '" + data
        + "' is a local file. Remove '" + key + ":', or write validate.data as a Hub dataset, like 'data: hf-dataset:org/name'.";

    /// <summary>FB0019 for a number of parts other than two.</summary>
    public static string InputsNotTwo(int count) =>
        "'inputs' names " + Number(count) + (count == 1 ? " part" : " parts")
        + ", but a sentence-pair classifier takes exactly two, in the order the model was trained on (token type 0, then 1). Write them like '"
        + InputsExample + "', or remove 'inputs' for one text per call.";

    /// <summary>FB0019 for a part whose camelCased name is not a C# identifier.</summary>
    public static string InvalidInputName(string name, string parameter) =>
        (parameter.Length == 0
            ? "The input part '" + name + "' has no letters or digits"
            : "The input part '" + name + "' becomes the parameter '" + parameter + "', which is not a valid C# identifier")
        + ". Name it with letters first, like '" + InputsExample + "'.";

    /// <summary>FB0019 for two parts with the same parameter name (or batch parameter name).</summary>
    public static string DuplicateInput(string name, string first, string parameter) =>
        "The input parts '" + first + "' and '" + name + "' both become the parameter '" + parameter
        + "'. Give the two parts different names, like '" + InputsExample + "'.";

    /// <summary>FB0019 for a part named like a parameter the generated methods already have.</summary>
    public static string ReservedInputName(string name, string parameter) =>
        "The input part '" + name + "' becomes the parameter '" + parameter
        + "', which the generated async methods already use. Name the part otherwise, like '" + InputsExample + "'.";

    /// <summary>FB0019 for inputs beside input: single.</summary>
    public static string InputsWithSingleInput() =>
        "'input: single' classifies one text per call, but 'inputs' names the two parts of a sentence pair. Write 'input: pair' or remove 'input', or remove 'inputs'.";

    /// <summary>FB0020 for validate.textPairColumn on a one-text classifier.</summary>
    public static string TextPairColumnWithoutPairInput() =>
        "validate.textPairColumn names the second text of sentence pairs, but this classifier takes one text per call. Write 'input: pair' (or 'inputs: [premise, hypothesis]'), or remove textPairColumn.";

    /// <summary>FB0020 for validate.textPairColumn equal to validate.textColumn.</summary>
    public static string TextPairColumnIsTextColumn(string column) =>
        "validate.textPairColumn '" + column + "' is also the text column, so every pair would be a text with itself. Name the column of the second texts, like 'textColumn: sentence1' and 'textPairColumn: sentence2'.";

    /// <summary>FB0020 for a sentence-pair classifier validated without validate.textPairColumn.</summary>
    public static string PairInputWithoutTextPairColumn(string secondPart) =>
        "This sentence-pair classifier is validated on one text per row: add validate.textPairColumn naming the column of each pair's second text ('"
        + secondPart + "'), like 'textPairColumn: sentence2'.";

    /// <summary>FB0016 for a lock file that is not valid.</summary>
    /// <param name="lockFileName">The lock file's name, e.g. "spam.lock.json".</param>
    /// <param name="problem">What is wrong (no final period).</param>
    public static string InvalidLockFile(string lockFileName, string problem) =>
        "The lock file '" + lockFileName + "' is not valid: " + Sentence(problem) + LockFileFix;

    /// <summary>FB0016 for a lock file that cannot be read.</summary>
    public static string UnreadableLockFile(string lockFileName) =>
        "The lock file '" + lockFileName + "' could not be read." + LockFileFix;

    /// <summary>FB0006 for lock-file labels equal ignoring case.</summary>
    public static string LockFileDuplicateLabel(string lockFileName, string label, string first) =>
        "The labels '" + first + "' and '" + label + "' come from the lock file '" + lockFileName
        + "' (the manifest has no 'labels') and are equal ignoring case. Write 'labels: [...]' in the manifest with each label once, in model output order.";

    /// <summary>FB0006 for lock-file labels whose enum members are equal.</summary>
    public static string LockFileDuplicateMember(string lockFileName, string label, string first, string member) =>
        "The labels '" + first + "' and '" + label + "' come from the lock file '" + lockFileName
        + "' (the manifest has no 'labels') and both become the enum member '" + member
        + "'. Write 'labels: [...]' in the manifest with names whose PascalCased forms differ, in model output order.";

    /// <summary>FB0007 for a lock-file label that cannot become an enum member.</summary>
    /// <param name="lockFileName">The lock file's name.</param>
    /// <param name="label">The label.</param>
    /// <param name="index">Its 0-based position.</param>
    /// <param name="member">Its PascalCased form (may be empty).</param>
    public static string LockFileInvalidLabel(string lockFileName, string label, int index, string member) =>
        "Label " + Number(index + 1) + " '" + label + "' comes from the lock file '" + lockFileName + "' (the manifest has no 'labels') and "
        + (member.Length == 0 ? "has no letters or digits" : "becomes '" + member + "', which is not a valid C# identifier")
        + ", so it cannot be an enum member. Write 'labels: [...]' in the manifest with names that start with a letter, like 'Label"
        + Number(index) + "', in model output order.";

    /// <summary>FB0099.</summary>
    public static string InternalError(Exception exception) =>
        "Unexpected error while processing the manifest: " + (exception?.GetType().Name ?? "Exception") + ": "
        + Sentence(exception?.Message ?? string.Empty)
        + " This is a FastBert bug; please report it at https://github.com/fastbert/fastbert/issues.";

    private const string LockFileFix =
        " The lock file is written by `fastbert prepare`: delete it and build again, or write 'labels: [ham, spam]' in the manifest.";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // One line, ending with a period, so it can be followed by another sentence.
    private static string Sentence(string text)
    {
        var line = text.Replace("\r", " ").Replace("\n", " ").Trim();
        return line.Length == 0 ? "(no details)." : line.EndsWith(".", StringComparison.Ordinal) ? line : line + ".";
    }
}
