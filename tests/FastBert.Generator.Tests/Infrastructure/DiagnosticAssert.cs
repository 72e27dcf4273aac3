using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FastBert.Generator.Tests.Infrastructure;

/// <summary>Asserts diagnostics by id at the span marked with [| |] in a fixture.</summary>
internal static class DiagnosticAssert
{
    public const string DefaultPath = "/src/App/spam.yaml";

    /// <summary>
    /// Runs the generator on the fixture and asserts one diagnostic <paramref name="id"/> (besides any with id
    /// <paramref name="ignore"/>) at the marked span, with matching line positions, and no generated source.
    /// </summary>
    public static Diagnostic Single(
        string id,
        string markup,
        string? ignore = null,
        string path = DefaultPath,
        string? rootNamespace = GeneratorHarness.DefaultRootNamespace,
        int expectedCount = 1,
        Action<GeneratorHarness>? arrange = null)
    {
        var (text, span) = Markup.Parse(markup);
        var harness = new GeneratorHarness(rootNamespace);
        harness.AddManifest(path, text);
        arrange?.Invoke(harness);

        var outcome = harness.Run();

        Assert.Empty(outcome.Sources);
        var diagnostics = outcome.Diagnostics.Where(d => d.Id != ignore).ToList();
        Assert.True(diagnostics.Count == expectedCount, "Diagnostics: " + string.Join(Environment.NewLine, diagnostics));
        Assert.All(diagnostics, d => Assert.Equal(id, d.Id));
        var diagnostic = diagnostics[0];
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var lineSpan = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, lineSpan.Path);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal(SourceText.From(text).Lines.GetLinePositionSpan(span), lineSpan.Span);
        return diagnostic;
    }

    public static void Position(Diagnostic diagnostic, int startLine, int startColumn, int endLine, int endColumn) =>
        Assert.Equal(
            new LinePositionSpan(new LinePosition(startLine, startColumn), new LinePosition(endLine, endColumn)),
            diagnostic.Location.GetLineSpan().Span);
}
