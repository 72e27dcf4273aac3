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
/// <param name="ModelSource">model.source as written (a folder relative to the manifest, for now).</param>
/// <param name="ModelSourceSpan">Where model.source's value is.</param>
/// <param name="Labels">The labels in model output order.</param>
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
    /// <summary><c>Namespace.ClassName</c>.</summary>
    public string FullClassName => Namespace + "." + ClassName;

    /// <summary><c>Namespace.EnumName</c>.</summary>
    public string FullEnumName => Namespace + "." + EnumName;

    /// <summary>
    /// The absolute folder model.source names, resolved against the manifest's directory; <see langword="null"/>
    /// when the source is not a local path (for example a future <c>hf:</c> reference).
    /// </summary>
    public string? ResolveModelDirectory() => ManifestPaths.ResolveModelSource(Path, ModelSource);
}

/// <summary>One entry of <c>labels:</c>.</summary>
/// <param name="Name">The label exactly as written; it must match the model's label name.</param>
/// <param name="MemberName">The enum member: <see cref="Name"/> PascalCased (see <see cref="ManifestNames.ToPascalCase"/>).</param>
/// <param name="Span">Where the label is in the manifest.</param>
public sealed record LabelSpec(string Name, string MemberName, ManifestSpan Span);

/// <summary>A problem in a manifest: a stable id (FBxxxx, see <see cref="ManifestDiagnosticIds"/>), what to write instead, and where.</summary>
/// <param name="Id">The diagnostic id, e.g. "FB0002".</param>
/// <param name="Message">A message saying what is wrong and how to fix it.</param>
/// <param name="Span">Where in the manifest.</param>
public sealed record ManifestDiagnostic(string Id, string Message, ManifestSpan Span)
{
    /// <summary>"FB0002 (3,1)-(3,7): message".</summary>
    public override string ToString() => Id + " " + Span + ": " + Message;
}

/// <summary>
/// What <see cref="ManifestParser.Parse"/> returns: the manifest when it has no errors, and every problem found.
/// </summary>
/// <param name="Path">The manifest's path, as given to the parser.</param>
/// <param name="Manifest">The parsed manifest; <see langword="null"/> exactly when <see cref="Diagnostics"/> is not empty.</param>
/// <param name="Diagnostics">Every problem found (all are errors), in text order.</param>
public sealed record ManifestParseResult(string Path, ClassifierManifest? Manifest, EquatableArray<ManifestDiagnostic> Diagnostics)
{
    /// <summary>True when the manifest parsed without errors.</summary>
    public bool Success => Manifest is not null;
}
