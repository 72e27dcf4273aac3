using FastBert.Models.Checkpoints;
using static FastBert.Models.Tests.Checkpoints.SafetensorsBytes;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>F16 and BF16 tensors convert to the float32 values computed by hand from their bit patterns.</summary>
public sealed class SafetensorsConversionTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<ushort, float> Float16Cases => new()
    {
        { 0x3C00, 1.0f },
        { 0xC000, -2.0f },
        { 0x0000, 0.0f },
        { 0x8000, -0.0f },
        { 0x3800, 0.5f },
        { 0x3555, 0.333251953125f },                 // 2^-2 × (1 + 341/1024)
        { 0x7BFF, 65504f },                          // largest finite half
        { 0x0400, (float)Math.ScaleB(1, -14) },      // smallest normal
        { 0x0001, (float)Math.ScaleB(1, -24) },      // smallest subnormal
        { 0x03FF, (float)(1023 * Math.ScaleB(1, -24)) }, // largest subnormal
        { 0x8001, -(float)Math.ScaleB(1, -24) },
        { 0x7C00, float.PositiveInfinity },
        { 0xFC00, float.NegativeInfinity },
    };

    public static TheoryData<ushort, float> BFloat16Cases => new()
    {
        { 0x3F80, 1.0f },
        { 0xC000, -2.0f },
        { 0x0000, 0.0f },
        { 0x8000, -0.0f },
        { 0x4049, 3.140625f },                        // 2^1 × (1 + 73/128)
        { 0x7F7F, 3.3895314e38f },                    // largest finite bfloat16
        { 0x0080, (float)Math.ScaleB(1, -126) },      // smallest normal
        { 0x0001, (float)Math.ScaleB(1, -133) },      // smallest subnormal
        { 0x7F80, float.PositiveInfinity },
        { 0xFF80, float.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Float16Cases))]
    public void F16_ConvertsToTheExactFloat32(ushort bits, float expected)
    {
        using var checkpoint = Open(new Tensor("t", "F16", [1], UInt16(bits)));

        Assert.Equal(TensorDataType.Float16, checkpoint.Tensors["t"].DataType);
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(checkpoint.ReadFloat32("t")[0]));
    }

    [Theory]
    [MemberData(nameof(BFloat16Cases))]
    public void BF16_ConvertsToTheExactFloat32(ushort bits, float expected)
    {
        using var checkpoint = Open(new Tensor("t", "BF16", [1], UInt16(bits)));

        Assert.Equal(TensorDataType.BFloat16, checkpoint.Tensors["t"].DataType);
        Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(checkpoint.ReadFloat32("t")[0]));
    }

    [Fact]
    public void NaN_StaysNaN_InBothHalfFormats()
    {
        using var checkpoint = Open(
            new Tensor("half", "F16", [2], UInt16(0x7E00, 0xFE01)),
            new Tensor("brain", "BF16", [2], UInt16(0x7FC0, 0xFFC1)));

        Assert.All(checkpoint.ReadFloat32("half"), v => Assert.True(float.IsNaN(v)));
        Assert.All(checkpoint.ReadFloat32("brain"), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void MixedTypes_KeepRowMajorOrder_AndShapes()
    {
        using var checkpoint = Open(
            new Tensor("a.weight", "F32", [2, 3], Float32(1, 2, 3, 4, 5, 6)),
            new Tensor("b.weight", "F16", [2, 2], UInt16(0x3C00, 0x4000, 0x4200, 0x4400)),   // 1 2 3 4
            new Tensor("c.weight", "BF16", [3], UInt16(0x3F80, 0x4000, 0x4040)),             // 1 2 3
            new Tensor("empty", "F32", [0, 4], []),
            new Tensor("scalar", "F32", [], Float32(7)));

        Assert.Equal([1f, 2, 3, 4, 5, 6], checkpoint.ReadFloat32("a.weight"));
        Assert.Equal([2L, 3L], checkpoint.Tensors["a.weight"].Shape);
        Assert.Equal([1f, 2, 3, 4], checkpoint.ReadFloat32("b.weight"));
        Assert.Equal([1f, 2, 3], checkpoint.ReadFloat32("c.weight"));
        Assert.Empty(checkpoint.ReadFloat32("empty"));
        Assert.Equal([7f], checkpoint.ReadFloat32("scalar"));
        Assert.Equal(1, checkpoint.Tensors["scalar"].ElementCount);
    }

    [Fact]
    public void UnalignedDataOffsets_AreReadCorrectly()
    {
        // A 2-byte BF16 tensor first pushes the following F32 tensor off 4-byte alignment.
        using var checkpoint = Open(
            new Tensor("odd", "BF16", [1], UInt16(0x3F80)),
            new Tensor("f", "F32", [3], Float32(-1.5f, 0.25f, 1e-3f)));

        Assert.Equal([-1.5f, 0.25f, 1e-3f], checkpoint.ReadFloat32("f"));
    }

    [Fact]
    public void IntegerBuffers_AreListedAsSkipped_AndReadingOneNamesItsType()
    {
        // Old BERT checkpoints store embeddings.position_ids as int64: not weights, but not a reason to refuse the file.
        using var checkpoint = Open(
            new Tensor("bert.embeddings.position_ids", "I64", [1, 2], new byte[16]),
            new Tensor("w", "F32", [1], Float32(1)));

        Assert.Equal("I64", checkpoint.SkippedTensors["bert.embeddings.position_ids"]);
        Assert.False(checkpoint.Tensors.ContainsKey("bert.embeddings.position_ids"));
        var error = Assert.Throws<CheckpointFormatException>(() => checkpoint.ReadFloat32("bert.embeddings.position_ids"));
        Assert.Contains("I64", error.Message);
        Assert.Contains("F32, F16, BF16", error.Message);
    }

    private SafetensorsCheckpoint Open(params Tensor[] tensors)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, Build(tensors));
        return SafetensorsCheckpoint.Open(path);
    }
}
