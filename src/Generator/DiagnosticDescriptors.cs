using FastBert.Manifest;
using Microsoft.CodeAnalysis;

namespace FastBert.Generator;

/// <summary>
/// The catalog of the generator's diagnostics: one descriptor per id of <see cref="ManifestDiagnosticIds"/>. All are
/// errors in the "FastBert" category; the message (built by <see cref="ManifestMessages"/>) says how to fix it.
/// Keep AnalyzerReleases.Unshipped.md in step.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "FastBert";

    public static readonly DiagnosticDescriptor YamlSyntaxError = Create(ManifestDiagnosticIds.YamlSyntaxError, "Manifest is not valid YAML");

    public static readonly DiagnosticDescriptor UnknownKey = Create(ManifestDiagnosticIds.UnknownKey, "Unknown manifest key");

    public static readonly DiagnosticDescriptor WrongType = Create(ManifestDiagnosticIds.WrongType, "Manifest value has the wrong type");

    public static readonly DiagnosticDescriptor MissingKey = Create(ManifestDiagnosticIds.MissingKey, "Required manifest key is missing");

    public static readonly DiagnosticDescriptor EmptyLabels = Create(ManifestDiagnosticIds.EmptyLabels, "Manifest labels are empty");

    public static readonly DiagnosticDescriptor DuplicateLabel = Create(ManifestDiagnosticIds.DuplicateLabel, "Duplicate label");

    public static readonly DiagnosticDescriptor InvalidLabelName = Create(ManifestDiagnosticIds.InvalidLabelName, "Label is not a valid C# enum member");

    public static readonly DiagnosticDescriptor InvalidTypeName = Create(ManifestDiagnosticIds.InvalidTypeName, "Class name or namespace is not a valid C# name");

    public static readonly DiagnosticDescriptor ValueOutOfRange = Create(ManifestDiagnosticIds.ValueOutOfRange, "Manifest value is out of range");

    public static readonly DiagnosticDescriptor ClassNameClash = Create(ManifestDiagnosticIds.ClassNameClash, "Two manifests generate the same type");

    public static readonly DiagnosticDescriptor EmptyManifest = Create(ManifestDiagnosticIds.EmptyManifest, "Manifest is empty");

    public static readonly DiagnosticDescriptor DuplicateKey = Create(ManifestDiagnosticIds.DuplicateKey, "Duplicate manifest key");

    public static readonly DiagnosticDescriptor UnreadableManifest = Create(ManifestDiagnosticIds.UnreadableManifest, "Manifest cannot be read");

    public static readonly DiagnosticDescriptor ModelNameClash = Create(ManifestDiagnosticIds.ModelNameClash, "Two manifests have the same model name");

    public static readonly DiagnosticDescriptor InvalidHubReference = Create(ManifestDiagnosticIds.InvalidHubReference, "Invalid Hugging Face Hub model reference");

    public static readonly DiagnosticDescriptor InvalidLockFile = Create(ManifestDiagnosticIds.InvalidLockFile, "Manifest lock file is not valid");

    public static readonly DiagnosticDescriptor InvalidHubDatasetReference = Create(ManifestDiagnosticIds.InvalidHubDatasetReference, "Invalid Hugging Face Hub dataset reference");

    public static readonly DiagnosticDescriptor DatasetKeyWithoutDataset = Create(ManifestDiagnosticIds.DatasetKeyWithoutDataset, "Dataset key without a Hub dataset");

    public static readonly DiagnosticDescriptor InvalidInputs = Create(ManifestDiagnosticIds.InvalidInputs, "Manifest inputs do not name two parts");

    public static readonly DiagnosticDescriptor InvalidValidationPairs = Create(ManifestDiagnosticIds.InvalidValidationPairs, "validate.textPairColumn does not match the classifier's input");

    public static readonly DiagnosticDescriptor InvalidModelFile = Create(ManifestDiagnosticIds.InvalidModelFile, "Invalid model.file");

    public static readonly DiagnosticDescriptor InternalError = Create(ManifestDiagnosticIds.InternalError, "Unexpected error in the FastBert generator");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new[]
    {
        YamlSyntaxError, UnknownKey, WrongType, MissingKey, EmptyLabels, DuplicateLabel, InvalidLabelName, InvalidTypeName,
        ValueOutOfRange, ClassNameClash, EmptyManifest, DuplicateKey, UnreadableManifest, ModelNameClash, InvalidHubReference,
        InvalidLockFile, InvalidHubDatasetReference, DatasetKeyWithoutDataset, InvalidInputs, InvalidValidationPairs, InvalidModelFile, InternalError,
    }.ToDictionary(static d => d.Id, StringComparer.Ordinal);

    /// <summary>The descriptor of <paramref name="id"/>; <see cref="InternalError"/> for an id this version does not know.</summary>
    public static DiagnosticDescriptor Get(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : InternalError;

    private static DiagnosticDescriptor Create(string id, string title) =>
        new(
            id,
            title,
            messageFormat: "{0}",
            Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            helpLinkUri: ManifestDiagnosticIds.HelpLink(id));
}
