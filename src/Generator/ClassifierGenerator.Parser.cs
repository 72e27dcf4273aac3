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
    /// gets a diagnostic naming the other and no source.
    /// </summary>
    private static ManifestClashes FindClashes(ImmutableArray<ClassifierManifest> manifests, CancellationToken cancellationToken)
    {
        try
        {
            var ordered = manifests.OrderBy(static m => m.Path, StringComparer.Ordinal).ToArray();
            var typeOwners = new Dictionary<string, ClassifierManifest>(StringComparer.OrdinalIgnoreCase);
            var modelOwners = new Dictionary<string, ClassifierManifest>(StringComparer.OrdinalIgnoreCase);
            var blocked = new SortedSet<string>(StringComparer.Ordinal);
            var diagnostics = new List<PathDiagnostic>();

            foreach (var manifest in ordered)
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var typeName in new[] { manifest.FullClassName, manifest.FullEnumName })
                {
                    if (!typeOwners.TryGetValue(typeName, out var owner))
                    {
                        typeOwners.Add(typeName, manifest);
                        continue;
                    }

                    AddClash(owner, manifest, ManifestDiagnosticIds.ClassNameClash, other => ManifestMessages.ClassNameClash(typeName, other.Path));
                }

                if (!modelOwners.TryGetValue(manifest.ModelName, out var modelOwner))
                {
                    modelOwners.Add(manifest.ModelName, manifest);
                }
                else
                {
                    AddClash(modelOwner, manifest, ManifestDiagnosticIds.ModelNameClash, other => ManifestMessages.ModelNameClash(manifest.ModelName, other.Path));
                }
            }

            return new ManifestClashes(blocked.ToEquatableArray(), diagnostics.ToEquatableArray());

            void AddClash(ClassifierManifest first, ClassifierManifest second, string id, Func<ClassifierManifest, string> message)
            {
                if (ReferenceEquals(first, second))
                {
                    return;
                }

                Add(first, second);
                Add(second, first);
                blocked.Add(first.Path);
                blocked.Add(second.Path);

                void Add(ClassifierManifest target, ClassifierManifest other)
                {
                    var span = id == ManifestDiagnosticIds.ClassNameClash ? target.ClassNameSpan ?? ManifestSpan.DocumentStart : ManifestSpan.DocumentStart;
                    var diagnostic = new PathDiagnostic(target.Path, new ManifestDiagnostic(id, message(other), span));
                    if (!diagnostics.Contains(diagnostic))
                    {
                        diagnostics.Add(diagnostic);
                    }
                }
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
