using FastBert.Models.Quantization;

namespace FastBert.Models.Tests.Quantization;

/// <summary>The quantization arithmetic against hand-computed values.</summary>
public sealed class Int8MathTests
{
    // A [in = 2, out = 3] MatMul weight; values chosen so no quotient lands on a rounding tie.
    private static readonly float[] Weight =
    [
        0.5f, -1.5f, 0.25f,
        -0.125f, 0.6f, 2.0f,
    ];

    [Fact]
    public void PerChannel_ScalesEachOutputColumnByItsOwnMaxOver127()
    {
        var q = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: true, reduceRange: false);

        AssertScales([0.5f / 127, 1.5f / 127, 2.0f / 127], q.Scales);
        // col 0: 0.5 → 127, −0.125 → −31.75 → −32; col 1: −1.5 → −127, 0.6 → 50.8 → 51; col 2: 0.25 → 15.875 → 16, 2 → 127.
        Assert.Equal(new sbyte[] { 127, -127, 16, -32, 51, 127 }, q.Values);
    }

    [Fact]
    public void PerTensor_UsesOneScaleFromTheLargestWeight()
    {
        var q = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: false, reduceRange: false);

        AssertScales([2.0f / 127], q.Scales);
        // × 63.5: 31.75, −95.25, 15.875, −7.9375, 38.1, 127.
        Assert.Equal(new sbyte[] { 32, -95, 16, -8, 38, 127 }, q.Values);
    }

    [Fact]
    public void PerTensorAndPerChannel_GiveDifferentScalesAndCodes()
    {
        var perChannel = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: true, reduceRange: false);
        var perTensor = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: false, reduceRange: false);

        Assert.Equal(3, perChannel.Scales.Length);
        Assert.Single(perTensor.Scales);
        Assert.NotEqual(perChannel.Scales[0], perTensor.Scales[0]);
        Assert.NotEqual(perChannel.Values, perTensor.Values);
    }

    [Fact]
    public void ReduceRange_KeepsCodesWithinPlusMinus63()
    {
        var perChannel = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: true, reduceRange: true);
        var perTensor = Int8Math.QuantizeColumns(Weight, 2, 3, perChannel: false, reduceRange: true);

        AssertScales([0.5f / 63, 1.5f / 63, 2.0f / 63], perChannel.Scales);
        // col 0: 63, −15.75 → −16; col 1: −63, 25.2 → 25; col 2: 7.875 → 8, 63.
        Assert.Equal(new sbyte[] { 63, -63, 8, -16, 25, 63 }, perChannel.Values);
        AssertScales([2.0f / 63], perTensor.Scales);
        // × 31.5: 15.75, −47.25, 7.875, −3.9375, 18.9, 63.
        Assert.Equal(new sbyte[] { 16, -47, 8, -4, 19, 63 }, perTensor.Values);
        Assert.All(perChannel.Values.Concat(perTensor.Values), v => Assert.InRange(v, -63, 63));
    }

    [Fact]
    public void RandomWeights_DequantizeWithinHalfAScaleAndStayWithin127()
    {
        var random = new Random(7);
        var matrix = Enumerable.Range(0, 64 * 48).Select(_ => (float)((random.NextDouble() - 0.5) * random.Next(1, 10))).ToArray();

        var q = Int8Math.QuantizeColumns(matrix, 64, 48, perChannel: true, reduceRange: false);

        for (var i = 0; i < matrix.Length; i++)
        {
            var scale = q.Scales[i % 48];
            Assert.InRange(q.Values[i], -127, 127);
            Assert.True(MathF.Abs((q.Values[i] * scale) - matrix[i]) <= (scale / 2) * 1.0001f, $"element {i}");
        }
    }

    [Fact]
    public void Rows_GetOneScaleEachAndAZeroRowGetsScaleOne()
    {
        float[] table =
        [
            1.0f, -0.3f, 0.25f,
            0f, 0f, 0f,
            -4.0f, 1.5f, 1.0f,
        ];

        var q = Int8Math.QuantizeRows(table, 3, 3);

        AssertScales([1.0f / 127, 1f, 4.0f / 127], q.Scales);
        // row 0: 127, −38.1 → −38, 31.75 → 32; row 1: zeros; row 2: −127, 47.625 → 48, 31.75 → 32.
        Assert.Equal(new sbyte[] { 127, -38, 32, 0, 0, 0, -127, 48, 32 }, q.Values);
    }

    private static void AssertScales(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-7f);
        }
    }
}
