using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary>model.source as a Hugging Face Hub reference: hf:org/name@revision.</summary>
public sealed class HubSourceTests
{
    [Theory]
    [InlineData("hf:prajjwal1/bert-tiny@main", "prajjwal1/bert-tiny", "main")]
    [InlineData("hf:prajjwal1/bert-tiny", "prajjwal1/bert-tiny", "main")]
    [InlineData("hf:bert-base-uncased", "bert-base-uncased", "main")]
    [InlineData("hf:bert-base-uncased@v1.0", "bert-base-uncased", "v1.0")]
    [InlineData("hf:org/name@refs/pr/1", "org/name", "refs/pr/1")]
    [InlineData("hf:Org_1/my.model-v2@0123456789abcdef0123456789abcdef01234567", "Org_1/my.model-v2", "0123456789abcdef0123456789abcdef01234567")]
    public void HubReference_ParsesRepoIdAndRevision(string source, string repoId, string revision)
    {
        var manifest = ParseValid("model:\n  source: " + source + "\nlabels: [ham, spam]\n");

        Assert.Equal(ModelSourceKind.Hub, manifest.ModelSourceKind);
        Assert.Equal(new HubModelReference(repoId, revision), manifest.HubModel);
        Assert.Equal("hf:" + repoId + "@" + revision, manifest.HubModel!.ToString());
        Assert.Equal(source, manifest.ModelSource);
        Assert.Equal((1, 10, 1, 10 + source.Length), (manifest.ModelSourceSpan.StartLine, manifest.ModelSourceSpan.StartColumn, manifest.ModelSourceSpan.EndLine, manifest.ModelSourceSpan.EndColumn));
        Assert.Null(manifest.ResolveModelDirectory());
    }

    [Fact]
    public void HubReference_InAFlowMapping_Parses()
    {
        var manifest = ParseValid("model: { source: hf:org/name@main }\nlabels: [ham, spam]\n");

        Assert.Equal(new HubModelReference("org/name", "main"), manifest.HubModel);
    }

    [Fact]
    public void LocalPath_IsALocalSource_WithoutHubModel()
    {
        var manifest = ParseValid("model: { source: ../models/spam }\nlabels: [ham, spam]\n");

        Assert.Equal(ModelSourceKind.Local, manifest.ModelSourceKind);
        Assert.Null(manifest.HubModel);
        Assert.NotNull(manifest.ResolveModelDirectory());
    }

    [Fact]
    public void HubManifest_GeneratesTheSameSourceAsALocalOne()
    {
        static string Generate(string source)
        {
            var harness = new GeneratorHarness();
            harness.AddManifest("/src/App/spam.yaml", "model: { source: " + source + " }\nlabels: [ham, spam]\n");
            var outcome = harness.Run();
            Assert.Empty(outcome.Diagnostics);
            return outcome.Sources.Single().SourceText.ToString();
        }

        Assert.Equal(Generate("model/"), Generate("hf:prajjwal1/bert-tiny@main"));
    }

    [Theory]
    [InlineData("\"hf:\"", "the repository id after 'hf:' is missing.")]
    [InlineData("hf:a/b/c", "the repository id 'a/b/c' has more than one '/'.")]
    [InlineData("hf:org/name@", "the revision after '@' is empty")]
    [InlineData("hf:@main", "the repository id before '@' is empty.")]
    [InlineData("hf:/name", "has an empty organisation or name.")]
    [InlineData("hf:org/", "has an empty organisation or name.")]
    [InlineData("\"hf:org/my model\"", "'my model' contains the character U+0020")]
    [InlineData("hf:org/na--me", "contains '--' or '..'")]
    [InlineData("hf:org/-name", "starts or ends with '-' or '.'")]
    [InlineData("hf:org/name@a..b", "is not a valid branch, tag or commit name.")]
    [InlineData("hf:org/name@v1@v2", "contains '@'")]
    [InlineData("hf:org/name@feature/", "is not a valid branch, tag or commit name.")]
    [InlineData("HF:org/name", "it must start with a lowercase 'hf:'")]
    [InlineData("\" hf:org/name\"", "it must start with a lowercase 'hf:'")]
    public void MalformedHubReference_IsInvalidHubReference_AtTheSource_WithTheExpectedSyntax(string source, string problem)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidHubReference, "model:\n  source: [|" + source + "|]\nlabels: [ham, spam]\n");

        var message = diagnostic.GetMessage();
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.EndsWith(
            " Write hf:org/name or hf:name, optionally followed by @revision (a branch, tag or commit sha; default main), like 'source: hf:prajjwal1/bert-tiny@main'.",
            message,
            StringComparison.Ordinal);
        Assert.Equal("Invalid Hugging Face Hub model reference", diagnostic.Descriptor.Title.ToString());
    }

    [Fact]
    public void MalformedHubReference_MessageQuotesTheSourceAsWritten()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidHubReference, "model: { source: [|hf:a/b/c|] }\nlabels: [ham, spam]\n");

        Assert.StartsWith("'hf:a/b/c' is not a valid Hugging Face Hub reference: ", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void HubModelReference_TryParse_AgreesWithTheManifest()
    {
        Assert.True(HubModelReference.TryParse("hf:org/name", out var reference, out var problem));
        Assert.Equal(new HubModelReference("org/name", HubModelReference.DefaultRevision), reference);
        Assert.Null(problem);

        Assert.False(HubModelReference.TryParse("model/", out reference, out problem));
        Assert.Null(reference);
        Assert.Equal("it must start with 'hf:'.", problem);
        Assert.False(HubModelReference.TryParse(null, out _, out _));
    }

    private static ClassifierManifest ParseValid(string text)
    {
        var result = ManifestParser.Parse("/repo/app/spam.yaml", text, null);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Manifest!;
    }
}
