using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary><c>validate.textPairColumn</c>: the second text's column of a sentence-pair classifier's validation data (FB0020 when it does not fit).</summary>
public sealed class ValidationPairManifestTests
{
    private const string Head = "model: { source: m }\nlabels: [ham, spam]\n";

    [Fact]
    public void PairClassifier_ReadsTheTextPairColumn()
    {
        var result = ManifestParser.Parse("/src/App/pairs.yaml", Head + "inputs: [first, second]\nvalidate: { data: pairs.tsv, textColumn: sentence1, textPairColumn: sentence2 }\n", null);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal("sentence2", result.Manifest!.Validate!.TextPairColumn!.Value);
        Assert.Equal("sentence1", result.Manifest.Validate.TextColumnName);
    }

    [Fact]
    public void OneTextClassifier_WithATextPairColumn_IsFB0020AtTheColumn()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidValidationPairs, Head + "validate: { data: pairs.tsv, textPairColumn: [|sentence2|] }\n");

        Assert.Contains("'input: pair'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void TextPairColumn_SameAsTheTextColumn_IsFB0020()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidValidationPairs, Head + "input: pair\nvalidate: { data: pairs.tsv, textPairColumn: [|Text|] }\n");

        Assert.Contains("also the text column", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void PairClassifier_ValidatedWithoutATextPairColumn_IsFB0020AtValidate()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidValidationPairs, Head + "inputs: [premise, hypothesis]\n[|validate|]: { data: pairs.tsv }\n");

        Assert.Contains("add validate.textPairColumn", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("'hypothesis'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
