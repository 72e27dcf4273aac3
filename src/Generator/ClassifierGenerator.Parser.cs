using System.Collections.Immutable;
using FastBert.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FastBert.Generator;

public sealed partial class ClassifierGenerator
{
    /// <summary>
    /// The AdditionalFile metadata that marks a manifest; FastBert's props set it to "true" on <c>&lt;BertModel&gt;</c>
    /// items and declare it with <c>&lt;CompilerVisibleItemMetadata Include="AdditionalFiles" MetadataName="FastBertManifest" /&gt;</c>.
    /// </summary>
    public const string ManifestMetadataKey = "build_metadata.AdditionalFiles.FastBertManifest";

    /// <summary>The project's root namespace, the default namespace of generated types (<c>&lt;CompilerVisibleProperty Include="RootNamespace" /&gt;</c>).</summary>
    public const string RootNamespaceKey = "build_property.RootNamespace";

    /// <summary>Reads and parses one AdditionalFile when it is a manifest; null otherwise. Never throws (except on cancellation).</summary>
    private static ManifestParseResult? ParseManifest(
        AdditionalText file,
        AnalyzerConfigOptionsProvider optionsProvider,
        CancellationToken cancellationToken)
    {
        var path = file.Path ?? string.Empty;
        try
        {
            var options = optionsProvider.GetOptions(file);
            if (!options.TryGetValue(ManifestMetadataKey, out var isManifest)
                || !string.Equals(isManifest?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (!options.TryGetValue(RootNamespaceKey, out var rootNamespace))
            {
                optionsProvider.GlobalOptions.TryGetValue(RootNamespaceKey, out rootNamespace);
            }

            var text = file.GetText(cancellationToken);
            if (text is null)
            {
                return Failure(path, ManifestDiagnosticIds.UnreadableManifest, ManifestMessages.UnreadableManifest());
            }

            cancellationToken.ThrowIfCancellationRequested();
            return ManifestParser.Parse(path, text.ToString(), rootNamespace);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Failure(path, ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception));
        }
    }

    /// <summary>
    /// Finds manifests that would generate the same type (class or enum, same namespace, compared ignoring case like
    /// generated file names) or whose models would share an output folder (same file name). Each clashing manifest
    /// gets one diagnostic per other manifest and kind of clash, and no source.
    /// </summary>
    private static ManifestClashes FindClashes(ImmutableArray<ClassifierManifest> manifests, CancellationToken cancellationToken)
    {
        try
        {
            var typeOwners = new Dictionary<string, ClassifierManifest>(StringComparer.OrdinalIgnoreCase);
            var modelOwners = new Dictionary<string, ClassifierManifest>(StringComparer.OrdinalIgnoreCase);
            var blocked = new SortedSet<string>(StringComparer.Ordinal);
            var diagnostics = new List<PathDiagnostic>();
            var reported = new HashSet<(string Target, string Other, string Id)>();

            foreach (var manifest in manifests.OrderBy(static m => m.Path, StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var typeName in new[] { manifest.FullClassName, manifest.FullEnumName })
                {
                    if (typeOwners.TryGetValue(typeName, out var owner))
                    {
                        AddClash(owner, manifest, ManifestDiagnosticIds.ClassNameClash, other => ManifestMessages.ClassNameClash(typeName, other.Path));
                    }
                    else
                    {
                        typeOwners.Add(typeName, manifest);
                    }
                }

                if (modelOwners.TryGetValue(manifest.ModelName, out var modelOwner))
                {
                    AddClash(modelOwner, manifest, ManifestDiagnosticIds.ModelNameClash, other => ManifestMessages.ModelNameClash(manifest.ModelName, other.Path));
                }
                else
                {
                    modelOwners.Add(manifest.ModelName, manifest);
                }
            }

            return new ManifestClashes(blocked.ToEquatableArray(), diagnostics.ToEquatableArray());

            void AddClash(ClassifierManifest first, ClassifierManifest second, string id, Func<ClassifierManifest, string> message)
            {
                if (ReferenceEquals(first, second))
                {
                    return;
                }

                Add(first, second, id, message);
                Add(second, first, id, message);
                blocked.Add(first.Path);
                blocked.Add(second.Path);
            }

            void Add(ClassifierManifest target, ClassifierManifest other, string id, Func<ClassifierManifest, string> message)
            {
                // One diagnostic per pair and id: a class clash usually brings an enum clash along.
                if (!reported.Add((target.Path, other.Path, id)))
                {
                    return;
                }

                var span = id == ManifestDiagnosticIds.ClassNameClash
                    ? target.ClassNameSpan ?? ManifestSpan.DocumentStart
                    : ManifestSpan.DocumentStart;
                diagnostics.Add(new PathDiagnostic(target.Path, new ManifestDiagnostic(id, message(other), span)));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var diagnostic = new ManifestDiagnostic(ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception), ManifestSpan.DocumentStart);
            return new ManifestClashes(
                manifests.Select(static m => m.Path).ToEquatableArray(),
                EquatableArray.Create(new PathDiagnostic(string.Empty, diagnostic)));
        }
    }

    private static ManifestParseResult Failure(string path, string id, string message) =>
        new(path, null, EquatableArray.Create(new ManifestDiagnostic(id, message, ManifestSpan.DocumentStart)));
}
