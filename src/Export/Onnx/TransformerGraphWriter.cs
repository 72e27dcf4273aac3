using FastBert.Models.Onnx.Proto;
using FastBert.Models.Quantization;
using static FastBert.Models.Onnx.OnnxGraphBuilder;
using DataType = FastBert.Models.Onnx.Proto.TensorProto.Types.DataType;

namespace FastBert.Models.Onnx;

/// <summary>How the encoder is written to ONNX.</summary>
public enum OnnxGraphForm
{
    /// <summary>Standard ONNX ops only (opset 17); ONNX Runtime fuses what it recognises at session creation.</summary>
    Standard,

    /// <summary>ONNX Runtime contrib ops (Attention, SkipLayerNormalization, BiasGelu, EmbedLayerNormalization) emitted directly.</summary>
    Fused,
}

/// <summary>A stored tensor as float32 with its shape.</summary>
internal readonly record struct WeightTensor(float[] Values, long[] Shape);

/// <summary>
/// Writes a BERT-family sequence classifier as an ONNX graph: inputs input_ids, attention_mask
/// (+ token_type_ids), int64 [batch, sequence]; output logits float [batch, labels].
/// </summary>
internal sealed class TransformerGraphWriter
{
    public const long OpsetVersion = 17;
    private const string Batch = "batch";
    private const string Sequence = "sequence";

    private readonly ArchitectureSpec _spec;
    private readonly Func<string, WeightTensor> _weights;
    private readonly OnnxGraphForm _form;
    private readonly QuantizationPlan? _quantization;
    private readonly OnnxGraphBuilder _g = new("fastbert_classifier");

    // Activation → its DynamicQuantizeLinear outputs, so linears reading the same input (q, k, v) quantize it once.
    private readonly Dictionary<string, string[]> _quantizedActivations = new(StringComparer.Ordinal);

    /// <param name="quantization">Int8 layout (Standard form only); null writes float32 everywhere.</param>
    public TransformerGraphWriter(ArchitectureSpec spec, Func<string, WeightTensor> weights, OnnxGraphForm form, QuantizationPlan? quantization = null)
    {
        if (quantization is not null && form != OnnxGraphForm.Standard)
        {
            throw new ExportException($"int8 quantization is written with the {OnnxGraphForm.Standard} graph form, not {form}.");
        }

        _spec = spec;
        _weights = weights;
        _form = form;
        _quantization = quantization;
    }

    private int HeadSize => _spec.HiddenSize / _spec.NumHeads;

    public ModelProto Write(string producerVersion, IReadOnlyDictionary<string, string> metadata)
    {
        _g.Input("input_ids", DataType.Int64, Batch, Sequence);
        _g.Input("attention_mask", DataType.Int64, Batch, Sequence);
        if (_spec.HasTokenTypes)
        {
            _g.Input("token_type_ids", DataType.Int64, Batch, Sequence);
        }

        var hidden = _form == OnnxGraphForm.Fused ? FusedEncoder() : StandardEncoder();
        var logits = Head(hidden);
        _g.Output(logits, DataType.Float, Batch, _spec.LabelCount);
        return _g.Build(OpsetVersion, producerVersion, metadata);
    }

    // ---- Standard ONNX form ---------------------------------------------------------------------------------

