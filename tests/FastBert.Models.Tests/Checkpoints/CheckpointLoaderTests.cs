using FastBert.Models.Checkpoints;
using FastBert.Tests;

namespace FastBert.Models.Tests.Checkpoints;

public sealed class CheckpointLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void FolderWithBothFiles_OpensSafetensors()
    {
        using var checkpoint = CheckpointLoader.Open(TestPaths.SmsModel);

        Assert.IsType<SafetensorsCheckpoint>(checkpoint);
        Assert.Equal(Path.Combine(TestPaths.SmsModel, "model.safetensors"), checkpoint.Path);
    }

    [Fact]
    public void FolderWithOnlyPytorchBin_OpensIt()
    {
        File.Copy(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"), _folder.File("pytorch_model.bin"));

        using var checkpoint = CheckpointLoader.Open(_folder.Path);

        Assert.IsType<PyTorchCheckpoint>(checkpoint);
        Assert.Equal(41, checkpoint.Tensors.Count);
    }

    [Fact]
    public void WeightFilePath_IsOpenedByContent()
    {
        using var bin = CheckpointLoader.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));
        using var safetensors = CheckpointLoader.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));

        Assert.IsType<PyTorchCheckpoint>(bin);
        Assert.IsType<SafetensorsCheckpoint>(safetensors);
    }

    [Fact]
    public void FolderWithoutWeights_ListsWhatItHas()
    {
        File.WriteAllText(_folder.File("config.json"), "{}");
        File.WriteAllText(_folder.File("vocab.txt"), "[PAD]");

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointLoader.Open(_folder.Path));

        Assert.Contains(_folder.Path, error.Message);
        Assert.Contains("no model weights found: expected model.safetensors or pytorch_model.bin", error.Message);
        Assert.Contains("it holds: config.json, vocab.txt", error.Message);
    }

    [Fact]
    public void EmptyFolder_SaysItIsEmpty()
    {
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointLoader.Open(_folder.Path));

        Assert.Contains("it is empty", error.Message);
    }

    [Fact]
    public void ShardedCheckpoint_ExplainsItIsUnsupported()
    {
        File.WriteAllText(_folder.File("model.safetensors.index.json"), "{}");
        File.WriteAllText(_folder.File("model-00001-of-00002.safetensors"), "");

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointLoader.Open(_folder.Path));

        Assert.Contains("Sharded checkpoints are not supported", error.Message);
    }

    [Fact]
    public void MissingFolder_Throws_DirectoryNotFound()
    {
        var missing = Path.Combine(_folder.Path, "nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => CheckpointLoader.Open(missing));

        Assert.Contains(missing, error.Message);
    }
}
