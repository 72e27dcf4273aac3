using BenchmarkDotNet.Attributes;
using FastBert.Benchmarks.Peers;

namespace FastBert.Benchmarks;

/// <summary>
/// Text in, class out on the seeded TinyBERT-shaped model (the `compare` models): time and allocated bytes per
/// <see cref="BertModel.Classify"/> call over the 200 messages of the comparison, and per text in batches of 32.
/// </summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private const int Messages = 200;
    private string _root = string.Empty;
    private BertModel _model = null!;
    private string[] _texts = [];
    private string[][] _batches = [];

    [Params("fp32", "int8")]
    public string Model { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "fastbert-predict-bench", Guid.NewGuid().ToString("N"));
        var models = PeerModels.Create(_root, Messages);
        _model = BertModel.Load(Model == "fp32" ? models.Fp32 : models.Int8, new BertModelOptions { IntraOpThreads = 2, MaxTokens = 128 });
        _texts = System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(models.TextsFile))!;
        _batches = _texts.Chunk(32).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "Classify (per call)")]
    public int Classify()
    {
        var sum = 0;
        foreach (var text in _texts)
        {
            sum += _model.Classify(text).Index;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Messages, Description = "ClassifyBatch 32 (per text)")]
    public int ClassifyBatch()
    {
        var sum = 0;
        foreach (var batch in _batches)
        {
            sum += _model.ClassifyBatch(batch).Count;
        }

        return sum;
    }
}
