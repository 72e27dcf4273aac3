using FastBert.ModelFolders;

namespace FastBert.Sdk.Tests;

/// <summary>
/// The runtime reads config.json through the same reader as the exporter, so a value the exporter refuses is refused
/// at load time with the same reason, naming the file.
/// </summary>
public sealed class ConfigJsonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fastbert-configjson-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("""{"id2label": {"0": "ham", "2": "spam"}}""", "without gaps")]
    [InlineData("""{"id2label": {"0": "ham", "x": "spam"}}""", "not a non-negative integer")]
    [InlineData("""{"id2label": ["ham", "spam"]}""", "must be an object")]
    [InlineData("""{"max_position_embeddings": 1000000000}""", "more than fastbert accepts")]
    [InlineData("""{"max_position_embeddings": 12.5}""", "must be an integer")]
    [InlineData("""{"model_type": 7}""", "must be a string")]
    [InlineData("""[1, 2]""", "expected an object")]
    [InlineData("""{"id2label": {"0": "ham",""", "not valid JSON")]
    public void Runtime_view_refuses_what_the_one_reader_refuses(string json, string reason)
    {
        var path = Path.Combine(_folder, ModelFolder.ConfigFile);
        File.WriteAllText(path, json);

        var error = Assert.Throws<ModelLoadException>(() => ModelConfig.Read(_folder));

        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        var readerError = Assert.Throws<ConfigException>(() => Touch(ConfigJson.Load(_folder)));
        Assert.Equal(readerError.Reason, error.Message[(path.Length + 2)..]);
    }

    [Fact]
    public void Runtime_view_reads_labels_positions_and_type()
    {
        File.WriteAllText(
            Path.Combine(_folder, ModelFolder.ConfigFile),
            """{"model_type": "bert", "max_position_embeddings": 256, "id2label": {"1": "spam", "0": "ham"}, "num_labels": 5}""");

        var config = ModelConfig.Read(_folder);

        Assert.Equal("bert", config.ModelType);
        Assert.Equal(["ham", "spam"], config.Id2Label);
        Assert.Equal(256, config.MaxPositionEmbeddings);
    }

    [Fact]
    public void A_folder_without_config_json_has_no_labels_or_limit()
    {
        var config = ModelConfig.Read(_folder);

        Assert.Null(config.Id2Label);
        Assert.Null(config.MaxPositionEmbeddings);
    }

    [Fact]
    public void An_oversized_config_json_is_not_read()
    {
        var path = Path.Combine(_folder, ModelFolder.ConfigFile);
        using (var stream = File.Create(path))
        {
            stream.SetLength(ConfigJson.Limits.FileBytes + 1);
        }

        var error = Assert.Throws<ModelLoadException>(() => ModelConfig.Read(_folder));

        Assert.Contains("a config.json is a few KB", error.Message, StringComparison.Ordinal);
    }

    // Reads every value the runtime view reads, so the same checks fire.
    private static void Touch(ConfigJson json)
    {
        _ = json.String("model_type");
        _ = json.Id2Label();
        _ = json.OptionalInt("max_position_embeddings", min: 1, max: ConfigJson.Limits.PositionEmbeddings);
    }
}
