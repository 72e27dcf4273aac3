namespace FastBert.Models.Quantization;

/// <summary>An int8 tensor and the float scales that map it back: value ≈ q · scale.</summary>
internal sealed record QuantizedTensor(sbyte[] Values, float[] Scales);

/// <summary>Symmetric int8 quantization (zero point 0) of weights and embedding tables.</summary>
internal static class Int8Math
{
    public const int FullRange = 127;
    public const int ReducedRange = 63;

    public static int Limit(bool reduceRange) => reduceRange ? ReducedRange : FullRange;

    /// <summary>
    /// Quantizes a row-major [rows, columns] matrix (a MatMul weight [in, out]). Per channel: one scale per column
    /// (output channel), max |column| / limit; per tensor: one scale, max |matrix| / limit. Values are rounded to
    /// the nearest integer (ties to even) and clamped to ±limit.
    /// </summary>
    public static QuantizedTensor QuantizeColumns(ReadOnlySpan<float> matrix, int rows, int columns, bool perChannel, bool reduceRange)
    {
        CheckShape(matrix.Length, rows, columns);
        var limit = Limit(reduceRange);
        var maxAbs = new float[perChannel ? columns : 1];
        for (var r = 0; r < rows; r++)
        {
            var row = matrix.Slice(r * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                var slot = perChannel ? c : 0;
                maxAbs[slot] = MathF.Max(maxAbs[slot], MathF.Abs(row[c]));
            }
        }

        var scales = maxAbs.Select(m => ScaleFor(m, limit)).ToArray();
        var values = new sbyte[matrix.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                values[i] = Round(matrix[i] / scales[perChannel ? c : 0], limit);
            }
        }

        return new QuantizedTensor(values, scales);
    }

    /// <summary>Quantizes a row-major [rows, columns] table with one scale per row (an embedding table: one row per token).</summary>
    public static QuantizedTensor QuantizeRows(ReadOnlySpan<float> table, int rows, int columns, bool reduceRange = false)
    {
        CheckShape(table.Length, rows, columns);
        var limit = Limit(reduceRange);
        var scales = new float[rows];
        var values = new sbyte[table.Length];
        for (var r = 0; r < rows; r++)
        {
            var row = table.Slice(r * columns, columns);
            var maxAbs = 0f;
            foreach (var value in row)
            {
                maxAbs = MathF.Max(maxAbs, MathF.Abs(value));
            }

            var scale = ScaleFor(maxAbs, limit);
            scales[r] = scale;
            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = Round(row[c] / scale, limit);
            }
        }

        return new QuantizedTensor(values, scales);
    }

    // An all-zero channel gets scale 1 (any scale reproduces zeros) so no division by zero happens.
    private static float ScaleFor(float maxAbs, int limit) => maxAbs > 0f && float.IsFinite(maxAbs) ? maxAbs / limit : 1f;

    private static sbyte Round(float value, int limit) => (sbyte)Math.Clamp(MathF.Round(value, MidpointRounding.ToEven), -limit, limit);

    private static void CheckShape(int length, int rows, int columns)
    {
        if ((long)rows * columns != length)
        {
            throw new ArgumentException($"{length} values do not form a [{rows}, {columns}] matrix.");
        }
    }
}
