using FastBert.Models.Checkpoints;
using static FastBert.Models.Tests.Checkpoints.SafetensorsBytes;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>
/// Hostile pytorch_model.bin files: pickles that import anything outside the state-dict allow-list, and zips whose
/// entry names escape the archive. Both are refused before anything happens.
/// </summary>
public sealed class PickleSecurityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void PosixSystemGlobal_IsRefused_AndTheCommandNeverRuns()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"fastbert-pwned-{Guid.NewGuid():N}");
        // The classic exploit: posix.system('touch <marker>') via GLOBAL + REDUCE, as the whole pickle.
        var pickle = new PickleBytes().Proto()
            .Global("posix", "system").Put(0)
            .Unicode($"touch {marker}").Tuple1()
            .Reduce().Stop().ToArray();
        var path = WriteZip(pickle);

        var error = Assert.Throws<CheckpointSecurityException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains("refused: pickle global 'posix.system' is not allowed in a state dict", error.Message);
        Assert.Contains(path, error.Message);
        Assert.False(File.Exists(marker), "the pickle's command ran");
    }

    [Fact]
    public void DangerousGlobalAfterRealTensors_IsStillRefused_AndCheckpointLoaderRefusesItToo()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"fastbert-pwned-{Guid.NewGuid():N}");
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 1, 0, [1], [1])
            .Unicode("evil")
            .Global("os", "system").Unicode($"touch {marker}").Tuple1().Reduce()
            .SetItem().Stop().ToArray();
        var folder = Path.Combine(_folder.Path, "model");
        Directory.CreateDirectory(folder);
        TorchZip.Write(Path.Combine(folder, "pytorch_model.bin"), pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1) });

        var error = Assert.Throws<CheckpointSecurityException>(() => CheckpointLoader.Open(folder));

        Assert.Contains("refused: pickle global 'os.system' is not allowed in a state dict", error.Message);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("subprocess", "Popen")]
    [InlineData("nt", "system")]
    [InlineData("torch", "load")]
    [InlineData("collections", "defaultdict")]
    [InlineData("torch._utils", "_rebuild_from_type")]
    public void AnyGlobalOutsideTheAllowList_IsRefused_ByGlobalAndStackGlobal(string module, string name)
    {
        var viaGlobal = new PickleBytes().Proto().Global(module, name).Unicode("x").Tuple1().Reduce().Stop().ToArray();
        var viaStackGlobal = new PickleBytes().Proto(4).StackGlobal(module, name).Unicode("x").Tuple1().Reduce().Stop().ToArray();

        foreach (var pickle in new[] { viaGlobal, viaStackGlobal })
        {
            var error = Assert.Throws<CheckpointSecurityException>(() => PyTorchCheckpoint.Open(WriteZip(pickle)));
            Assert.Contains($"refused: pickle global '{module}.{name}' is not allowed in a state dict", error.Message);
        }
    }

    [Fact]
    public void InstOpcode_ChecksTheAllowListToo()
    {
        var pickle = new PickleBytes().Proto().Mark().Unicode("id").Op((byte)'i').ToArray()
            .Concat("posix\nsystem\n."u8.ToArray()).ToArray();

        var error = Assert.Throws<CheckpointSecurityException>(() => PyTorchCheckpoint.Open(WriteZip(pickle)));

        Assert.Contains("'posix.system'", error.Message);
    }

    [Fact]
    public void ExtensionRegistryOpcodes_AreRefused()
    {
        var pickle = new PickleBytes().Proto().Op(0x82).ToArray().Append((byte)1).Append((byte)'.').ToArray();

        var error = Assert.Throws<CheckpointSecurityException>(() => PyTorchCheckpoint.Open(WriteZip(pickle)));

        Assert.Contains("extension registry", error.Message);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("archive/../../evil")]
    [InlineData("/tmp/evil")]
    [InlineData("..\\evil")]
    [InlineData("C:/evil")]
    public void ZipEntryEscapingTheArchive_IsRefused_AndNothingIsWritten(string entryName)
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 1, 0, [1], [1])
            .Stop().ToArray();
        var path = _folder.File("traversal.bin");
        TorchZip.Write(path, pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1) },
            extraEntries: [(entryName, "owned"u8.ToArray())]);

        var error = Assert.Throws<CheckpointSecurityException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains($"refused: zip entry '{entryName}'", error.Message);
        Assert.Contains("climbs out of the archive", error.Message);
        Assert.False(File.Exists(Path.Combine(_folder.Path, "..", "evil")));
        Assert.Equal(["traversal.bin"], Directory.GetFileSystemEntries(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SecurityException_IsACheckpointFormatException()
    {
        // Callers that only catch CheckpointFormatException still see hostile files as unusable checkpoints.
        Assert.True(typeof(CheckpointFormatException).IsAssignableFrom(typeof(CheckpointSecurityException)));
        Assert.Contains("torch._utils._rebuild_tensor_v2", PyTorchCheckpoint.AllowedPickleGlobals);
        Assert.DoesNotContain("posix.system", PyTorchCheckpoint.AllowedPickleGlobals);
    }

    private string WriteZip(byte[] pickle)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".bin");
        TorchZip.Write(path, pickle, new Dictionary<string, byte[]>());
        return path;
    }
}
