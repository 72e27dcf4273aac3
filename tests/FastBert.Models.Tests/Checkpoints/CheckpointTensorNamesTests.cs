using FastBert.Models.Checkpoints;
using FastBert.Tests;
using static FastBert.Models.Tests.Checkpoints.SafetensorsBytes;

namespace FastBert.Models.Tests.Checkpoints;

public sealed class CheckpointTensorNamesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("bert.embeddings.LayerNorm.gamma", "bert.embeddings.LayerNorm.weight")]
    [InlineData("bert.encoder.layer.3.output.LayerNorm.beta", "bert.encoder.layer.3.output.LayerNorm.bias")]
    [InlineData("bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.weight")]
    [InlineData("classifier.bias", "classifier.bias")]
    [InlineData("bert.gammaray.weight", "bert.gammaray.weight")]
    [InlineData("alphabeta", "alphabeta")]
    public void Normalize_RenamesOnlyOldLayerNormParameterNames(string stored, string canonical)
    {
        Assert.Equal(canonical, CheckpointTensorNames.Normalize(stored));
    }

    [Fact]
    public void Find_LooksUpOldGammaBetaNames_ByCanonicalName()
    {
        var path = _folder.File("old.safetensors");
        File.WriteAllBytes(path, Build([
            new Tensor("bert.embeddings.LayerNorm.gamma", "F32", [2], Float32(1, 2)),
            new Tensor("bert.embeddings.LayerNorm.beta", "F32", [2], Float32(3, 4)),
        ]));
        using var checkpoint = SafetensorsCheckpoint.Open(path);

        var weight = checkpoint.Find("bert.embeddings.LayerNorm.weight");

        Assert.NotNull(weight);
        Assert.Equal("bert.embeddings.LayerNorm.gamma", weight.Name);
        Assert.Equal([3f, 4], checkpoint.ReadFloat32ByCanonicalName("bert.embeddings.LayerNorm.bias"));
        Assert.Null(checkpoint.Find("bert.pooler.dense.weight"));
    }

    [Fact]
    public void Find_PrefersAnExactStoredName()
    {
        var path = _folder.File("both.safetensors");
        File.WriteAllBytes(path, Build([
            new Tensor("n.LayerNorm.gamma", "F32", [1], Float32(1)),
            new Tensor("n.LayerNorm.weight", "F32", [1], Float32(2)),
        ]));
        using var checkpoint = SafetensorsCheckpoint.Open(path);

        Assert.Equal("n.LayerNorm.weight", checkpoint.Find("n.LayerNorm.weight")!.Name);
    }

    [Fact]
    public void Get_MissingTensor_SuggestsSimilarNames()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));

        var error = Assert.Throws<KeyNotFoundException>(() => checkpoint.Get("encoder.layer.0.attention.self.query.weight"));

        Assert.Contains("no tensor 'encoder.layer.0.attention.self.query.weight'", error.Message);
        Assert.Contains("bert.encoder.layer.0.attention.self.query.weight", error.Message);
    }
}
