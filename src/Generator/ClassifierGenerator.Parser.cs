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

    /// <summary>
    /// The AdditionalFile metadata that marks a manifest's lock file (<c>spam.lock.json</c> beside <c>spam.yaml</c>);
    /// FastBert's props set it to "true" on the lock files they pass to the compiler and declare it with
    /// <c>&lt;CompilerVisibleItemMetadata Include="AdditionalFiles" MetadataName="FastBertLock" /&gt;</c>.
    /// </summary>
    public const string LockMetadataKey = "build_metadata.AdditionalFiles.FastBertLock";

    /// <summary>The project's root namespace, the default namespace of generated types (<c>&lt;CompilerVisibleProperty Include="RootNamespace" /&gt;</c>).</summary>
    public const string RootNamespaceKey = "build_property.RootNamespace";

    // Labels may come from the lock file; ResolveLabels completes them.
    private static readonly ManifestParseOptions ParseOptions = new() { LabelsOptional = true };

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
            if (!IsTrue(options, ManifestMetadataKey))
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
            return ManifestParser.Parse(path, text.ToString(), rootNamespace, ParseOptions);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return Failure(path, ManifestDiagnosticIds.InternalError, ManifestMessages.InternalError(exception));
        }
    }

    /// <summary>
    /// Reads one AdditionalFile when it is a lock file (FastBertLock=true); null otherwise. Problems stay in the value
    /// and are reported only for a manifest that needs the file's labels. Never throws (except on cancellation).
    /// </summary>
    private static ManifestLockFile? ReadLockFile(
        AdditionalText file,
        AnalyzerConfigOptionsProvider optionsProvider,
        CancellationToken cancellationToken)
    {
        var path = file.Path ?? string.Empty;
        try
        {
            if (!IsTrue(optionsProvider.GetOptions(file), LockMetadataKey))
            {
                return null;
            }

            var text = file.GetText(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            return ManifestLockFile.Read(path, text?.ToString());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without options the file's role is unknown; the manifest step reports the same failure on the manifest.
            return null;
        }
    }

    /// <summary>Takes the labels of a manifest without <c>labels:</c> from its lock file (or reports why it cannot).</summary>
    private static ManifestParseResult ResolveLabels(ManifestParseResult result, LockFileSet lockFiles, CancellationToken cancellationToken)
    {
        if (!result.LabelsMissing)
        {
            return result;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ManifestParser.ResolveLabels(result, lockFiles.For(result.Path));
    }

    private static bool IsTrue(AnalyzerConfigOptions options, string key) =>
        options.TryGetValue(key, out var value) && string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

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
