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
    bool MultiLabel = false)
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
            manifest.MultiLabel);
    }

    /// <summary><c>Namespace.ClassName</c>.</summary>
    public string FullClassName => Namespace + "." + ClassName;

    /// <summary>The manifest's file name, for documentation.</summary>
    public string ManifestFileName => ManifestPath.Substring(Math.Max(ManifestPath.LastIndexOf('/'), ManifestPath.LastIndexOf('\\')) + 1);
}

/// <summary>A label as written and its enum member.</summary>
internal sealed record LabelModel(string Name, string MemberName);
