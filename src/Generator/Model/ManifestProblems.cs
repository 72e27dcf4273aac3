using FastBert.Manifest;

namespace FastBert.Generator;

/// <summary>Problems found in one manifest file; value-equatable, turned into Roslyn diagnostics only when reported.</summary>
/// <param name="Path">The manifest's path (empty when no file can be named).</param>
/// <param name="Diagnostics">The problems.</param>
internal sealed record ManifestProblems(string Path, EquatableArray<ManifestDiagnostic> Diagnostics);

/// <summary>One problem of one manifest file.</summary>
internal sealed record PathDiagnostic(string Path, ManifestDiagnostic Diagnostic);

/// <summary>What the clash check between all manifests found.</summary>
/// <param name="BlockedPaths">Manifests that clash with another and get no source.</param>
/// <param name="Diagnostics">FB0010 / FB0014 on each clashing manifest (or FB0099 if the check failed).</param>
internal sealed record ManifestClashes(EquatableArray<string> BlockedPaths, EquatableArray<PathDiagnostic> Diagnostics)
{
    public bool Blocks(string path)
    {
        foreach (var blocked in BlockedPaths)
        {
            if (string.Equals(blocked, path, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
