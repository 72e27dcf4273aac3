using FastBert.Manifest;

namespace FastBert.Generator;

/// <summary>
/// Exactly what the emitter needs from a manifest, without positions: editing comments or whitespace in a manifest
/// changes its spans but not this model, so the source is not re-emitted.
/// </summary>
internal sealed record ClassifierModel(
    string Namespace,
    string ClassName,
    string EnumName,
    string ModelName,
    string ManifestPath,
    EquatableArray<LabelModel> Labels,
    int? MaxTokens,
    bool? Lowercase,
    bool MultiLabel = false,
    PairInputModel? Pair = null)
{
    public static ClassifierModel From(ClassifierManifest manifest)
    {
        return new ClassifierModel(
            manifest.Namespace,
            manifest.ClassName,
            manifest.EnumName,
            manifest.ModelName,
            manifest.Path,
            manifest.Labels.Select(static label => new LabelModel(label.Name, label.MemberName)).ToEquatableArray(),
            manifest.MaxTokens,
            manifest.Lowercase,
            manifest.MultiLabel,
            manifest.Pair is { } pair ? new PairInputModel(PairPartModel.From(pair.First), PairPartModel.From(pair.Second)) : null);
    }

    /// <summary><c>Namespace.ClassName</c>.</summary>
    public string FullClassName => Namespace + "." + ClassName;

    /// <summary>The manifest's file name, for documentation.</summary>
    public string ManifestFileName => ManifestPath.Substring(Math.Max(ManifestPath.LastIndexOf('/'), ManifestPath.LastIndexOf('\\')) + 1);
}

/// <summary>A label as written and its enum member.</summary>
internal sealed record LabelModel(string Name, string MemberName);

/// <summary>A sentence-pair classifier's two parts, in token-type order.</summary>
internal sealed record PairInputModel(PairPartModel First, PairPartModel Second);

/// <summary>One part of a pair: its parameter in the single-pair methods (camelCased) and in the batch methods (plural), unescaped.</summary>
internal sealed record PairPartModel(string ParameterName, string BatchParameterName)
{
    public static PairPartModel From(InputPart part) => new(part.ParameterName, part.BatchParameterName);
}
