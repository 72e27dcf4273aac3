using System.Text;
using FastBert.Models.Checkpoints;
using FastBert.Tests;
using static FastBert.Models.Tests.Checkpoints.SafetensorsBytes;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>pytorch_model.bin: state dicts in torch.save zips, read by the allow-listing pickle VM.</summary>
public sealed class PyTorchCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void RealSmsBin_ListsTheStateDictInFileOrder()
    {
        using var checkpoint = PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));

        Assert.Equal(41, checkpoint.Tensors.Count);
        Assert.Equal("bert.embeddings.word_embeddings.weight", checkpoint.Tensors.Keys.First());
        Assert.Equal("classifier.bias", checkpoint.Tensors.Keys.Last());
        Assert.Equal([30522L, 128L], checkpoint.Tensors["bert.embeddings.word_embeddings.weight"].Shape);
    }

    [Fact]
    public void StorageOffsets_AndSharedStorages_SelectTheRightElements()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("first", "FloatStorage", "0", 6, 0, [2], [1])
            .TensorItem("second", "FloatStorage", "0", 6, 2, [2, 2], [2, 1])
            .Stop().ToArray();

        using var checkpoint = OpenZip(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1, 2, 3, 4, 5, 6) });

        Assert.Equal([1f, 2], checkpoint.ReadFloat32("first"));
        Assert.Equal([3f, 4, 5, 6], checkpoint.ReadFloat32("second"));
        Assert.Equal([2L, 2L], checkpoint.Tensors["second"].Shape);
    }

    [Fact]
    public void HalfAndBFloat16Storages_ConvertToFloat32()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("half", "HalfStorage", "0", 3, 1, [2], [1])
            .TensorItem("brain", "BFloat16Storage", "1", 2, 0, [2], [1])
            .Stop().ToArray();

        using var checkpoint = OpenZip(pickle, new Dictionary<string, byte[]>
        {
            ["0"] = UInt16(0x7C00, 0x3C00, 0xC000), // inf, 1, -2 — the tensor starts at element 1
            ["1"] = UInt16(0x3F80, 0x0001),         // 1, 2^-133
        });

        Assert.Equal(TensorDataType.Float16, checkpoint.Tensors["half"].DataType);
        Assert.Equal([1f, -2f], checkpoint.ReadFloat32("half"));
        Assert.Equal([1f, (float)Math.ScaleB(1, -133)], checkpoint.ReadFloat32("brain"));
    }

    [Fact]
    public void BigEndianByteOrder_IsHonoured()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 2, 0, [2], [1])
            .Stop().ToArray();
        var bigEndian = new byte[] { 0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0 }; // 1.0, -2.0

        using var checkpoint = OpenZip(
            pickle, new Dictionary<string, byte[]> { ["0"] = bigEndian },
            extra: [("archive/byteorder", "big"u8.ToArray())]);

        Assert.Equal([1f, -2f], checkpoint.ReadFloat32("w"));
    }

    [Fact]
    public void ParameterWrappers_AndStackGlobal_AreUnderstood()
    {
        // Protocol-4 style: STACK_GLOBAL + MEMOIZE, and a tensor wrapped in torch._utils._rebuild_parameter.
        var pickle = new PickleBytes().Proto(4)
            .StackGlobal("collections", "OrderedDict").Op(0x94).EmptyTuple().Reduce().Op(0x94)
            .Unicode("p")
            .StackGlobal("torch._utils", "_rebuild_parameter")
            .Mark()
            .Global("torch._utils", "_rebuild_tensor_v2")
            .Mark()
            .Mark().Unicode("storage").StackGlobal("torch", "FloatStorage").Unicode("7").Unicode("cpu").Int(2).Tuple().PersistentId()
            .Int(0).IntTuple([2]).IntTuple([1]).False().Get(0).EmptyTuple().Reduce()
            .Tuple().Reduce()
            .Op(0x88).Get(0).EmptyTuple().Reduce() // requires_grad=True, hooks=OrderedDict()
            .Tuple().Reduce()
            .SetItem().Stop().ToArray();

        using var checkpoint = OpenZip(pickle, new Dictionary<string, byte[]> { ["7"] = Float32(0.5f, -0.25f) });

        Assert.Equal([0.5f, -0.25f], checkpoint.ReadFloat32("p"));
    }

    [Fact]
    public void TrainingCheckpointWrappingOneStateDict_IsUnwrapped()
    {
        var pickle = new PickleBytes().Proto().EmptyDict()
            .Unicode("epoch").Int(3).SetItem()
            .Unicode("state_dict").Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .TensorItem("w", "FloatStorage", "0", 1, 0, [1], [1])
            .SetItem()
            .Stop().ToArray();

        using var checkpoint = OpenZip(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(9) });

        Assert.Equal(["w"], checkpoint.Tensors.Keys);
        Assert.Equal([9f], checkpoint.ReadFloat32("w"));
    }

    [Fact]
    public void LongStorageTensors_AreSkipped_AndReadingOneSaysWhy()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("bert.embeddings.position_ids", "LongStorage", "0", 4, 0, [1, 4], [4, 1])
            .TensorItem("w", "FloatStorage", "1", 1, 0, [1], [1])
            .Stop().ToArray();

        using var checkpoint = OpenZip(pickle, new Dictionary<string, byte[]> { ["0"] = new byte[32], ["1"] = Float32(1) });

        Assert.Equal("LongStorage", checkpoint.SkippedTensors["bert.embeddings.position_ids"]);
        Assert.Equal(["w"], checkpoint.Tensors.Keys);
        var error = Assert.Throws<CheckpointFormatException>(() => checkpoint.ReadFloat32("bert.embeddings.position_ids"));
        Assert.Contains("stored as LongStorage, which cannot be read as float", error.Message);
    }

    [Fact]
    public void NonContiguousTensor_IsRefused()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("transposed", "FloatStorage", "0", 6, 0, [3, 2], [1, 3])
            .Stop().ToArray();

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1, 2, 3, 4, 5, 6) });

        Assert.Contains("tensor 'transposed' is not contiguous (size [3, 2], stride [1, 3])", error.Message);
        Assert.Contains(".contiguous()", error.Message);
    }

    [Fact]
    public void MissingStorageEntry_IsRefused()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "5", 2, 0, [2], [1])
            .Stop().ToArray();

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]>());

        Assert.Contains("tensor 'w' uses storage '5', but the archive has no entry 'archive/data/5'", error.Message);
    }

    [Fact]
    public void TensorReachingPastItsStorage_IsRefused()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 4, 3, [2], [1])
            .Stop().ToArray();

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1, 2, 3, 4) });

        Assert.Contains("tensor 'w' spans elements [3, 5) of storage '0', which only has 4", error.Message);
    }

    [Fact]
    public void StorageEntrySmallerThanItsElementCount_IsRefused()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 4, 0, [4], [1])
            .Stop().ToArray();

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1, 2) });

        Assert.Contains("storage 'archive/data/0' of tensor 'w' is 8 bytes but should hold 4 FloatStorage elements (16 bytes)", error.Message);
    }

    [Fact]
    public void PickleWithoutStop_IsRefusedAsTruncated()
    {
        var pickle = new PickleBytes().StateDictStart()
            .TensorItem("w", "FloatStorage", "0", 1, 0, [1], [1])
            .ToArray();

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]> { ["0"] = Float32(1) });

        Assert.Contains("without a STOP opcode", error.Message);
    }

    [Fact]
    public void UnsupportedOpcode_IsRefused_Naming_It()
    {
        var pickle = new PickleBytes().Proto().Op((byte)'S').Stop().ToArray(); // STRING (protocol 0)

        var error = OpenZipFails<CheckpointFormatException>(pickle, new Dictionary<string, byte[]>());

        Assert.Contains("pickle opcode 0x53 ('S') is not used by PyTorch state dicts", error.Message);
    }

    [Fact]
    public void ZipWithoutDataPkl_IsRefused()
    {
        var path = _folder.File("nopickle.bin");
        using (var zip = new System.IO.Compression.ZipArchive(File.Create(path), System.IO.Compression.ZipArchiveMode.Create))
        {
            zip.CreateEntry("archive/version");
        }

        var error = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains("no '<archive>/data.pkl'", error.Message);
    }

    [Fact]
    public void TruncatedRealBin_IsRefused()
    {
        var path = _folder.File("truncated.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"))[..1_000_000]);

        var error = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a readable zip archive", error.Message);
    }

    [Theory]
    [InlineData("version https://git-lfs.github.com/spec/v1\noid sha256:abc\n", "not a zip archive")]
    [InlineData("", "empty")]
    public void NonZipFile_IsRefused(string content, string expected)
    {
        var path = _folder.File("weights.bin");
        File.WriteAllText(path, content);

        var error = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void LegacyNonZipTorchSave_IsRefused_WithAWayOut()
    {
        var path = _folder.File("legacy.bin");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);

        var error = Assert.Throws<CheckpointFormatException>(() => PyTorchCheckpoint.Open(path));

        Assert.Contains("legacy (pre-1.6, non-zip) torch.save file", error.Message);
        Assert.Contains("safetensors", error.Message);
    }

    private PyTorchCheckpoint OpenZip(
        byte[] pickle, IReadOnlyDictionary<string, byte[]> storages, IEnumerable<(string, byte[])>? extra = null)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".bin");
        TorchZip.Write(path, pickle, storages, extraEntries: extra);
        return PyTorchCheckpoint.Open(path);
    }

    private T OpenZipFails<T>(byte[] pickle, IReadOnlyDictionary<string, byte[]> storages)
        where T : Exception
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".bin");
        TorchZip.Write(path, pickle, storages);
        var error = Assert.Throws<T>(() => PyTorchCheckpoint.Open(path));
        Assert.Contains(path, error.Message);
        return error;
    }
}
