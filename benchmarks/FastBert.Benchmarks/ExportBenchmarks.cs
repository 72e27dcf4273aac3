using BenchmarkDotNet.Attributes;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Tests;

namespace FastBert.Benchmarks;

/// <summary>Time to export each shared checkpoint to ONNX (read weights, build graph, write folder).</summary>
[MemoryDiagnoser]
public class ExportBenchmarks
{
    private string _output = string.Empty;

    [Params("sms-spam-bert-tiny", "emotion-distilbert-tiny", "electra-random-parity")]
    public string Model { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup() => _output = Path.Combine(Path.GetTempPath(), "fastbert-export-bench", Guid.NewGuid().ToString("N"));

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(_output)!, recursive: true);

    [Benchmark]
    public ExportResult Export() => OnnxExporter.Export(Path.Combine(TestPaths.Models, Model), _output);
}

/// <summary>
/// ONNX Runtime latency of the fastbert-exported SMS model (both graph forms) against the PyTorch-exported
/// model.onnx in the shared folder, same session settings, same held-out messages (dynamic padding).
/// </summary>
public class ExportedModelBenchmarks
{
    private readonly Dictionary<string, BertModel> _models = new();
    private List<string[]> _batches = [];

    [Params("pytorch", "fastbert-standard", "fastbert-fused")]
    public string Variant { get; set; } = string.Empty;

    [Params(1, 32)]
    public int Batch { get; set; }

    /// <summary>texts: held-out SMS messages (dynamic padding); fixed128: synthetic rows of 128 tokens.</summary>
    [Params("texts", "fixed128")]
    public string Input { get; set; } = string.Empty;

    private List<int[]> _fixedRows = [];

    [GlobalSetup]
    public void Setup()
    {
        var folder = Variant switch
        {
            "pytorch" => TestPaths.SmsModel,
            "fastbert-standard" => Export(OnnxGraphForm.Standard),
            _ => Export(OnnxGraphForm.Fused),
        };
        _models[Variant] = BertModel.Load(folder, new BertModelOptions { MaxBatchSize = 32, MaxTokens = 128 });
        _batches = SmsData.HeldOut().Select(m => m.Text).Take(256).Chunk(Batch).Take(Batch == 1 ? 64 : 8).ToList();
        var random = new Random(7);
        _fixedRows = Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, 128).Select(i => i == 0 ? 101 : i == 127 ? 102 : random.Next(1000, 30000)).ToArray()).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }

    [Benchmark(OperationsPerInvoke = 64, Description = "per batch")]
    public int Run()
    {
        var model = _models[Variant];
        if (Input == "fixed128")
        {
            for (var i = 0; i < 64; i++)
            {
                model.ComputeLogits(_fixedRows);
            }

            return 64;
        }

        var count = 0;
        var repeats = Batch == 1 ? 1 : 8;
        for (var r = 0; r < repeats; r++)
        {
            foreach (var batch in _batches)
            {
                count += model.ClassifyBatch(batch).Count;
            }
        }

        return count;
    }

    private static string Export(OnnxGraphForm form)
    {
        var output = Path.Combine(Path.GetTempPath(), "fastbert-bench-models", form.ToString());
        OnnxExporter.Export(TestPaths.SmsModel, output, new ExportOptions { Form = form });
        return output;
    }
}