    private string StandardEncoder()
    {
        var axis0 = _g.Int64Initializer("const/axis0", [0], 1);
        var word = _quantization is { QuantizeWordEmbeddings: true }
            ? QuantizedWordEmbeddings()
            : _g.Node("Gather", "emb/word", [Weight("emb/word_table", _spec.WordEmbeddings), "input_ids"]);

        // Positions 0..S-1: the first S rows of the position table.
        var sequenceLength = _g.Node("Shape", "emb/seq_len", ["input_ids"], Int("start", 1), Int("end", 2));
        var positions = _g.Node("Slice", "emb/position", [Weight("emb/position_table", _spec.PositionEmbeddings), _g.Int64Initializer("const/zero", [0], 1), sequenceLength, axis0]);
        var sum = _g.Node("Add", "emb/word_plus_position", [word, positions]);
        if (_spec.TokenTypeEmbeddings is { } tokenTypes)
        {
            var types = _g.Node("Gather", "emb/token_type", [Weight("emb/token_type_table", tokenTypes), "token_type_ids"]);
            sum = _g.Node("Add", "emb/sum", [sum, types]);
        }

        var x = LayerNorm("emb/norm", sum, _spec.EmbeddingNorm);
        if (_spec.EmbeddingProjection is { } projection)
        {
            x = Linear("emb/project", x, projection);
        }

        // Additive mask [B, 1, 1, S]: 0 where attended, -10000 where padded.
        var maskFloat = _g.Node("Cast", "mask/float", ["attention_mask"], Int("to", (long)DataType.Float));
        var inverted = _g.Node("Sub", "mask/inverted", [_g.Scalar("const/one", 1f), maskFloat]);
        var additive = _g.Node("Mul", "mask/additive", [inverted, _g.Scalar("const/mask_value", -10000f)]);
        var mask = _g.Node("Unsqueeze", "mask/broadcast", [additive, _g.Int64Initializer("const/axes12", [1, 2], 2)]);

        var headShape = _g.Int64Initializer("const/head_shape", [0, 0, _spec.NumHeads, HeadSize], 4);
        var mergedShape = _g.Int64Initializer("const/merged_shape", [0, 0, _spec.HiddenSize], 3);
        var scale = _g.Scalar("const/sqrt_head_size", MathF.Sqrt(HeadSize));
        for (var i = 0; i < _spec.Layers.Count; i++)
        {
            var names = _spec.Layers[i];
            var p = $"layer{i}";
            var q = _g.Node("Transpose", $"{p}/q_heads", [_g.Node("Reshape", $"{p}/q_split", [Linear($"{p}/q", x, names.Query), headShape])], Ints("perm", 0, 2, 1, 3));
            var k = _g.Node("Transpose", $"{p}/k_heads", [_g.Node("Reshape", $"{p}/k_split", [Linear($"{p}/k", x, names.Key), headShape])], Ints("perm", 0, 2, 3, 1));
            var v = _g.Node("Transpose", $"{p}/v_heads", [_g.Node("Reshape", $"{p}/v_split", [Linear($"{p}/v", x, names.Value), headShape])], Ints("perm", 0, 2, 1, 3));
            var scores = _g.Node("Div", $"{p}/scores_scaled", [_g.Node("MatMul", $"{p}/scores", [q, k]), scale]);
            var probabilities = _g.Node("Softmax", $"{p}/probs", [_g.Node("Add", $"{p}/scores_masked", [scores, mask])], Int("axis", -1));
            var context = _g.Node("Transpose", $"{p}/context_heads", [_g.Node("MatMul", $"{p}/context_split", [probabilities, v])], Ints("perm", 0, 2, 1, 3));
            var merged = _g.Node("Reshape", $"{p}/context", [context, mergedShape]);
            var attention = Linear($"{p}/attn_out", merged, names.AttentionOutput);
            var x1 = LayerNorm($"{p}/attn_norm", _g.Node("Add", $"{p}/attn_residual", [attention, x]), names.AttentionNorm);
            var intermediate = Gelu($"{p}/ffn_gelu", Linear($"{p}/ffn_in", x1, names.Intermediate));
            var output = Linear($"{p}/ffn_out", intermediate, names.Output);
            x = LayerNorm($"{p}/out_norm", _g.Node("Add", $"{p}/ffn_residual", [output, x1]), names.OutputNorm);
        }

        return x;
    }

    // ---- ONNX Runtime contrib-op form -----------------------------------------------------------------------

