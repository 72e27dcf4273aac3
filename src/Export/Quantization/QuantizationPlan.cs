using FastBert.Models.Configuration;
using FastBert.Models.Export;

namespace FastBert.Models.Quantization;

/// <summary>
/// Which parts of the graph are written int8 and how (used with <see cref="Onnx.OnnxGraphForm.Standard"/>).
/// Encoder linear layers get int8 weights and dynamically quantized activations; the word embedding table gets
/// int8 rows with one float scale per row. Position and token-type embeddings, layer norms, softmax and the
/// classifier head always stay float32.
/// </summary>
public sealed record QuantizationPlan
{
    /// <summary>Name of the word embedding table in <see cref="KeepFp32"/> and in reports.</summary>
    public const string WordEmbeddings = "emb/word";

    /// <summary>One weight scale per output channel (column of the [in, out] weight); false: one scale per tensor. Default: true.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>
    /// Quantize weights to 7 bits (±63) instead of ±127, for CPUs without VNNI whose u8×s8 kernels can saturate
    /// 16-bit intermediate sums. Default: false.
    /// </summary>
    public bool ReduceRange { get; init; }

    /// <summary>Store the word embedding table int8 with a float scale per row. Default: true.</summary>
    public bool QuantizeWordEmbeddings { get; init; } = true;

    /// <summary>Linear layers (e.g. <c>layer0/ffn_out</c>, see <see cref="LinearLayers"/>) kept float32.</summary>
    public IReadOnlySet<string> KeepFp32 { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How quantized linears are written unless a request says otherwise.</summary>
    public const QuantizedMatMulKind DefaultMatMul = QuantizedMatMulKind.MatMulInteger;

    /// <summary>How quantized linears are written; see <see cref="QuantizedMatMulKind"/>.</summary>
    public QuantizedMatMulKind MatMul { get; init; } = DefaultMatMul;

    /// <summary>True when the linear layer <paramref name="name"/> is written int8.</summary>
    public bool Quantizes(string name) => !KeepFp32.Contains(name);

    /// <summary>
    /// The encoder's linear layers in graph order: <c>emb/project</c> (ELECTRA with a smaller embedding size),
    /// then per layer <c>layerN/q</c>, <c>k</c>, <c>v</c>, <c>attn_out</c>, <c>ffn_in</c>, <c>ffn_out</c>.
    /// </summary>
    public static IReadOnlyList<string> LinearLayers(TransformerConfig config)
    {
        var spec = OnnxExporter.ToSpec(config);
        var names = new List<string>();
        if (spec.EmbeddingProjection is not null)
        {
            names.Add("emb/project");
        }

        for (var i = 0; i < spec.Layers.Count; i++)
        {
            names.AddRange(LayerLinears.Select(suffix => $"layer{i}/{suffix}"));
        }

        return names;
    }

    internal static readonly string[] LayerLinears = ["q", "k", "v", "attn_out", "ffn_in", "ffn_out"];
}

/// <summary>The ONNX ops a quantized linear layer is written with.</summary>
/// <remarks>
/// Both run the same arithmetic in ONNX Runtime (uint8 activations quantized per call, int8 weights, int32
/// accumulation, float output); after ORT's fusions they differ only in q, k and v sharing one activation
/// quantization. Measured on a seeded TinyBERT-sized model (4 × 312, sequence 128, 2 cores, AVX-512 VNNI) in six
/// interleaved runs they tie within ±3 % at batch 1 and 32 (≈ 2.0–2.4× faster than fp32 either way).
/// <see cref="MatMulInteger"/> is the default because it uses standard ONNX ops only, so the file is not tied to
/// ONNX Runtime's contrib domain.
/// </remarks>
public enum QuantizedMatMulKind
{
    /// <summary>
    /// Standard ONNX ops DynamicQuantizeLinear (once per input, shared by the linears that read it) → MatMulInteger
    /// → Cast → Mul(a_scale · b_scale) → Add(bias); ONNX Runtime fuses them into MatMulIntegerToFloat /
    /// DynamicQuantizeMatMul at session creation.
    /// </summary>
    MatMulInteger,

    /// <summary>One ONNX Runtime contrib op per linear: com.microsoft.DynamicQuantizeMatMul(A, B int8, b_scale, -, bias).</summary>
    DynamicQuantizeMatMul,
}
