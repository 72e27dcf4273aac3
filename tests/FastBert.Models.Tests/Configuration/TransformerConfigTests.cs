using FastBert.ModelFolders;
using FastBert.Models.Configuration;
using FastBert.Models.Tests.Checkpoints;
using FastBert.Tests;

namespace FastBert.Models.Tests.Configuration;

public sealed class TransformerConfigTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SmsBertConfig_LoadsBertFields()
    {
        var config = TransformerConfig.Load(Path.Combine(TestPaths.SmsModel, "config.json"));

        Assert.Equal(ModelType.Bert, config.ModelType);
        Assert.Equal(128, config.HiddenSize);
        Assert.Equal(2, config.NumLayers);
        Assert.Equal(2, config.NumHeads);
        Assert.Equal(64, config.HeadSize);
        Assert.Equal(512, config.IntermediateSize);
        Assert.Equal(30522, config.VocabSize);
        Assert.Equal(512, config.MaxPositionEmbeddings);
        Assert.Equal(2, config.TypeVocabSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal("gelu", config.HiddenAct);
        Assert.Equal(128, config.EmbeddingSize);
        Assert.Equal(["ham", "spam"], config.Id2Label);
        Assert.Equal(2, config.NumLabels);
        Assert.Equal(0, config.PadTokenId);
        Assert.Equal(["BertForSequenceClassification"], config.Architectures);
    }

    [Fact]
    public void EmotionDistilBertConfig_MapsDistilBertNames()
    {
        var config = TransformerConfig.Load(Path.Combine(TestPaths.EmotionModel, "config.json"));

        Assert.Equal(ModelType.DistilBert, config.ModelType);
        Assert.Equal(128, config.HiddenSize);       // dim
        Assert.Equal(2, config.NumLayers);          // n_layers
        Assert.Equal(2, config.NumHeads);           // n_heads
        Assert.Equal(512, config.IntermediateSize); // hidden_dim
        Assert.Equal(0, config.TypeVocabSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal("gelu", config.HiddenAct);     // activation
        Assert.Equal(["sadness", "joy", "love", "anger", "fear", "surprise"], config.Id2Label);
    }

    [Fact]
    public void ElectraConfig_HasItsEmbeddingSize()
    {
        var config = TransformerConfig.Load(TestPaths.ElectraModel); // a folder works too

        Assert.Equal(ModelType.Electra, config.ModelType);
        Assert.Equal(64, config.EmbeddingSize);
        Assert.Equal(128, config.HiddenSize);
        Assert.Equal(["negative", "neutral", "positive"], config.Id2Label);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("roberta")]
    public void UnsupportedModelType_ListsTheSupportedOnes(string modelType)
    {
        var error = LoadFails($$"""{"model_type": "{{modelType}}", "hidden_size": 8}""");

        Assert.Contains($"model_type '{modelType}' is not supported", error.Message);
        Assert.Contains("bert, distilbert, electra", error.Message);
        Assert.Equal("model_type", error.Key);
    }

    [Fact]
    public void MissingRequiredField_NamesTheKeyAndFile()
    {
        var error = LoadFails("""{"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 1, "intermediate_size": 16, "vocab_size": 10}""");

        Assert.Contains("required key \"num_attention_heads\" is missing", error.Message);
        Assert.Equal("num_attention_heads", error.Key);
    }

    [Fact]
    public void DistilBertMissingDim_NamesDistilBertKey()
    {
        var error = LoadFails("""{"model_type": "distilbert", "n_layers": 1, "n_heads": 1, "hidden_dim": 8, "vocab_size": 10}""");

        Assert.Contains("required key \"dim\" is missing", error.Message);
    }

    [Fact]
    public void NonIntegerField_IsRefused()
    {
        var error = LoadFails(Bert("\"hidden_size\": \"128\""));

        Assert.Contains("\"hidden_size\" must be an integer, found \"128\"", error.Message);
    }

    [Fact]
    public void InvalidJson_IsRefused_WithThePath()
    {
        var error = LoadFails("{\"model_type\": \"bert\",, }");

        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void MissingFile_IsRefused_WithThePath()
    {
        var path = _folder.File("config.json");

        var error = Assert.Throws<ConfigException>(() => TransformerConfig.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Theory]
    [InlineData("gelu_new")]
    [InlineData("relu")]
    public void UnsupportedActivation_ListsTheSupportedOnes(string activation)
    {
        var error = LoadFails(Bert($"\"hidden_act\": \"{activation}\""));

        Assert.Contains($"hidden_act '{activation}' is not supported; supported activations: gelu", error.Message);
    }

    [Fact]
    public void LabelsDefault_ToTwoGenericLabels()
    {
        var config = Load(Bert());

        Assert.Equal(["LABEL_0", "LABEL_1"], config.Id2Label);
    }

    [Fact]
    public void NumLabelsWithoutId2Label_MakesGenericLabels()
    {
        var config = Load(Bert("\"num_labels\": 3"));

        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2"], config.Id2Label);
    }

    [Fact]
    public void Id2Label_IsOrderedByNumericKey()
    {
        var config = Load(Bert("\"id2label\": {\"10\": \"k\", \"2\": \"c\", \"0\": \"a\", \"1\": \"b\", \"3\": \"d\", \"4\": \"e\", \"5\": \"f\", \"6\": \"g\", \"7\": \"h\", \"8\": \"i\", \"9\": \"j\"}"));

        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"], config.Id2Label);
    }

    [Fact]
    public void Id2LabelWithGaps_IsRefused()
    {
        var error = LoadFails(Bert("\"id2label\": {\"0\": \"a\", \"2\": \"c\"}"));

        Assert.Contains("id2label ids must be 0..n-1 without gaps", error.Message);
    }

    [Fact]
    public void UnknownKeys_AreIgnored_AndDefaultsApply()
    {
        var config = Load(Bert("\"some_future_key\": {\"x\": [1, 2]}, \"gradient_checkpointing\": false"));

        Assert.Equal(512, config.MaxPositionEmbeddings);
        Assert.Equal(2, config.TypeVocabSize);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal("gelu", config.HiddenAct);
        Assert.Equal(0, config.PadTokenId);
        Assert.Empty(config.Architectures);
    }

    [Fact]
    public void ElectraWithoutEmbeddingSize_UsesHiddenSize()
    {
        var config = Load("""{"model_type": "electra", "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 128, "vocab_size": 100}""");

        Assert.Equal(64, config.EmbeddingSize);
    }

    [Fact]
    public void TinyBertStyleConfigWithoutModelType_IsBert()
    {
        var config = Load("""{"hidden_size": 312, "num_hidden_layers": 4, "num_attention_heads": 12, "intermediate_size": 1200, "vocab_size": 30522, "emb_size": 312, "cell": {}}""");

        Assert.Equal(ModelType.Bert, config.ModelType);
        Assert.Equal(312, config.HiddenSize);
    }

    [Fact]
    public void MissingModelType_IsInferredFromArchitectures()
    {
        var config = Load("""{"architectures": ["DistilBertForSequenceClassification"], "dim": 8, "n_layers": 1, "n_heads": 2, "hidden_dim": 16, "vocab_size": 10}""");

        Assert.Equal(ModelType.DistilBert, config.ModelType);
    }

    [Fact]
    public void HiddenSizeNotDivisibleByHeads_IsRefused()
    {
        var error = LoadFails(Bert("\"num_attention_heads\": 3", replaceHeads: true));

        Assert.Contains("not a multiple of the number of attention heads 3", error.Message);
    }

    [Theory]
    [InlineData("num_hidden_layers", 1_000_000)]
    [InlineData("num_hidden_layers", 10_000_000)]
    [InlineData("hidden_size", 1_000_000_000)]
    [InlineData("num_attention_heads", 100_000)]
    [InlineData("intermediate_size", 1_000_000_000)]
    [InlineData("vocab_size", 2_000_000_000)]
    [InlineData("max_position_embeddings", 100_000_000)]
    [InlineData("type_vocab_size", 1_000_000)]
    [InlineData("num_labels", 1_000_000_000)]
    [InlineData("num_hidden_layers", 1e12)]
    public void AbsurdSize_IsRefusedBeforeAnythingIsSizedFromIt_NamingTheField(string key, double value)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(Bert())!.AsObject();
        config[key] = value;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        var error = LoadFails(config.ToJsonString());

        Assert.Equal(key, error.Key);
        Assert.Contains($"\"{key}\"", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), stopwatch.Elapsed.ToString());
    }

    [Fact]
    public void OversizedConfigFile_IsNotRead()
    {
        var path = _folder.File("config.json");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ConfigJson.Limits.FileBytes + 1);
        }

        var error = Assert.Throws<ConfigException>(() => TransformerConfig.Load(path));

        Assert.Contains("a config.json is a few KB", error.Message);
    }

    [Fact]
    public void RelativePositionEmbeddings_AreRefused()
    {
        var error = LoadFails(Bert("\"position_embedding_type\": \"relative_key\""));

        Assert.Contains("position_embedding_type 'relative_key' is not supported", error.Message);
    }

    private static string Bert(string extra = "", bool replaceHeads = false)
    {
        var heads = replaceHeads ? string.Empty : "\"num_attention_heads\": 2, ";
        return $"{{\"model_type\": \"bert\", \"hidden_size\": 8, \"num_hidden_layers\": 1, {heads}\"intermediate_size\": 16, \"vocab_size\": 10{(extra.Length > 0 ? ", " + extra : string.Empty)}}}";
    }

    private TransformerConfig Load(string json)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return TransformerConfig.Load(path);
    }

    private ConfigException LoadFails(string json)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        var error = Assert.Throws<ConfigException>(() => TransformerConfig.Load(path));
        Assert.Contains(path, error.Message);
        return error;
    }
}