    private string FusedEncoder()
    {
        var ids32 = _g.Node("Cast", "ids/int32", ["input_ids"], Int("to", (long)DataType.Int32));
        var mask32 = _g.Node("Cast", "mask/int32", ["attention_mask"], Int("to", (long)DataType.Int32));
        var segments32 = _spec.HasTokenTypes ? _g.Node("Cast", "types/int32", ["token_type_ids"], Int("to", (long)DataType.Int32)) : string.Empty;
        var embedding = _g.NodeIn(MicrosoftDomain, "EmbedLayerNormalization", ["emb/norm", "emb/mask_index"],
            [
                ids32,
                segments32,
                Weight("emb/word_table", _spec.WordEmbeddings),
                Weight("emb/position_table", _spec.PositionEmbeddings),
                _spec.TokenTypeEmbeddings is { } types ? Weight("emb/token_type_table", types) : string.Empty,
                Weight("emb/norm_gamma", _spec.EmbeddingNorm.Weight),
                Weight("emb/norm_beta", _spec.EmbeddingNorm.Bias),
                mask32,
            ],
            Float("epsilon", _spec.LayerNormEps));
        var x = embedding[0];
        if (_spec.EmbeddingProjection is { } projection)
        {
            x = Linear("emb/project", x, projection);
        }

        for (var i = 0; i < _spec.Layers.Count; i++)
        {
            var names = _spec.Layers[i];
            var p = $"layer{i}";
            var (qkvWeight, qkvBias) = PackedQkv(p, names);
            var attention = _g.MicrosoftNode("Attention", $"{p}/attention", [x, qkvWeight, qkvBias, mask32], Int("num_heads", _spec.NumHeads));
            var projected = _g.Node("MatMul", $"{p}/attn_out", [attention, TransposedWeight($"{p}/attn_out_w", names.AttentionOutput.Weight)]);
            var x1 = _g.MicrosoftNode("SkipLayerNormalization", $"{p}/attn_norm",
                [projected, x, Weight($"{p}/attn_norm_gamma", names.AttentionNorm.Weight), Weight($"{p}/attn_norm_beta", names.AttentionNorm.Bias), Weight($"{p}/attn_out_b", names.AttentionOutput.Bias)],
                Float("epsilon", _spec.LayerNormEps));
            var up = _g.Node("MatMul", $"{p}/ffn_in", [x1, TransposedWeight($"{p}/ffn_in_w", names.Intermediate.Weight)]);
            var gelu = _g.MicrosoftNode("BiasGelu", $"{p}/ffn_gelu", [up, Weight($"{p}/ffn_in_b", names.Intermediate.Bias)]);
            var down = _g.Node("MatMul", $"{p}/ffn_out", [gelu, TransposedWeight($"{p}/ffn_out_w", names.Output.Weight)]);
            x = _g.MicrosoftNode("SkipLayerNormalization", $"{p}/out_norm",
                [down, x1, Weight($"{p}/out_norm_gamma", names.OutputNorm.Weight), Weight($"{p}/out_norm_beta", names.OutputNorm.Bias), Weight($"{p}/ffn_out_b", names.Output.Bias)],
                Float("epsilon", _spec.LayerNormEps));
        }

        return x;
    }

    // Attention takes Q, K and V weights side by side: [hidden, 3 * hidden], bias [3 * hidden].
    private (string Weight, string Bias) PackedQkv(string prefix, EncoderLayerNames names)
    {
        var h = _spec.HiddenSize;
        var packed = new float[h * 3 * h];
        var bias = new float[3 * h];
        LinearNames[] parts = [names.Query, names.Key, names.Value];
        for (var part = 0; part < 3; part++)
        {
            var w = Load(parts[part].Weight, h, h);
            for (var o = 0; o < h; o++)
            {
                for (var i = 0; i < h; i++)
                {
                    packed[(i * 3 * h) + (part * h) + o] = w[(o * h) + i];
                }
            }

            Load(parts[part].Bias, h).CopyTo(bias, part * h);
        }

        return (_g.Initializer($"{prefix}/qkv_w", packed, h, 3 * h), _g.Initializer($"{prefix}/qkv_b", bias, 3 * h));
    }

