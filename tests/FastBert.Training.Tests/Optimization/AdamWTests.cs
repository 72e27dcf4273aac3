using FastBert.Training.Native;
using FastBert.Training.Optimization;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;

namespace FastBert.Training.Tests.Optimization;

/// <summary>AdamW and the learning-rate schedule against the published formulas, computed by hand in doubles.</summary>
public sealed class AdamWTests
{
    [Fact]
    public void Three_steps_match_the_formula_with_and_without_weight_decay()
    {
        TorchNative.EnsureLoaded();
        double[] start = [0.5, -1.25, 2.0];
        double[][] gradients = [[0.1, -0.3, 0.002], [-0.2, 0.05, 0.0], [0.4, -0.4, 1e-5]];
        double[] rates = [1e-3, 5e-4, 2e-3];
        const double decay = 0.1;

        using var decayed = new Parameter(torch.tensor(start.Select(v => (float)v).ToArray()));
        using var plain = new Parameter(torch.tensor(start.Select(v => (float)v).ToArray()));
        using var optimizer = new AdamW([(decayed, true), (plain, false)], weightDecay: decay);
        for (var step = 0; step < gradients.Length; step++)
        {
            // The gradient of sum(p · g) with respect to p is g.
            using var g = torch.tensor(gradients[step].Select(v => (float)v).ToArray());
            using var loss = decayed.mul(g).sum().add(plain.mul(g).sum());
            loss.backward();
            optimizer.Step(rates[step]);
            optimizer.ZeroGradients();
        }

        AssertClose(Reference(start, gradients, rates, decay), decayed.data<float>().ToArray());
        AssertClose(Reference(start, gradients, rates, 0), plain.data<float>().ToArray());
        Assert.Equal(3, optimizer.Steps);
    }

    [Fact]
    public void A_parameter_without_gradient_is_left_alone()
    {
        TorchNative.EnsureLoaded();
        using var p = new Parameter(torch.tensor(new[] { 1f, 2f }));
        using var optimizer = new AdamW([(p, true)], weightDecay: 0.5);
        optimizer.Step(0.1);
        Assert.Equal([1f, 2f], p.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.25)]
    [InlineData(3, 0.75)]
    [InlineData(4, 1.0)]
    [InlineData(10, 0.625)]
    [InlineData(19, 0.0625)]
    [InlineData(20, 0.0)]
    [InlineData(25, 0.0)]
    public void Linear_schedule_warms_up_then_decays_to_zero(int step, double share)
    {
        // 20 steps, 20% warmup = 4 steps: k/4 during warmup, then (20-k)/16.
        var schedule = LinearSchedule.Create(2e-3, 20, 0.2);
        Assert.Equal(4, schedule.WarmupSteps);
        Assert.Equal(2e-3 * share, schedule.At(step), 12);
    }

    private static double[] Reference(double[] start, double[][] gradients, double[] rates, double decay)
    {
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        var p = (double[])start.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= gradients.Length; t++)
        {
            var lr = rates[t - 1];
            for (var i = 0; i < p.Length; i++)
            {
                var g = gradients[t - 1][i];
                p[i] *= 1 - (lr * decay);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * g);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * g * g);
                var mHat = m[i] / (1 - Math.Pow(beta1, t));
                var vHat = v[i] / (1 - Math.Pow(beta2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + epsilon);
            }
        }

        return p;
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-6, $"element {i}: {actual[i]} vs reference {expected[i]}");
        }
    }
}
