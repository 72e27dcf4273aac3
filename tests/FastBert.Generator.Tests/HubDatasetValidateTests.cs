using FastBert.Generator.Tests.Infrastructure;
using FastBert.Manifest;

namespace FastBert.Generator.Tests;

/// <summary><c>validate: { data: hf-dataset:org/name@rev, config, split }</c>: parsed, and each mistake by id at its span.</summary>
public sealed class HubDatasetValidateTests
{
    private const string Head = "model: { source: m }\nlabels: [ham, spam]\n";

    [Fact]
    public void HubDataset_ParsesReferenceConfigSplitAndColumns_AndIsNoLocalFile()
    {
        const string Text = Head + "validate:\n  data: hf-dataset:fastbert-test/sms_spam@v1.0\n  config: plain_text\n  split: test\n  textColumn: sms\n  labelColumn: label\n  indices: held-out.txt\n";

        var result = ManifestParser.Parse("/repo/app/spam.yaml", Text, null);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        var validate = result.Manifest!.Validate!;
        Assert.Equal(new HubDatasetReference("fastbert-test/sms_spam", "v1.0"), validate.HubDataset);
        Assert.Equal("hf-dataset:fastbert-test/sms_spam@v1.0", validate.HubDataset!.ToString());
        Assert.Equal("plain_text", validate.Config!.Value);
        Assert.Equal("test", validate.Split!.Value);
        Assert.Equal("test", Text.Substring(validate.Split.Span.StartIndex, validate.Split.Span.Length));
        Assert.Equal("sms", validate.TextColumnName);
        Assert.Null(result.Manifest.ResolveValidationData());
        Assert.Equal(Path.GetFullPath("/repo/app/held-out.txt"), result.Manifest.ResolveValidationIndices());
    }

    [Fact]
    public void HubDataset_WithoutRevisionOrConfig_IsMainAndTheOnlyConfig()
    {
        var result = ManifestParser.Parse("spam.yaml", Head + "validate: { data: hf-dataset:glue, split: validation }\n", null);

        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Equal(new HubDatasetReference("glue", "main"), result.Manifest!.Validate!.HubDataset);
        Assert.Null(result.Manifest.Validate.Config);
    }

    [Fact]
    public void LocalData_HasNoHubDataset()
    {
        var result = ManifestParser.Parse("/repo/spam.yaml", Head + "validate: { data: data/val.parquet }\n", null);

        Assert.Null(result.Manifest!.Validate!.HubDataset);
        Assert.Equal(Path.GetFullPath("/repo/data/val.parquet"), result.Manifest.ResolveValidationData());
    }

    [Fact]
    public void HubDataset_WithoutSplit_IsMissingKey_AtTheData()
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.MissingKey, Head + "validate:\n  data: [|hf-dataset:glue|]\n  config: sst2\n");

        Assert.Contains("needs the split", diagnostic.GetMessage());
        Assert.Contains("split: validation", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("hf-dataset:@main", "the repository id before '@' is empty.")]
    [InlineData("hf-dataset:a/b/c", "has more than one '/'")]
    [InlineData("hf-dataset:glue@", "the revision after '@' is empty")]
    [InlineData("HF-DATASET:glue", "lowercase 'hf-dataset:'")]
    [InlineData("hf:glue", "'hf:' names a model repository; a dataset is written 'hf-dataset:'.")]
    public void MalformedDatasetReference_IsInvalidHubDatasetReference_AtTheData(string data, string problem)
    {
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.InvalidHubDatasetReference, Head + "validate:\n  data: [|" + data + "|]\n  split: test\n");

        Assert.Contains(problem, diagnostic.GetMessage());
        Assert.Contains(HubDatasetReference.Syntax, diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("config: sst2", "validate.config")]
    [InlineData("split: test", "validate.split")]
    public void ConfigOrSplit_WithALocalFile_IsDatasetKeyWithoutDataset_AtTheKey(string entry, string key)
    {
        var value = entry[(entry.IndexOf(':') + 2)..];
        var diagnostic = DiagnosticAssert.Single(ManifestDiagnosticIds.DatasetKeyWithoutDataset,
            Head + "validate:\n  data: val.tsv\n  " + entry[..(entry.IndexOf(':') + 2)] + "[|" + value + "|]\n");

        Assert.StartsWith(key + " names a part of a Hub dataset", diagnostic.GetMessage());
    }
}