    // ---- Head and shared pieces -----------------------------------------------------------------------------

    private string Head(string hidden)
    {
        var first = _g.Node("Gather", "head/cls", [hidden, _g.Int64Initializer("const/cls_index", [0])], Int("axis", 1));
        var dense = Linear("head/dense", first, _spec.HeadDense);
        var activated = _spec.Head switch
        {
            ClassifierHead.BertPooler => _g.Node("Tanh", "head/pooled", [dense]),
            ClassifierHead.DistilBertPreClassifier => _g.Node("Relu", "head/pre_classified", [dense]),
            ClassifierHead.ElectraDenseGelu => Gelu("head/gelu", dense),
            _ => throw new InvalidOperationException($"Unknown head {_spec.Head}."),
        };
        var classifier = Checked(_spec.Classifier.Weight, _spec.LabelCount, -1);
        var matmul = _g.Node("MatMul", "head/classifier", [activated, TransposedWeight("head/classifier_w", _spec.Classifier.Weight, classifier)]);
        return _g.Node("Add", "logits", [matmul, Weight("head/classifier_b", _spec.Classifier.Bias)]);
    }

    private string Linear(string name, string input, LinearNames names)
    {
        if (_quantization is not null && !name.StartsWith("head/", StringComparison.Ordinal) && _quantization.Quantizes(name))
        {
            return QuantizedLinear(name, input, names);
        }

        var matmul = _g.Node("MatMul", $"{name}/matmul", [input, TransposedWeight($"{name}_w", names.Weight)]);
        return _g.Node("Add", name, [matmul, Weight($"{name}_b", names.Bias)]);
    }

    private string LayerNorm(string name, string input, NormNames names) =>
        _g.Node("LayerNormalization", name, [input, Weight($"{name}_gamma", names.Weight), Weight($"{name}_beta", names.Bias)],
            Int("axis", -1), Float("epsilon", _spec.LayerNormEps));

    // Exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
    private string Gelu(string name, string input)
    {
        var scaled = _g.Node("Div", $"{name}/scaled", [input, _g.Scalar($"{name}/sqrt2", MathF.Sqrt(2f))]);
        var erf = _g.Node("Erf", $"{name}/erf", [scaled]);
        var onePlus = _g.Node("Add", $"{name}/one_plus", [erf, _g.Scalar($"{name}/one", 1f)]);
        var half = _g.Node("Mul", $"{name}/half", [input, _g.Scalar($"{name}/half_c", 0.5f)]);
        return _g.Node("Mul", name, [half, onePlus]);
    }

    private string Weight(string onnxName, string storedName)
    {
        var tensor = _weights(storedName);
        return _g.Initializer(onnxName, tensor.Values, tensor.Shape);
    }

    // Linear weights are stored [out, in]; MatMul wants [in, out].
    private string TransposedWeight(string onnxName, string storedName, WeightTensor? alreadyRead = null)
    {
        var (transposed, columns, rows) = Transposed(storedName, alreadyRead);
        return _g.Initializer(onnxName, transposed, columns, rows);
    }

    // The stored [out, in] weight as row-major [in, out] values.
    private (float[] Values, int In, int Out) Transposed(string storedName, WeightTensor? alreadyRead = null)
    {
        var tensor = alreadyRead ?? _weights(storedName);
        if (tensor.Shape.Length != 2)
        {
            throw new ExportException($"tensor '{storedName}' should be 2-D [out, in] but has shape [{string.Join(", ", tensor.Shape)}].");
        }

        var rows = (int)tensor.Shape[0];
        var columns = (int)tensor.Shape[1];
        var transposed = new float[tensor.Values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                transposed[(c * rows) + r] = tensor.Values[(r * columns) + c];
            }
        }

