using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FastBert.Training.Modeling;

/// <summary>
/// A low-rank update of one frozen linear layer: y = x·Wᵀ + b + (alpha / rank) · (x·Aᵀ)·Bᵀ, with A [rank, in] and
/// B [out, rank]. A starts uniform in ±1/√in and B at zero, so training starts from the base model exactly.
/// </summary>
internal sealed class LoraAdapter : IDisposable
{
    public LoraAdapter(string module, long inputs, long outputs, int rank, double alpha, double dropout, torch.Generator random)
    {
        Module = module;
        Rank = rank;
        Scale = alpha / rank;
        Dropout = dropout;
        var bound = 1.0 / Math.Sqrt(inputs);
        A = new Parameter(torch.empty(rank, inputs).uniform_(-bound, bound, random));
        B = new Parameter(torch.zeros(outputs, rank));
    }

    /// <summary>The adapted layer's module name, e.g. <c>bert.encoder.layer.0.attention.self.query</c>.</summary>
    public string Module { get; }

    public int Rank { get; }

    public double Scale { get; }

    public double Dropout { get; }

    public Parameter A { get; }

    public Parameter B { get; }

    public long ParameterCount => A.numel() + B.numel();

    /// <summary>The low-rank term for an input (after the adapter's dropout, which the caller applies).</summary>
    public Tensor Update(Tensor input) => F.linear(F.linear(input, A), B).mul(Scale);

    /// <summary>W + scale·B·A: the weight that computes base and update in one linear layer.</summary>
    public Tensor Merge(Tensor weight)
    {
        using var _ = torch.no_grad();
        return weight.add(B.matmul(A).mul(Scale));
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
