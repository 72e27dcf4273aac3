using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// How every runner is measured (protocol.json, read by the .NET runners and by transformers.js's bench.mjs alike):
/// load until ready to answer, the first call, batch-1 latency over the messages, batch-N throughput, peak RSS.
/// </summary>
internal sealed record PeerProtocol(int Messages, int Threads, int WarmupCalls, int Batch1Passes, int BatchSize, int BatchPasses)
{
    public static string Folder => Path.Combine(TestPaths.RepositoryRoot, "benchmarks", "FastBert.Benchmarks", "Peers");

    public static PeerProtocol Read() =>
        JsonSerializer.Deserialize<PeerProtocol>(File.ReadAllText(Path.Combine(Folder, "protocol.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidDataException("protocol.json is empty");
}

/// <summary>What one runner measured in one process (one JSON line on the child's stdout).</summary>
internal sealed record PeerMeasurement(double LoadMs, double FirstCallMs, double[] Batch1Ms, double BatchItemsPerSecond, long PeakRssBytes)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public double Percentile(double p)
    {
        var sorted = Batch1Ms.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
