using FastBert.Models.Hub;

namespace FastBert.Models.Tests.Hub;

public sealed class HubDatasetLayoutTests
{
    // File lists as the Hub shows them for nyu-mll/glue (native), imdb-style single-config datasets and the converted branch.
    private static readonly string[] Native =
    [
        ".gitattributes", "README.md",
        "sst2/train-00000-of-00001.parquet", "sst2/validation-00000-of-00001.parquet", "sst2/test-00000-of-00001.parquet",
        "mnli/validation_matched-00000-of-00001.parquet",
        "data/imdb/train-00000-of-00002.parquet", "data/imdb/train-00001-of-00002.parquet",
        "emotion/data/test-00000-of-00001-3c0d1f2e.parquet",
        "deep/nested/folder/train-00000-of-00001.parquet",
    ];

    [Fact]
    public void Native_FindsConfigFolders_DataPrefixedVariants_AndShardsInOrder()
    {
        var parsed = HubDatasetLayout.Parse(Native, HubDatasetFileLayout.Native);

        Assert.Equal(["sst2/validation-00000-of-00001.parquet"], HubDatasetLayout.Find(parsed, "sst2", "validation").Select(f => f.Path));
        Assert.Equal(["mnli/validation_matched-00000-of-00001.parquet"], HubDatasetLayout.Find(parsed, "mnli", "validation_matched").Select(f => f.Path));
        Assert.Equal(["data/imdb/train-00000-of-00002.parquet", "data/imdb/train-00001-of-00002.parquet"], HubDatasetLayout.Find(parsed, "imdb", "train").Select(f => f.Path));
        Assert.Equal(["emotion/data/test-00000-of-00001-3c0d1f2e.parquet"], HubDatasetLayout.Find(parsed, "emotion", "test").Select(f => f.Path));
        Assert.DoesNotContain(parsed, f => f.Path.StartsWith("deep/", StringComparison.Ordinal));
    }

    [Fact]
    public void Native_SingleConfigData_IsTheDefaultConfig()
    {
        var parsed = HubDatasetLayout.Parse(["data/train-00000-of-00001.parquet", "data/test-00000-of-00001.parquet"], HubDatasetFileLayout.Native);

        Assert.All(parsed, f => Assert.Equal(HubDatasetLayout.DefaultConfig, f.Config));
        Assert.Equal("config 'default': splits test, train", HubDatasetLayout.Describe(parsed));
    }

    [Fact]
    public void Converted_ReadsConfigSplitFolders_AndIgnoresOtherFiles()
    {
        var parsed = HubDatasetLayout.Parse(
            ["sst2/train/0000.parquet", "sst2/train/0001.parquet", "sst2/validation/0000.parquet", "sst2/validation-00000-of-00001.parquet", "README.md"],
            HubDatasetFileLayout.Converted);

        Assert.Equal(["sst2/train/0000.parquet", "sst2/train/0001.parquet"], HubDatasetLayout.Find(parsed, "sst2", "train").Select(f => f.Path));
        Assert.Equal("config 'sst2': splits train, validation", HubDatasetLayout.Describe(parsed));
    }

    [Fact]
    public void DatasetReference_UsesTheDatasetCacheFolderAndPrefix()
    {
        var reference = HubReference.ParseDataset("glue");

        Assert.Equal(HubRepositoryKind.Dataset, reference.Kind);
        Assert.Equal("datasets--glue", reference.CacheFolderName);
        Assert.Equal("hf-dataset:nyu-mll/glue@main", HubReference.ParseDataset("hf-dataset:nyu-mll/glue").ToString());
        Assert.Equal(HubDatasetLayout.ConvertedBranch, HubReference.ParseDataset("glue@refs/convert/parquet").Revision);
        Assert.Throws<FormatException>(() => HubReference.ParseDataset("a/b/c"));
    }
}
