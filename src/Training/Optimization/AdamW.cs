using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FastBert.Training.Optimization;

/// <summary>
/// AdamW (Loshchilov and Hutter) exactly as torch.optim.AdamW computes it, with weight decay per parameter (none for
/// biases and LayerNorm weights, as transformers' Trainer does) and the learning rate given per step by the schedule:
/// p ← p·(1 − lr·λ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + ε).
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly List<Slot> _slots;

    public AdamW(IEnumerable<(Parameter Parameter, bool Decay)> parameters, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        WeightDecay = weightDecay;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _slots = parameters.Select(p => new Slot(p.Parameter, torch.zeros_like(p.Parameter), torch.zeros_like(p.Parameter), p.Decay)).ToList();
    }

    public double WeightDecay { get; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>Steps taken so far.</summary>
    public int Steps { get; private set; }

    public IEnumerable<Parameter> Parameters => _slots.Select(s => s.Parameter);

    public void Step(double learningRate)
    {
        Steps++;
        var correction1 = 1 - Math.Pow(Beta1, Steps);
        var correction2Root = Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        foreach (var slot in _slots)
        {
            var gradient = slot.Parameter.grad;
            if (gradient is null)
            {
                continue;
            }

            if (slot.Decay && WeightDecay > 0)
            {
                slot.Parameter.mul_(1 - (learningRate * WeightDecay));
            }

            slot.Mean.mul_(Beta1).add_(gradient, alpha: 1 - Beta1);
            slot.Variance.mul_(Beta2).addcmul_(gradient, gradient, value: 1 - Beta2);
            var denominator = slot.Variance.sqrt().div_(correction2Root).add_(Epsilon);
            slot.Parameter.addcdiv_(slot.Mean, denominator, value: -learningRate / correction1);
        }
    }

    public void ZeroGradients()
    {
        foreach (var slot in _slots)
        {
            slot.Parameter.grad?.zero_();
        }
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.Mean.Dispose();
            slot.Variance.Dispose();
        }
    }

    private sealed record Slot(Parameter Parameter, Tensor Mean, Tensor Variance, bool Decay);
}
