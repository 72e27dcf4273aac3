using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// Runs one .NET runner in its own process (so load time and peak RSS are its own) and prints its
/// <see cref="PeerMeasurement"/> as JSON: text in, class out, the protocol of protocol.json.
/// </summary>
internal static class PeerRunner
{
    public const string Command = "peer-runner";

    /// <summary>args: peer-runner &lt;fastbert|plain&gt; &lt;model folder&gt; &lt;texts.json&gt; [threads [default|spin|nospin|spin:MICROSECONDS [ORT session config key=value]…]] (spin: unbounded; nospin: never; spin:N: N µs; default: fastbert's).</summary>
    public static int Run(string[] args)
    {
        var kind = args[1];
        var modelDirectory = args[2];
        var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(args[3]))!;
        var protocol = PeerProtocol.Read();

        var loadWatch = Stopwatch.StartNew();
        IClassifier classifier = kind switch
        {
            "fastbert" => new FastBertClassifier(
                modelDirectory,
                args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : protocol.Threads,
                args.Length > 5 ? args[5] : "default",
                args.Skip(6).Select(a => a.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1])),
            "plain" => new PlainClassifier(modelDirectory),
            _ => throw new ArgumentException($"unknown runner kind '{kind}'"),
        };
        var loadMs = loadWatch.Elapsed.TotalMilliseconds;

        using (classifier)
        {
            var watch = Stopwatch.StartNew();
            classifier.Classify(texts[0]);
            var firstCallMs = watch.Elapsed.TotalMilliseconds;

            for (var i = 0; i < protocol.WarmupCalls; i++)
            {
                classifier.Classify(texts[i % texts.Length]);
            }

            var latencies = new List<double>(protocol.Batch1Passes * texts.Length);
            for (var pass = 0; pass < protocol.Batch1Passes; pass++)
            {
                foreach (var text in texts)
                {
                    watch.Restart();
                    classifier.Classify(text);
                    latencies.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            var batches = texts.Chunk(protocol.BatchSize).ToArray();
            foreach (var batch in batches)
            {
                classifier.ClassifyBatch(batch);
            }

            watch.Restart();
            for (var pass = 0; pass < protocol.BatchPasses; pass++)
            {
                foreach (var batch in batches)
                {
                    classifier.ClassifyBatch(batch);
                }
            }

            var itemsPerSecond = protocol.BatchPasses * texts.Length / watch.Elapsed.TotalSeconds;
            var measurement = new PeerMeasurement(loadMs, firstCallMs, latencies.ToArray(), itemsPerSecond, PeakRss());
            Console.WriteLine(JsonSerializer.Serialize(measurement, PeerMeasurement.Json));
        }

        return 0;
    }

    private static long PeakRss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private interface IClassifier : IDisposable
    {
        int Classify(string text);

        int ClassifyBatch(string[] texts);
    }

    private sealed class FastBertClassifier(string modelDirectory, int threads, string spinning, Dictionary<string, string> sessionConfig) : IClassifier
    {
        private readonly BertModel _model = BertModel.Load(modelDirectory, Options(threads, spinning, sessionConfig));

        private static BertModelOptions Options(int threads, string spinning, Dictionary<string, string> sessionConfig)
        {
            var options = new BertModelOptions { IntraOpThreads = threads, MaxTokens = 128, SessionConfigEntries = sessionConfig };
            switch (spinning)
            {
                case "spin":
                    options.AllowSpinning = true;
                    break;
                case "nospin":
                    options.SpinMicroseconds = 0;
                    break;
                case "default":
                    break;
                default:
                    options.SpinMicroseconds = int.Parse(spinning["spin:".Length..], CultureInfo.InvariantCulture);
                    break;
            }

            return options;
        }

        public int Classify(string text) => _model.Classify(text).Index;

        public int ClassifyBatch(string[] texts) => _model.ClassifyBatch(texts).Count;

        public void Dispose() => _model.Dispose();
    }

    private sealed class PlainClassifier(string modelDirectory) : IClassifier
    {
        private readonly NaiveBaseline _baseline = new(modelDirectory);

        public int Classify(string text) => _baseline.Predict([text])[0];

        public int ClassifyBatch(string[] texts) => _baseline.Predict(texts).Length;

        public void Dispose() => _baseline.Dispose();
    }
}
