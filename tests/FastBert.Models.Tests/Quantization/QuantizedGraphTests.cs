using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;
using FastBert.Models.Onnx.Proto;
using FastBert.Models.Quantization;
using FastBert.Tests;

namespace FastBert.Models.Tests.Quantization;

/// <summary>What the writer emits for a quantization plan.</summary>
public sealed class QuantizedGraphTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-quantized-graph", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void DefaultPlan_WritesEveryEncoderLinearAsMatMulInteger_AndKeepsTheHeadFp32()
    {
        var graph = Build(TestPaths.SmsModel, new QuantizationPlan()).Graph;

        Assert.Equal(QuantizationPlan.LinearLayers(Config(TestPaths.SmsModel)), QuantizedLinears(graph));
        Assert.All(graph.Node, n => Assert.Equal(string.Empty, n.Domain)); // standard ONNX ops only
        Assert.DoesNotContain(graph.Node, n => n.OpType == "DynamicQuantizeMatMul");
        // Per layer one activation quantization for q, k and v together, and one each for attn_out, ffn_in, ffn_out.
        Assert.Equal(8, graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.Equal(3, graph.Node.Count(n => n.OpType == "MatMulInteger" && n.Input[0] == "layer0/q/a_uint8"));
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Output[0] == "head/dense/matmul");
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Output[0] == "head/classifier");
        Assert.Equal((int)TensorProto.Types.DataType.Int8, Initializer(graph, "emb/word_table_int8").DataType);
        Assert.Equal([30522L, 1L], Initializer(graph, "emb/word_scales").Dims);
        Assert.Equal((int)TensorProto.Types.DataType.Float, Initializer(graph, "emb/position_table").DataType);
        Assert.DoesNotContain(graph.Initializer, t => t.Name == "emb/word_table");
    }

    [Fact]
    public void KeptLayers_StayFloatMatMuls()
    {
        var plan = new QuantizationPlan { KeepFp32 = new HashSet<string> { "layer0/q", "layer1/ffn_out" } };

        var graph = Build(TestPaths.SmsModel, plan).Graph;

        Assert.Equal(10, QuantizedLinears(graph).Count);
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Output[0] == "layer0/q/matmul");
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Output[0] == "layer1/ffn_out/matmul");
        Assert.Equal((int)TensorProto.Types.DataType.Float, Initializer(graph, "layer0/q_w").DataType);
    }

    [Fact]
    public void PerTensorPlan_WritesScalarScales_PerChannelOnePerOutputColumn()
    {
        var perChannel = Build(TestPaths.SmsModel, new QuantizationPlan()).Graph;
        var perTensor = Build(TestPaths.SmsModel, new QuantizationPlan { PerChannel = false }).Graph;

        Assert.Equal([512L], Initializer(perChannel, "layer0/ffn_in_w_scale").Dims);
        Assert.Empty(Initializer(perTensor, "layer0/ffn_in_w_scale").Dims);
        Assert.Equal([128L, 512L], Initializer(perTensor, "layer0/ffn_in_w_int8").Dims);
    }

    [Fact]
    public void WordEmbeddingsCanStayFp32()
    {
        var graph = Build(TestPaths.EmotionModel, new QuantizationPlan { QuantizeWordEmbeddings = false }).Graph;

        Assert.Equal((int)TensorProto.Types.DataType.Float, Initializer(graph, "emb/word_table").DataType);
        Assert.DoesNotContain(graph.Initializer, t => t.Name == "emb/word_table_int8");
    }

    [Fact]
    public void Electra_QuantizesTheEmbeddingProjection_KeepsTheDenseGeluHeadFp32_AndRuns()
    {
        var names = QuantizationPlan.LinearLayers(Config(TestPaths.ElectraModel));
        Assert.Equal("emb/project", names[0]);

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.ElectraModel, OutputDirectory = Path.Combine(_root, "electra") });

        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(result.OutputDirectory!, "model.onnx"))).Graph;
        Assert.Equal(names, QuantizedLinears(graph));
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Output[0] == "head/dense/matmul");
        using var model = BertModel.Load(result.OutputDirectory!);
        Assert.All(model.ClassifyBatch(["a fine day", "the worst service ever"]), r => Assert.All(r.Logits, l => Assert.True(float.IsFinite(l))));
    }

    [Fact]
    public void FusedFormWithAPlan_IsRefused()
    {
        var config = Config(TestPaths.SmsModel);

        var error = Assert.Throws<ExportException>(() => new TransformerGraphWriter(FastBert.Models.Export.OnnxExporter.ToSpec(config), _ => throw new InvalidOperationException(), OnnxGraphForm.Fused, new QuantizationPlan()));

        Assert.Contains("Standard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContribOpForm_PredictsLikeTheMatMulIntegerForm_OnHeldOutMessages()
    {
        var texts = QuantizationTestData.SmsHeldOut().Take(300).Select(e => e.Text).ToList();
        var standard = Logits(Write("standard", new QuantizationPlan()), texts);
        var contrib = Logits(Write("contrib", new QuantizationPlan { MatMul = QuantizedMatMulKind.DynamicQuantizeMatMul }), texts);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(_root, "contrib", "model.onnx"))).Graph;

        Assert.Equal(QuantizationPlan.LinearLayers(Config(TestPaths.SmsModel)), QuantizedLinears(graph));
        Assert.All(graph.Node.Where(n => n.OpType == "DynamicQuantizeMatMul"), n => Assert.Equal(OnnxGraphBuilder.MicrosoftDomain, n.Domain));
        Assert.DoesNotContain(graph.Node, n => n.OpType is "MatMulInteger" or "DynamicQuantizeLinear");
        for (var i = 0; i < contrib.Length; i++)
        {
            Assert.Equal(contrib[i], standard[i], 2e-3f);
        }
    }

    // Names of the int8 linears, in graph order, in either form.
    private static List<string> QuantizedLinears(GraphProto graph) => graph.Node
        .Where(n => n.OpType is "MatMulInteger" or "DynamicQuantizeMatMul")
        .Select(n => n.OpType == "MatMulInteger" ? n.Output[0][..^"/matmul_int32".Length] : n.Output[0])
        .ToList();

    private static TensorProto Initializer(GraphProto graph, string name) => graph.Initializer.Single(t => t.Name == name);

    private static TransformerConfig Config(string folder) => TransformerConfig.Load(Path.Combine(folder, "config.json"));

    private static ModelProto Build(string folder, QuantizationPlan plan)
    {
        using var checkpoint = CheckpointLoader.Open(folder);
        return ModelProto.Parser.ParseFrom(Int8Quantizer.BuildOnnx(Config(folder), checkpoint, plan));
    }

    private string Write(string name, QuantizationPlan plan)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        using (var checkpoint = CheckpointLoader.Open(TestPaths.SmsModel))
        {
            File.WriteAllBytes(Path.Combine(folder, "model.onnx"), Int8Quantizer.BuildOnnx(Config(TestPaths.SmsModel), checkpoint, plan));
        }

        foreach (var file in new[] { "config.json", "vocab.txt", "tokenizer_config.json" })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, file), Path.Combine(folder, file));
        }

        return folder;
    }

    private static float[] Logits(string folder, IReadOnlyList<string> texts)
    {
        using var model = BertModel.Load(folder);
        return model.ClassifyBatch(texts).SelectMany(r => r.Logits).ToArray();
    }
}
