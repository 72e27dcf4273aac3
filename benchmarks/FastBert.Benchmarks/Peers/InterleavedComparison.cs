using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// `ab`: fastbert's model variants (fp32 in the default graph form, fp32 in the other form, int8) loaded in one
/// process and called in turn, text by text and batch by batch, so that a shared machine's drift hits every variant
/// within the same few milliseconds. Prints each variant's batch-1 p50, batch-32 items/s and the per-call ratios
/// against the default fp32 form. For A/B decisions on a loaded machine; `compare` gives the absolute figures.
/// </summary>
internal static class InterleavedComparison
{
    public const string Command = "ab";

    public static int Run(string[] args)
    {
        var threads = 2;
        var passes = 5;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--threads" when i + 1 < args.Length:
                    threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--passes" when i + 1 < args.Length:
                    passes = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"usage: {Command} [--threads N] [--passes N]   (unknown argument '{args[i]}')");
                    return 1;
            }
        }

        var protocol = PeerProtocol.Read();
        var root = Path.Combine(Path.GetTempPath(), "fastbert-ab", Guid.NewGuid().ToString("N"));
        try
        {
            var models = PeerModels.Create(root, protocol.Messages);
            var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(models.TextsFile))!;
            var variants = new (string Name, string Folder)[]
            {
                ($"fp32 {Models.Export.OnnxExporter.DefaultForm.ToString().ToLowerInvariant()} form (default)", models.Fp32),
                ($"fp32 {PeerModels.OtherForm.ToString().ToLowerInvariant()} form", models.OtherFormFp32),
                ("int8", models.Int8),
            };
            var options = new BertModelOptions { IntraOpThreads = threads, MaxTokens = 128 };
            var loaded = new List<BertModel>();
            foreach (var (name, folder) in variants)
            {
                var watch = Stopwatch.StartNew();
                var model = BertModel.Load(folder, options);
                var load = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                model.Classify(texts[0]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: load {load:0.0} ms, first call {watch.Elapsed.TotalMilliseconds:0.0} ms"));
                loaded.Add(model);
            }

            foreach (var model in loaded)
            {
                for (var i = 0; i < protocol.WarmupCalls; i++)
                {
                    model.Classify(texts[i % texts.Length]);
                }
            }

            var single = loaded.Select(_ => new List<double>()).ToArray();
            var batched = loaded.Select(_ => new List<double>()).ToArray();
            var timer = new Stopwatch();
            var batches = texts.Chunk(protocol.BatchSize).ToArray();
            for (var pass = 0; pass < passes; pass++)
            {
                for (var t = 0; t < texts.Length; t++)
                {
                    // Rotate the order so no variant always runs first (right after a context switch).
                    for (var k = 0; k < loaded.Count; k++)
                    {
                        var m = (t + k) % loaded.Count;
                        timer.Restart();
                        loaded[m].Classify(texts[t]);
                        single[m].Add(timer.Elapsed.TotalMilliseconds);
                    }
                }

                for (var b = 0; b < batches.Length; b++)
                {
                    for (var k = 0; k < loaded.Count; k++)
                    {
                        var m = (b + k) % loaded.Count;
                        timer.Restart();
                        loaded[m].ClassifyBatch(batches[b]);
                        batched[m].Add(batches[b].Length / timer.Elapsed.TotalSeconds);
                    }
                }
            }

            Console.WriteLine($"threads {threads}; {passes} passes over {texts.Length} messages, interleaved");
            Console.WriteLine("| variant | batch-1 p50 ms | batch-1 p95 ms | batch-32 items/s (median batch) | per-call speed-up vs default fp32 (median) |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            for (var m = 0; m < loaded.Count; m++)
            {
                var ratio = Median(single[0].Zip(single[m], (a, b) => a / b));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {variants[m].Name} | {Percentile(single[m], 0.5):0.000} | {Percentile(single[m], 0.95):0.000} | {Median(batched[m]):0} | {ratio:0.00}x |"));
            }

            foreach (var model in loaded)
            {
                model.Dispose();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
