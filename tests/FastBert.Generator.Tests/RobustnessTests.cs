using System.Text;
using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;
using Microsoft.CodeAnalysis;

namespace FastBert.Generator.Tests;

/// <summary>Whatever the manifest holds, the generator reports diagnostics; it never throws or crashes the build.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> HostileInputs()
    {
        var random = new Random(1234);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        var data = new TheoryData<string, string>
        {
            { "binary garbage (Latin-1)", Encoding.Latin1.GetString(bytes) },
            { "binary garbage (UTF-8 with replacement characters)", Encoding.UTF8.GetString(bytes) },
            { "NUL characters", "model: { source: m }\nlabels: [a\0b]\n\0\0\0" },
            { "1 MB key", new string('k', 1 << 20) + ": 1\n" },
            { "1 MB of nested brackets", new string('[', 1 << 20) },
            { "1 MB of nested mappings", string.Concat(Enumerable.Repeat("a: ", 1 << 18)) },
            { "unpaired surrogate", "model: { source: m }\nlabels: [\"\\ud800x\", b]\n" },
            { "billion laughs", BillionLaughs() },
            { "tag soup", "!!binary model: !custom { source: !!int m }\nlabels: !!map [a, b]\n--- !x\n" },
            { "directives only", "%YAML 1.2\n%TAG ! tag:fastbert:\n" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public void HostileManifest_ProducesDiagnostics_NotExceptions(string description, string text)
    {
        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/spam.yaml", text);

        var outcome = harness.Run();

        Assert.True(outcome.Result.Exception is null, description + ": " + outcome.Result.Exception);
        Assert.DoesNotContain(outcome.DriverDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.NotEmpty(outcome.Diagnostics);
        Assert.All(outcome.Diagnostics, d => Assert.StartsWith("FB", d.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.Diagnostics, d => d.Id == ManifestDiagnosticIds.InternalError);
        Assert.All(outcome.Diagnostics, d => Assert.InRange(d.Location.SourceSpan.End, 0, text.Length));
    }

    [Fact]
    public void MegabyteOfValidLabels_ParsesAndGenerates()
    {
        var builder = new StringBuilder("model: { source: m }\nlabels:\n");
        for (var i = 0; builder.Length < 1 << 20; i++)
        {
            builder.Append("  - label").Append(i).Append('\n');
        }

        var harness = new GeneratorHarness();
        harness.AddManifest("/src/App/big.yaml", builder.ToString());

        var outcome = harness.Run();

        Assert.Empty(outcome.Diagnostics);
        Assert.Single(outcome.Sources);
    }

    [Fact]
    public void EveryTruncationAndSingleCharacterEdit_OfAManifest_IsReportedAsAManifestProblem_NeverAsInternalError()
    {
        const string Manifest = "classifier: SpamClassifier # the class\nnamespace: Contoso.Messaging\nmodel:\n  source: \"model/\"\nlabels:\n  - ham\n  - 'spam'\ntokenizer: { maxTokens: 128, lowercase: true }\nextra: [a, {b: c}]\n";
        var inserts = new[] { '[', ']', '{', '}', ':', '-', '"', '\'', '#', '\t', '\n', ',', '&', '*', '!', '|', '>', '%', '@', '?' };
        var texts = new List<string>();
        for (var i = 0; i <= Manifest.Length; i++)
        {
            texts.Add(Manifest.Substring(0, i));
            texts.AddRange(inserts.Select(c => Manifest.Insert(i, c.ToString())));
        }

        foreach (var text in texts)
        {
            var result = ManifestParser.Parse("/src/App/spam.yaml", text, "Contoso");
            Assert.True(
                result.Diagnostics.All(d => d.Id != ManifestDiagnosticIds.InternalError),
                "Internal error for: " + text + Environment.NewLine + string.Join(Environment.NewLine, result.Diagnostics));
            Assert.All(result.Diagnostics, d => Assert.InRange(d.Span.EndIndex, 0, text.Length));
        }
    }

    [Fact]
    public void EveryTruncationAndSingleCharacterEdit_OfAFullSchemaManifest_IsNeverAnInternalError()
    {
        const string Manifest = "model: { source: hf:org/name@main }\nquantize: { mode: int8, maxAccuracyDrop: 0.005 }\nvalidate:\n  data: v.tsv\n  indices: i.txt\n  textColumn: t\n  minAccuracy: 0.97\n  minMacroF1: .9\n  maxP95LatencyMs: 1e1\n";
        var options = new ManifestParseOptions { LabelsOptional = true };
        foreach (var text in Edits(Manifest))
        {
            var result = ManifestParser.Parse("/src/App/spam.yaml", text, "Contoso", options);
            result = ManifestParser.ResolveLabels(result, ManifestLockFile.Read("/src/App/spam.lock.json", "{\"labels\": [\"a\", \"b\"]}"));
            Assert.True(
                result.Diagnostics.All(d => d.Id != ManifestDiagnosticIds.InternalError),
                "Internal error for: " + text + Environment.NewLine + string.Join(Environment.NewLine, result.Diagnostics));
            Assert.All(result.Diagnostics, d => Assert.InRange(d.Span.EndIndex, 0, text.Length));
        }
    }

    [Fact]
    public void EveryTruncationAndSingleCharacterEdit_OfALockFile_IsAnInvalidLockFileOrValid_NeverAnInternalError()
    {
        const string Lock = "{\n  \"labels\": [\"ham\", \"sp\\u0061m\"],\n  \"x\": { \"y\": [1.5e-3, -0, true, false, null, \"\\n\"] }\n}\n";
        foreach (var text in Edits(Lock))
        {
            var lockFile = ManifestLockFile.Read("/src/App/spam.lock.json", text);
            if (lockFile.Problem is { } problem)
            {
                Assert.Equal(ManifestDiagnosticIds.InvalidLockFile, problem.Id);
                Assert.Equal("/src/App/spam.lock.json", problem.File);
                Assert.InRange(problem.Span.EndIndex, 0, text.Length);
                Assert.True(lockFile.Labels.IsEmpty);
            }
        }

        Assert.Equal(new[] { "ham", "spam" }, ManifestLockFile.Read("spam.lock.json", Lock).Labels);
    }

    [Theory]
    [InlineData("1 MB of nested arrays", 1 << 20)]
    [InlineData("NUL characters", 0)]
    public void HostileLockFile_IsInvalidLockFile(string description, int size)
    {
        var text = size > 0 ? new string('[', size) : "{\"labels\": [\"a\0b\"]}\0";
        var lockFile = ManifestLockFile.Read("/src/App/spam.lock.json", text);

        Assert.True(lockFile.Problem?.Id == ManifestDiagnosticIds.InvalidLockFile, description + ": " + lockFile.Problem);
    }

    [Fact]
    public void Parse_WithNullArguments_ReportsInsteadOfThrowing()
    {
        var result = ManifestParser.Parse(null!, null!, null);

        Assert.Equal(ManifestDiagnosticIds.EmptyManifest, Assert.Single(result.Diagnostics).Id);
    }

    // Every prefix of the text and every insertion of a YAML/JSON-significant character.
    private static IEnumerable<string> Edits(string text)
    {
        var inserts = new[] { '[', ']', '{', '}', ':', '-', '"', '\'', '#', '\t', '\n', ',', '&', '*', '!', '|', '>', '%', '@', '?', '\\', '/', 'e', '.' };
        for (var i = 0; i <= text.Length; i++)
        {
            yield return text.Substring(0, i);
            foreach (var c in inserts)
            {
                yield return text.Insert(i, c.ToString());
            }
        }
    }

    private static string BillionLaughs()
    {
        var builder = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            var previous = (char)(level - 1);
            builder.Append(level).Append(": &").Append(level).Append(" [")
                .Append(string.Join(", ", Enumerable.Repeat("*" + previous, 9))).Append("]\n");
        }

        return builder.Append("model: { source: m }\nlabels: *i\n").ToString();
    }
}
