using FastBert.Tests;

namespace FastBert.Sdk.Tests;

/// <summary>Broken model folders fail at load with a message that names the file and the fix.</summary>
public sealed class ModelLoadErrorTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fastbert-tests", Guid.NewGuid().ToString("N"));

    public ModelLoadErrorTests()
    {
        Directory.CreateDirectory(_directory);
        foreach (var file in new[] { "model.onnx", "vocab.txt", "config.json", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, file), Path.Combine(_directory, file));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void MissingFolder_NamesTheFolder()
    {
        var missing = Path.Combine(_directory, "nope");

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(missing));

        Assert.Contains(missing, error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void CorruptOnnxFile_NamesTheFileAndSaysItIsCorrupt()
    {
        File.WriteAllBytes(Path.Combine(_directory, "model.onnx"), "this is not protobuf"u8.ToArray());

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory));

        Assert.EndsWith("model.onnx", error.Path);
        Assert.Contains("corrupt", error.Message);
    }

    [Fact]
    public void MissingVocab_NamesVocabTxt()
    {
        File.Delete(Path.Combine(_directory, "vocab.txt"));

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory));

        Assert.Contains("vocab.txt", error.Message);
    }

    [Fact]
    public void MissingOnnxFile_NamesIt()
    {
        File.Delete(Path.Combine(_directory, "model.onnx"));

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory));

        Assert.Contains("model.onnx", error.Message);
    }

    [Fact]
    public void WrongNumberOfExpectedLabels_SaysHowManyTheModelHas()
    {
        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory, new BertModelOptions { ExpectedLabels = ["a", "b", "c"] }));

        Assert.Contains("3 labels", error.Message);
        Assert.Contains("outputs 2", error.Message);
    }

    [Fact]
    public void ExpectedLabelsInSwappedOrder_AreRefused()
    {
        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory, new BertModelOptions { ExpectedLabels = ["spam", "ham"] }));

        Assert.Contains("another order", error.Message);
    }

    [Fact]
    public void MalformedConfigJson_NamesConfigJson()
    {
        File.WriteAllText(Path.Combine(_directory, "config.json"), "{ \"id2label\": ");

        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory));

        Assert.EndsWith("config.json", error.Path);
    }

    [Fact]
    public void TokenLimitAboveModelPositions_IsRefused()
    {
        var error = Assert.Throws<ModelLoadException>(() => BertModel.Load(_directory, new BertModelOptions { MaxTokens = 4096 }));

        Assert.Contains("max_position_embeddings", error.Message);
    }
}
