using Microsoft.CodeAnalysis;

namespace FastBert.Generator;

/// <summary>
/// Generates a strongly typed classifier (a sealed partial class and its label enum) for every FastBert manifest
/// (<c>&lt;BertModel Include="spam.yaml" /&gt;</c>, passed as an AdditionalFile with FastBertManifest metadata).
/// A manifest without <c>labels:</c> takes them from its lock file (<c>spam.lock.json</c> beside it, an AdditionalFile
/// with FastBertLock metadata). Reads only these files; never touches model files or the network.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ClassifierGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider.Combine(context.AnalyzerConfigOptionsProvider);

        // Every AdditionalFile with its options; non-manifests become null and are dropped. Parsing happens here, once
        // per manifest text, into a value-equatable result, so later steps are cached when nothing changed. Labels may
        // be missing here: they can come from the lock file, paired below.
        var parsed = files
            .Select(static (pair, cancellationToken) => ParseManifest(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Manifests)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!);

        // Lock files (FastBertLock=true), each read once per text, then gathered into one sorted, value-equatable set.
        var lockFiles = files
            .Select(static (pair, cancellationToken) => ReadLockFile(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.LockFiles)
            .Where(static lockFile => lockFile is not null)
            .Select(static (lockFile, _) => lockFile!)
            .Collect()
            .Select(static (all, _) => LockFileSet.Create(all))
            .WithTrackingName(TrackingNames.LockFileSet);

        // Each manifest paired with the lock file set: a manifest without labels takes its lock file's. A manifest with
        // labels comes out equal to what went in, so editing a lock file re-emits only the manifests that use it.
        var results = parsed
            .Combine(lockFiles)
            .Select(static (pair, cancellationToken) => ResolveLabels(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.ResolvedManifests);

        // Pipeline 1: each manifest's own problems (and those of the lock file it needs).
        var manifestDiagnostics = results
            .Select(static (result, _) => new ManifestProblems(result.Path, result.Diagnostics))
            .Where(static problems => !problems.Diagnostics.IsEmpty)
            .WithTrackingName(TrackingNames.ManifestDiagnostics);
        context.RegisterSourceOutput(manifestDiagnostics, static (context, problems) => ReportDiagnostics(context, problems));

        // Pipeline 2: clashes between manifests (type names, model folders), which only the whole set shows.
        var manifests = results
            .Select(static (result, _) => result.Manifest)
            .Where(static manifest => manifest is not null)
            .Select(static (manifest, _) => manifest!)
            .WithTrackingName(TrackingNames.ValidManifests);
        var clashes = manifests
            .Collect()
            .Select(static (all, cancellationToken) => FindClashes(all, cancellationToken))
            .WithTrackingName(TrackingNames.Clashes);
        context.RegisterSourceOutput(clashes, static (context, found) => ReportDiagnostics(context, found.Diagnostics));

        // Pipeline 3: source, one file per manifest without problems; re-emitted only when its emit model changes
        // (not when only comments or positions in the manifest do).
        var emittable = manifests
            .Combine(clashes)
            .Where(static pair => !pair.Right.Blocks(pair.Left.Path))
            .Select(static (pair, _) => ClassifierModel.From(pair.Left))
            .WithTrackingName(TrackingNames.Emittable);
        context.RegisterSourceOutput(emittable, static (context, manifest) => Emit(context, manifest));

        // Pipeline 4: with Microsoft.Extensions.DependencyInjection and Options referenced, an AddXClassifier method per
        // classifier. The compilation changes on every edit; the bool taken from it does not, so this stays cached.
        var dependencyInjection = context.CompilationProvider
            .Select(static (compilation, _) => HasDependencyInjection(compilation))
            .WithTrackingName(TrackingNames.DependencyInjection);
        var registrations = emittable
            .Combine(dependencyInjection)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left);
        context.RegisterSourceOutput(registrations, static (context, manifest) => EmitRegistration(context, manifest));
    }
}
