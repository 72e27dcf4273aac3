using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Models.Quantization;
using FastBert.Tests;

namespace FastBert.Benchmarks;

/// <summary>
/// fp32 (Fused and Standard forms) against dynamic int8 on a seeded random TinyBERT-sized BERT (4 layers, hidden 312,
/// 12 heads, FFN 1200, vocab 30522, 2 labels): ONNX Runtime latency per call at batch 1 and batch 32, sequence 128,
/// on synthetic token ids (no tokenization, no padding). Goal: int8 at least 1.5x faster than fp32 at batch 32.
/// The int8 variants differ only in how linears are written: "int8" is the default (standard DynamicQuantizeLinear +
/// MatMulInteger + Mul, fused by ONNX Runtime, one activation quantization shared by q, k and v), "int8-contrib"
/// one com.microsoft.DynamicQuantizeMatMul per linear.
/// </summary>
public class QuantizationBenchmarks
{
    private const int Sequence = 128;
    private string _root = string.Empty;
    private BertModel _model = null!;
    private List<int[]> _rows = [];

    [Params("fp32-fused", "fp32-standard", "int8", "int8-contrib")]
    public string Variant { get; set; } = string.Empty;

    [Params(1, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "fastbert-quantization-bench", Guid.NewGuid().ToString("N"));
        var checkpoint = RandomTinyBert.Write(Path.Combine(_root, "checkpoint"), seed: 20241124);
        var output = Path.Combine(_root, Variant);
        switch (Variant)
        {
            case "fp32-fused":
                OnnxExporter.Export(checkpoint, output, new ExportOptions { Form = OnnxGraphForm.Fused });
                break;
            case "fp32-standard":
                OnnxExporter.Export(checkpoint, output, new ExportOptions { Form = OnnxGraphForm.Standard });
                break;
            case "int8":
                Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = output });
                break;
            case "int8-contrib":
                Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = output, MatMul = QuantizedMatMulKind.DynamicQuantizeMatMul });
                break;
            default:
                throw new ArgumentException($"unknown variant {Variant}");
        }

        // Start time and load, to tell whether something else ran during the measurement.
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine($"// {Variant} batch {Batch}: model.onnx {new FileInfo(Path.Combine(output, "model.onnx")).Length / 1e6:0.0} MB; setup done {DateTime.Now:HH:mm:ss}, load {load}");
        _model = BertModel.Load(output, new BertModelOptions { MaxBatchSize = 32, MaxTokens = Sequence });
        var random = new Random(42);
        _rows = Enumerable.Range(0, Batch).Select(_ =>
        {
            var ids = new int[Sequence];
            for (var t = 0; t < Sequence; t++)
            {
                ids[t] = random.Next(1000, 30000);
            }

            ids[0] = 101; // [CLS]
            ids[^1] = 102; // [SEP]
            return ids;
        }).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "per call (batch x 128 tokens)")]
    public float[] Run() => _model.ComputeLogits(_rows);
}

/// <summary>Writes a seeded random BERT checkpoint (config.json, model.safetensors, vocab.txt) of TinyBERT's size.</summary>
internal static class RandomTinyBert
{
    private const int Hidden = 312;
    private const int Layers = 4;
    private const int Heads = 12;
    private const int Intermediate = 1200;
    private const int Vocab = 30522;
    private const int Positions = 512;

    public static string Write(string folder, int seed)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestPaths.SmsModel, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "architectures": ["BertForSequenceClassification"],
              "model_type": "bert",
              "hidden_size": {{Hidden}},
              "num_hidden_layers": {{Layers}},
              "num_attention_heads": {{Heads}},
              "intermediate_size": {{Intermediate}},
              "hidden_act": "gelu",
              "max_position_embeddings": {{Positions}},
              "type_vocab_size": 2,
              "vocab_size": {{Vocab}},
              "layer_norm_eps": 1e-12,
              "pad_token_id": 0,
              "id2label": { "0": "negative", "1": "positive" },
              "label2id": { "negative": 0, "positive": 1 }
            }
            """));

        var random = new Random(seed);
        var tensors = new List<(string Name, long[] Shape, float[] Values)>();
        void Normal(string name, params long[] shape) => tensors.Add((name, shape, Gaussian(random, (int)shape.Aggregate(1L, (a, b) => a * b), 0.02)));
        void Constant(string name, float value, params long[] shape) => tensors.Add((name, shape, Enumerable.Repeat(value, (int)shape.Aggregate(1L, (a, b) => a * b)).ToArray()));
        void Linear(string prefix, int output, int input)
        {
            Normal($"{prefix}.weight", output, input);
            Constant($"{prefix}.bias", 0f, output);
        }

        void Norm(string prefix)
        {
            Constant($"{prefix}.weight", 1f, Hidden);
            Constant($"{prefix}.bias", 0f, Hidden);
        }

        Normal("bert.embeddings.word_embeddings.weight", Vocab, Hidden);
        Normal("bert.embeddings.position_embeddings.weight", Positions, Hidden);
        Normal("bert.embeddings.token_type_embeddings.weight", 2, Hidden);
        Norm("bert.embeddings.LayerNorm");
        for (var i = 0; i < Layers; i++)
        {
            var p = $"bert.encoder.layer.{i}";
            Linear($"{p}.attention.self.query", Hidden, Hidden);
            Linear($"{p}.attention.self.key", Hidden, Hidden);
            Linear($"{p}.attention.self.value", Hidden, Hidden);
            Linear($"{p}.attention.output.dense", Hidden, Hidden);
            Norm($"{p}.attention.output.LayerNorm");
            Linear($"{p}.intermediate.dense", Intermediate, Hidden);
            Linear($"{p}.output.dense", Hidden, Intermediate);
            Norm($"{p}.output.LayerNorm");
        }

        Linear("bert.pooler.dense", Hidden, Hidden);
        Linear("classifier", 2, Hidden);
        WriteSafetensors(Path.Combine(folder, "model.safetensors"), tensors);
        return folder;
    }

    private static float[] Gaussian(Random random, int count, double std)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    // safetensors: u64 LE header length, JSON header (name → dtype, shape, data_offsets), then the raw data.
    private static void WriteSafetensors(string path, List<(string Name, long[] Shape, float[] Values)> tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            var end = offset + (values.Length * 4L);
            header.Append(CultureInfo.InvariantCulture, $"{(header.Length > 1 ? "," : string.Empty)}\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }

        header.Append('}');
        while (header.Length % 8 != 0)
        {
            header.Append(' ');
        }

        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(Encoding.UTF8.GetBytes(header.ToString()));
        foreach (var (_, _, values) in tensors)
        {
            var bytes = new byte[values.Length * 4];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }

            stream.Write(bytes);
        }
    }
}
