using BenchmarkDotNet.Attributes;
using FastBert.Tests;

namespace FastBert.Benchmarks;

/// <summary>
/// SpamClassifier (dynamic padding, tuned session, pooled OrtValues) against the naive baseline on the held-out SMS
/// messages: batch-1 latency per message and batch-32 throughput.
/// </summary>
[MemoryDiagnoser]
public class SpamBenchmarks
{
    private const int MessagesPerInvoke = 64;
    private SpamClassifier _spam = null!;
    private NaiveBaseline _naive = null!;
    private string[] _messages = [];
    private List<string[]> _batchesOf32 = [];

    [GlobalSetup]
    public void Setup()
    {
        _spam = SpamClassifier.Load();
        _naive = new NaiveBaseline(_spam.Info.Directory);
        var heldOut = SmsData.HeldOut().Select(m => m.Text).ToArray();
        _messages = heldOut.Take(MessagesPerInvoke).ToArray();
        _batchesOf32 = heldOut.Take(256).Chunk(32).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _spam.Dispose();
        _naive.Dispose();
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke, Description = "fastbert batch 1 (per message)")]
    public int FastBertBatch1()
    {
        var spam = 0;
        foreach (var message in _messages)
        {
            spam += _spam.Predict(message).Index;
        }

        return spam;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke, Description = "naive batch 1 (per message)")]
    public int NaiveBatch1()
    {
        var spam = 0;
        foreach (var message in _messages)
        {
            spam += _naive.Predict([message])[0];
        }

        return spam;
    }

    [Benchmark(OperationsPerInvoke = 256, Description = "fastbert batch 32 (per message)")]
    public int FastBertBatch32()
    {
        var spam = 0;
        foreach (var batch in _batchesOf32)
        {
            spam += _spam.PredictBatch(batch).Count(p => p.Index == 1);
        }

        return spam;
    }

    [Benchmark(OperationsPerInvoke = 256, Description = "naive batch 32 (per message)")]
    public int NaiveBatch32()
    {
        var spam = 0;
        foreach (var batch in _batchesOf32)
        {
            spam += _naive.Predict(batch).Sum();
        }

        return spam;
    }
}
