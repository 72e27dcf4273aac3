namespace FastBert.Generator;

/// <summary>Names of the generator's incremental steps (<c>WithTrackingName</c>), for tests that check caching.</summary>
public static class TrackingNames
{
    /// <summary>Every AdditionalFile read and, when it is a manifest, parsed (null otherwise).</summary>
    public const string Manifests = "FastBert.Manifests";

    /// <summary>Every AdditionalFile read and, when it is a lock file, its labels taken (null otherwise).</summary>
    public const string LockFiles = "FastBert.LockFiles";

    /// <summary>All lock files, sorted by path.</summary>
    public const string LockFileSet = "FastBert.LockFileSet";

    /// <summary>Each parsed manifest with its labels taken from its lock file when it has none.</summary>
    public const string ResolvedManifests = "FastBert.ResolvedManifests";

    /// <summary>The problems of each manifest that has some.</summary>
    public const string ManifestDiagnostics = "FastBert.ManifestDiagnostics";

    /// <summary>The manifests that parsed without problems.</summary>
    public const string ValidManifests = "FastBert.ValidManifests";

    /// <summary>Type-name and model-name clashes between manifests.</summary>
    public const string Clashes = "FastBert.Clashes";

    /// <summary>The manifests source is generated for.</summary>
    public const string Emittable = "FastBert.Emittable";

    /// <summary>Whether the compilation references Microsoft.Extensions.DependencyInjection.Abstractions and Options.</summary>
    public const string DependencyInjection = "FastBert.DependencyInjection";
}
