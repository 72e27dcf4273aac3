using System.Text.RegularExpressions;
using FastBert.Manifest;
using FastBert.Tests;

namespace FastBert.Generator.Tests;

/// <summary>One FB catalog: every code the product reports is in <see cref="ManifestDiagnosticIds"/> and documented.</summary>
public sealed partial class DiagnosticCatalogTests
{
    [Fact]
    public void DocsDocumentExactlyTheCatalog()
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "diagnostics.md"));
        var documented = AnchorPattern().Matches(docs).Select(m => m.Groups[1].Value.ToUpperInvariant()).ToList();

        Assert.Equal(documented.Distinct().Count(), documented.Count);
        Assert.Equal(ManifestDiagnosticIds.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CatalogIdsAreUnique()
    {
        Assert.Equal(ManifestDiagnosticIds.All.Count, ManifestDiagnosticIds.All.Distinct().Count());
        var constants = typeof(ManifestDiagnosticIds).GetFields()
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(constants.Order(StringComparer.Ordinal), ManifestDiagnosticIds.All.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoCodeIsWrittenOutsideTheCatalog()
    {
        var source = Path.Combine(TestPaths.RepositoryRoot, "src");
        var catalog = Path.Combine(source, "Manifest", "ManifestDiagnosticIds.cs");
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(path => path != catalog && !IsBuildOutput(path))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, index)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && QuotedCodePattern().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(source, x.path)}:{x.index + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void CodesInMsBuildTargetsAreInTheCatalog()
    {
        var build = Path.Combine(TestPaths.RepositoryRoot, "src", "Sdk");
        var used = Directory.EnumerateFiles(build, "*.targets", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .SelectMany(path => TargetsCodePattern().Matches(File.ReadAllText(path)).Select(m => m.Groups[1].Value))
            .ToList();

        Assert.All(used, code => Assert.Contains(code, ManifestDiagnosticIds.All));
    }

    private static bool IsBuildOutput(string path) =>
        path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        || path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    [GeneratedRegex("<a id=\"(fb\\d{4})\"></a>")]
    private static partial Regex AnchorPattern();

    [GeneratedRegex("\"FB\\d{4}\"")]
    private static partial Regex QuotedCodePattern();

    [GeneratedRegex("Code=\"(FB\\d{4})\"")]
    private static partial Regex TargetsCodePattern();
}
