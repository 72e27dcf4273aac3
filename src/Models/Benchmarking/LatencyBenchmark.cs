using System.Diagnostics;
using FastBert.Models.Reports;

namespace FastBert.Models.Benchmarking;

/// <summary>What to measure: batch sizes on real texts (dynamic padding) and/or at fixed sequence lengths.</summary>
public sealed record BenchmarkSettings
{
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8, 32];

    /// <summary>
    /// Fixed sequence lengths (tokens incl. [CLS]/[SEP]) measured with synthetic token ids; each from 2 up to the
    /// model's <see cref="ModelInfo.MaxPositions"/>.
    /// </summary>
    public IReadOnlyList<int> SequenceLengths { get; init; } = [];

    /// <summary>Real texts, run in file order with dynamic padding; empty skips the data runs.</summary>
    public IReadOnlyList<string> Texts { get; init; } = [];

    public int Warmup { get; init; } = 5;

    public int Iterations { get; init; } = 50;

    /// <summary>ONNX Runtime intra-op threads; null = cores.</summary>
    public int? Threads { get; init; }

    public int MaxTokens { get; init; } = 128;

    /// <summary>Tokenizer lowercasing as the app runs it; null: the model folder's tokenizer_config.json.</summary>
    public bool? Lowercase { get; init; }

    /// <summary>The ONNX file of the model folder to run (BertModelOptions.OnnxFile); null: the folder's default.</summary>
    public string? OnnxFile { get; init; }
}

/// <summary>
/// Measures one model folder: load time, latency percentiles per batch size, items/s, file size and peak working set.
/// Timing uses Stopwatch around each call after warm-up; percentiles use the nearest-rank method.
/// </summary>
public static class LatencyBenchmark
{
    public static BenchmarkResult Run(string name, string modelDirectory, BenchmarkSettings settings, IProgress<string>? progress = null)
    {
        PeakMemory.Reset();
        var loadWatch = Stopwatch.StartNew();
        using var model = BertModel.Load(modelDirectory, new BertModelOptions
        {
            IntraOpThreads = settings.Threads,
            MaxTokens = settings.MaxTokens,
            OnnxFile = settings.OnnxFile,
            Lowercase = settings.Lowercase,
            MaxBatchSize = Math.Max(1, settings.BatchSizes.DefaultIfEmpty(1).Max()),
        });
        var loadMs = loadWatch.Elapsed.TotalMilliseconds;
        foreach (var sequence in settings.SequenceLengths)
        {
            // Measuring fewer tokens than asked for would report a figure for a length that never ran.
            if (sequence < 2 || sequence > model.Info.MaxPositions)
            {
                throw new ArgumentOutOfRangeException(nameof(settings), sequence,
                    $"{name} accepts sequences of 2..{model.Info.MaxPositions} tokens (max_position_embeddings); a length of {sequence} cannot be measured.");
            }
        }

        var runs = new List<LatencyRun>();
        foreach (var batch in settings.BatchSizes)
        {
            if (settings.Texts.Count > 0)
            {
                progress?.Report($"{name}: real data, batch {batch}");
                var cursor = 0;
                runs.Add(Measure("data", batch, null, settings, () =>
                {
                    var texts = new string[batch];
                    for (var i = 0; i < batch; i++)
                    {
                        texts[i] = settings.Texts[cursor];
                        cursor = (cursor + 1) % settings.Texts.Count;
                    }

                    model.ClassifyBatch(texts);
                }));
            }

            foreach (var sequence in settings.SequenceLengths)
            {
                progress?.Report($"{name}: batch {batch} x {sequence} tokens");
                var rows = SyntheticRows(model, batch, sequence);
                runs.Add(Measure("fixed", batch, sequence, settings, () => model.ComputeLogits(rows)));
            }
        }

        var size = new FileInfo(model.Info.ModelFile).Length;
        var modelRef = new ModelRef(name, modelDirectory, size);
        return new BenchmarkResult(modelRef, Math.Round(loadMs, 3), PeakMemory.Read(), runs);
    }

    private static LatencyRun Measure(string mode, int batch, int? sequence, BenchmarkSettings settings, Action call)
    {
        for (var i = 0; i < settings.Warmup; i++)
        {
            call();
        }

        var latencies = new double[settings.Iterations];
        var watch = new Stopwatch();
        for (var i = 0; i < latencies.Length; i++)
        {
            watch.Restart();
            call();
            latencies[i] = watch.Elapsed.TotalMilliseconds;
        }

        var sorted = latencies.Order().ToArray();
        var mean = latencies.Average();
        var std = Math.Sqrt(latencies.Sum(l => (l - mean) * (l - mean)) / Math.Max(1, latencies.Length - 1));
        return new LatencyRun(
            mode,
            batch,
            sequence,
            latencies.Length,
            Round(Percentile(sorted, 0.50)),
            Round(Percentile(sorted, 0.95)),
            Round(Percentile(sorted, 0.99)),
            Round(mean),
            Round(std),
            Math.Round(batch / (mean / 1000.0), 1),
            latencies.Select(Round).ToArray());
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    // [CLS] random word pieces [SEP], the same every run (seeded).
    private static List<int[]> SyntheticRows(BertModel model, int batch, int sequence)
    {
        var random = new Random(1234);
        var tokenizer = model.Tokenizer;
        var rows = new List<int[]>(batch);
        for (var r = 0; r < batch; r++)
        {
            var row = new int[sequence];
            row[0] = tokenizer.ClsId;
            for (var t = 1; t < sequence - 1; t++)
            {
                row[t] = random.Next(1000, tokenizer.VocabularySize);
            }

            row[^1] = tokenizer.SepId;
            rows.Add(row);
        }

        return rows;
    }

    private static double Round(double value) => Math.Round(value, 4);
}

/// <summary>Peak resident memory of this process (Linux VmHWM, reset per measurement where the kernel allows).</summary>
internal static class PeakMemory
{
    public static void Reset()
    {
        try
        {
            // "5" resets the peak resident set size (Linux 4.0+).
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
    }

    public static long Read()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