        return (transposed, columns, rows);
    }

    // ---- Int8 pieces (Standard form with a QuantizationPlan) ------------------------------------------------

    // Word embeddings int8 with one float scale per row: Gather(int8 table) → Cast → Mul by Gather(scales [V, 1]).
    private string QuantizedWordEmbeddings()
    {
        var table = _weights(_spec.WordEmbeddings);
        if (table.Shape.Length != 2)
        {
            throw new ExportException($"tensor '{_spec.WordEmbeddings}' should be 2-D [vocab, hidden] but has shape [{string.Join(", ", table.Shape)}].");
        }

        var (rows, columns) = ((int)table.Shape[0], (int)table.Shape[1]);
        var quantized = Int8Math.QuantizeRows(table.Values, rows, columns);
        var codes = _g.Node("Gather", "emb/word_int8", [_g.Int8Initializer("emb/word_table_int8", quantized.Values, rows, columns), "input_ids"]);
        var unscaled = _g.Node("Cast", "emb/word_unscaled", [codes], Int("to", (long)DataType.Float));
        var scales = _g.Node("Gather", "emb/word_scale", [_g.Initializer("emb/word_scales", quantized.Scales, rows, 1), "input_ids"]);
        return _g.Node("Mul", "emb/word", [unscaled, scales]);
    }

    // Weight int8 (symmetric, per output channel or per tensor), activations quantized to uint8 at run time.
    private string QuantizedLinear(string name, string input, LinearNames names)
    {
        var plan = _quantization!;
        var (values, rows, columns) = Transposed(names.Weight);
        var quantized = Int8Math.QuantizeColumns(values, rows, columns, plan.PerChannel, plan.ReduceRange);
        var weight = _g.Int8Initializer($"{name}_w_int8", quantized.Values, rows, columns);
        var scale = plan.PerChannel ? _g.Initializer($"{name}_w_scale", quantized.Scales, columns) : _g.Scalar($"{name}_w_scale", quantized.Scales[0]);
        var bias = Weight($"{name}_b", names.Bias);
        if (plan.MatMul == QuantizedMatMulKind.DynamicQuantizeMatMul)
        {
            return _g.MicrosoftNode("DynamicQuantizeMatMul", name, [input, weight, scale, string.Empty, bias]);
        }

        if (!_quantizedActivations.TryGetValue(input, out var activation))
        {
            activation = _g.NodeIn(string.Empty, "DynamicQuantizeLinear", [$"{name}/a_uint8", $"{name}/a_scale", $"{name}/a_zero_point"], [input]);
            _quantizedActivations[input] = activation;
        }

        var product = _g.Node("MatMulInteger", $"{name}/matmul_int32", [activation[0], weight, activation[2]]);
        var productFloat = _g.Node("Cast", $"{name}/matmul_float", [product], Int("to", (long)DataType.Float));
        var combinedScale = _g.Node("Mul", $"{name}/scale", [activation[1], scale]);
        var matmul = _g.Node("Mul", $"{name}/matmul", [productFloat, combinedScale]);
        return _g.Node("Add", name, [matmul, bias]);
    }

    private float[] Load(string storedName, params long[] expectedShape) => Checked(storedName, expectedShape).Values;

    // The stored tensor, after checking its shape against config.json (-1: any size in that dimension).
    private WeightTensor Checked(string storedName, params long[] expectedShape)
    {
        var tensor = _weights(storedName);
        if (tensor.Shape.Length != expectedShape.Length || tensor.Shape.Where((d, i) => expectedShape[i] >= 0 && d != expectedShape[i]).Any())
        {
            throw new ExportException($"tensor '{storedName}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", expectedShape.Select(d => d < 0 ? "*" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]. Does config.json match the weights?");
        }

        return tensor;
    }
}
