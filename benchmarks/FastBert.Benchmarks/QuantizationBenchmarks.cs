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
