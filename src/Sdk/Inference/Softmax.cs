namespace FastBert;

/// <summary>Numerically stable softmax and argmax over one row of logits.</summary>
internal static class Softmax
{
    public static float[] Compute(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var value in logits)
        {
            max = Math.Max(max, value);
        }

        var result = new float[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var e = Math.Exp(logits[i] - max);
            result[i] = (float)e;
            sum += e;
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)(result[i] / sum);
        }

        return result;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
