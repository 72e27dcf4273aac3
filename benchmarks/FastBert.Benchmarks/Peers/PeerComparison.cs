using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using FastBert.Models.Benchmarking;
using FastBert.Tests;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// `compare`: fastbert fp32 and int8, the in-repo plain C# baseline (ORT + Microsoft.ML.Tokenizers, pad 128) and
/// transformers.js (when node is on PATH) on the same seeded TinyBERT-shaped model and texts, each runner in its own
/// process, interleaved over several rounds so that the shared machine's drift hits all of them alike. Prints every
/// round, the range over rounds, and the ratios computed within each round.
/// </summary>
internal static class PeerComparison
{
    public const string Command = "compare";

    private const string Fp32 = "fastbert fp32";
    private const string Int8 = "fastbert int8";
    private const string Plain = "plain C# (ORT + ML.Tokenizers, pad 128)";
    private const string TransformersJs = "transformers.js fp32 (Node)";

    // ORT's dynamic block sizing of the intra-op thread pool (work handed out in shrinking blocks, so a descheduled worker stalls less).
    private const string DynamicBlock = "session.dynamic_block_base=4";

    public static int Run(string[] args)
    {
        var rounds = 4;
        var threadsStudy = false;
        var forms = false;
        var loadStudy = false;
        var spinStudy = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length)
            {
                rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--threads-study")
            {
                threadsStudy = true;
            }
            else if (args[i] == "--forms")
            {
                forms = true;
            }
            else if (args[i] == "--load-study")
            {
                loadStudy = true;
            }
            else if (args[i] == "--spin-study")
            {
                spinStudy = true;
            }
            else
            {
                Console.Error.WriteLine($"usage: {Command} [--rounds N] [--threads-study] [--forms] [--load-study] [--spin-study]   (unknown argument '{args[i]}')");
                return 1;
            }
        }

        var protocol = PeerProtocol.Read();
        var machine = MachineDescription.Current();
        Console.WriteLine($"machine: {machine.Cpu}, {machine.Cores} cores, {machine.Os}; .NET {machine.Runtime}; ONNX Runtime (.NET) {machine.OnnxRuntime}");
        Console.WriteLine($"protocol: {protocol}; rounds: {rounds}");

        var root = Path.Combine(Path.GetTempPath(), "fastbert-compare", Guid.NewGuid().ToString("N"));
        try
        {
            var models = PeerModels.Create(root, protocol.Messages);
            var nodeProblem = TransformersJsProblem();
            if (nodeProblem is not null)
            {
                Console.WriteLine($"transformers.js: skipped ({nodeProblem})");
            }

            var runners = new List<(string Name, string Model, Func<ProcessStartInfo> Start)>
            {
                (Fp32, models.Fp32, () => Self("fastbert", models.Fp32, models.TextsFile)),
                (Int8, models.Int8, () => Self("fastbert", models.Int8, models.TextsFile)),
                (Plain, models.Fp32, () => Self("plain", models.Fp32, models.TextsFile)),
            };
            if (nodeProblem is null)
            {
                runners.Add((TransformersJs, models.Fp32, () => Node(models, protocol.Threads)));
            }

            // --threads-study: the fastbert rows again with 1 intra-op thread, with 2 threads that spin without bound
            // (the default spins 20 µs), and with ORT's dynamic block sizing of the thread pool.
            if (threadsStudy)
            {
                var threads = protocol.Threads.ToString(CultureInfo.InvariantCulture);
                runners.Add(($"{Fp32}, 1 thread", models.Fp32, () => Self("fastbert", models.Fp32, models.TextsFile, "1")));
                runners.Add(($"{Int8}, 1 thread", models.Int8, () => Self("fastbert", models.Int8, models.TextsFile, "1")));
                runners.Add(($"{Fp32}, spinning", models.Fp32, () => Self("fastbert", models.Fp32, models.TextsFile, threads, "spin")));
                runners.Add(($"{Int8}, spinning", models.Int8, () => Self("fastbert", models.Int8, models.TextsFile, threads, "spin")));
                runners.Add(($"{Fp32}, dynamic block base 4", models.Fp32, () => Self("fastbert", models.Fp32, models.TextsFile, threads, "default", DynamicBlock)));
                runners.Add(($"{Int8}, dynamic block base 4", models.Int8, () => Self("fastbert", models.Int8, models.TextsFile, threads, "default", DynamicBlock)));
            }

            // --forms: the fp32 row again in the graph form that is not the default.
            if (forms)
            {
                runners.Add(($"{Fp32}, {PeerModels.OtherForm.ToString().ToLowerInvariant()} form", models.OtherFormFp32, () => Self("fastbert", models.OtherFormFp32, models.TextsFile)));
            }

            // --spin-study: never spinning and spinning longer (200 µs, and without bound: ONNX Runtime's default)
            // against fastbert's default, a bounded spin of BertModelOptions.DefaultSpinMicroseconds.
            if (spinStudy)
            {
                var threads = protocol.Threads.ToString(CultureInfo.InvariantCulture);
                foreach (var (name, folder) in new[] { (Fp32, models.Fp32), (Int8, models.Int8) })
                {
                    runners.Add(($"{name}, no spinning", folder, () => Self("fastbert", folder, models.TextsFile, threads, "nospin")));
                    runners.Add(($"{name}, spinning 200 us", folder, () => Self("fastbert", folder, models.TextsFile, threads, "spin:200")));
                    if (!threadsStudy)
                    {
                        runners.Add(($"{name}, spinning", folder, () => Self("fastbert", folder, models.TextsFile, threads, "spin")));
                    }
                }
            }

            // --load-study: the fastbert rows again from model.onnx alone (no pre-optimised model.ort beside it).
            if (loadStudy)
            {
                var fp32Onnx = PeerModels.OnnxOnly(models.Fp32);
                var int8Onnx = PeerModels.OnnxOnly(models.Int8);
                runners.Add(($"{Fp32}, model.onnx only", fp32Onnx, () => Self("fastbert", fp32Onnx, models.TextsFile)));
                runners.Add(($"{Int8}, model.onnx only", int8Onnx, () => Self("fastbert", int8Onnx, models.TextsFile)));
            }

            Console.WriteLine($"model.onnx: fp32 {Mb(PeerModels.ModelBytes(models.Fp32))} MB, int8 {Mb(PeerModels.ModelBytes(models.Int8))} MB; {protocol.Messages} held-out SMS messages, median {MedianTokens(models)} tokens");
            var results = runners.ToDictionary(r => r.Name, _ => new List<PeerMeasurement>());
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var runner in runners)
                {
                    var measurement = RunChild(runner.Start());
                    results[runner.Name].Add(measurement);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"round {round} {runner.Name}: batch-1 p50 {measurement.Percentile(0.5):0.000} ms, p95 {measurement.Percentile(0.95):0.000} ms; batch-{protocol.BatchSize} {measurement.BatchItemsPerSecond:0} items/s; load {measurement.LoadMs:0.0} ms; first call {measurement.FirstCallMs:0.0} ms; peak RSS {Mb(measurement.PeakRssBytes)} MB"));
                }
            }

            Console.WriteLine();
            Console.WriteLine(Table(runners.Select(r => (r.Name, PeerModels.ModelBytes(r.Model))).ToList(), results, protocol));
            Console.WriteLine(Ratios(results, protocol));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Table(List<(string Name, long ModelBytes)> runners, Dictionary<string, List<PeerMeasurement>> results, PeerProtocol protocol)
    {
        var text = new StringBuilder();
        text.AppendLine($"| runner | batch-1 p50 ms | batch-1 p95 ms | batch-{protocol.BatchSize} items/s | load ms | first call ms | peak RSS MB | RSS budget (2x model + 60) MB |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, modelBytes) in runners)
        {
            var runs = results[name];
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Range(runs, m => m.Percentile(0.5), "0.000")} | {Range(runs, m => m.Percentile(0.95), "0.000")} | {Range(runs, m => m.BatchItemsPerSecond, "0")} | {Range(runs, m => m.LoadMs, "0")} | {Range(runs, m => m.FirstCallMs, "0.0")} | {Range(runs, m => m.PeakRssBytes / 1e6, "0")} | {Mb((2 * modelBytes) + 60_000_000)} |"));
        }

        return text.ToString();
    }

    // Ratios are taken within a round (the runners ran minutes apart at most), then summarised over the rounds.
    private static string Ratios(Dictionary<string, List<PeerMeasurement>> results, PeerProtocol protocol)
    {
        var text = new StringBuilder("ratios within each round (min-max over rounds):\n");
        void Ratio(string label, string a, string b, Func<PeerMeasurement, double> metric, bool higherIsBetter)
        {
            if (!results.TryGetValue(a, out var first) || !results.TryGetValue(b, out var second))
            {
                return;
            }

            var ratios = first.Zip(second, (x, y) => higherIsBetter ? metric(x) / metric(y) : metric(y) / metric(x)).ToArray();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {label}: {ratios.Min():0.00}-{ratios.Max():0.00}x"));
        }

        Ratio($"{Int8} batch-{protocol.BatchSize} vs {TransformersJs} (goal >= 3x)", Int8, TransformersJs, m => m.BatchItemsPerSecond, true);
        Ratio($"{Fp32} batch-{protocol.BatchSize} vs {TransformersJs}", Fp32, TransformersJs, m => m.BatchItemsPerSecond, true);
        Ratio($"{Fp32} batch-1 p50 speed-up vs {TransformersJs}", Fp32, TransformersJs, m => m.Percentile(0.5), false);
        Ratio($"{Int8} batch-1 p50 speed-up vs {TransformersJs}", Int8, TransformersJs, m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-1 p50 speed-up vs plain C#", Fp32, Plain, m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-{protocol.BatchSize} vs plain C#", Fp32, Plain, m => m.BatchItemsPerSecond, true);
        Ratio($"{Int8} batch-1 p50 speed-up vs {Fp32}", Int8, Fp32, m => m.Percentile(0.5), false);
        Ratio($"{Fp32} load speed-up vs plain C#", Fp32, Plain, m => m.LoadMs, false);
        Ratio($"{Fp32} batch-1 p50: 2 threads speed-up vs 1 thread", Fp32, $"{Fp32}, 1 thread", m => m.Percentile(0.5), false);
        Ratio($"{Int8} batch-1 p50: 2 threads speed-up vs 1 thread", Int8, $"{Int8}, 1 thread", m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-{protocol.BatchSize}: 2 threads vs 1 thread", Fp32, $"{Fp32}, 1 thread", m => m.BatchItemsPerSecond, true);
        Ratio($"{Int8} batch-{protocol.BatchSize}: 2 threads vs 1 thread", Int8, $"{Int8}, 1 thread", m => m.BatchItemsPerSecond, true);
        var spin = $"spinning {BertModelOptions.DefaultSpinMicroseconds} us (default)";
        Ratio($"{Fp32} batch-1 p50: {spin} speed-up vs unbounded spinning", Fp32, $"{Fp32}, spinning", m => m.Percentile(0.5), false);
        Ratio($"{Int8} batch-1 p50: {spin} speed-up vs unbounded spinning", Int8, $"{Int8}, spinning", m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-{protocol.BatchSize}: {spin} vs unbounded spinning", Fp32, $"{Fp32}, spinning", m => m.BatchItemsPerSecond, true);
        Ratio($"{Fp32} batch-1 p50: {spin} speed-up vs no spinning", Fp32, $"{Fp32}, no spinning", m => m.Percentile(0.5), false);
        Ratio($"{Int8} batch-1 p50: {spin} speed-up vs no spinning", Int8, $"{Int8}, no spinning", m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-{protocol.BatchSize}: {spin} vs no spinning", Fp32, $"{Fp32}, no spinning", m => m.BatchItemsPerSecond, true);
        Ratio($"{Int8} batch-{protocol.BatchSize}: {spin} vs no spinning", Int8, $"{Int8}, no spinning", m => m.BatchItemsPerSecond, true);
        Ratio($"{Fp32} batch-1 p50: dynamic block base 4 speed-up vs default", $"{Fp32}, dynamic block base 4", Fp32, m => m.Percentile(0.5), false);
        Ratio($"{Int8} batch-1 p50: dynamic block base 4 speed-up vs default", $"{Int8}, dynamic block base 4", Int8, m => m.Percentile(0.5), false);
        Ratio($"{Fp32} batch-{protocol.BatchSize}: dynamic block base 4 vs default", $"{Fp32}, dynamic block base 4", Fp32, m => m.BatchItemsPerSecond, true);
        text.AppendLine("goals: batch-1 p50 fp32 <= 0.8 ms, int8 <= 0.35 ms; batch-32 fp32 >= 1100 items/s; load <= 50 ms; peak RSS <= 2x model + 60 MB");
        return text.ToString();
    }

    private static string Range(List<PeerMeasurement> runs, Func<PeerMeasurement, double> metric, string format)
    {
        var values = runs.Select(metric).Order().ToArray();
        var median = values[values.Length / 2];
        return values.Length == 1
            ? values[0].ToString(format, CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{values[0].ToString(format, CultureInfo.InvariantCulture)}-{values[^1].ToString(format, CultureInfo.InvariantCulture)} (med {median.ToString(format, CultureInfo.InvariantCulture)})");
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    private static int MedianTokens(PeerModels models)
    {
        var tokenizer = Tokenization.BertTextTokenizer.FromModelDirectory(models.Fp32);
        var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(models.TextsFile))!;
        var counts = texts.Select(t => tokenizer.Encode(t, 128).Length).Order().ToArray();
        return counts[counts.Length / 2];
    }

    private static PeerMeasurement RunChild(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed (exit {process.ExitCode}):\n{output}\n{errors.Result}");
        }

        return JsonSerializer.Deserialize<PeerMeasurement>(line, PeerMeasurement.Json)!;
    }

    private static ProcessStartInfo Self(string kind, string model, string texts, params string[] settings)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!);
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (var arg in new[] { PeerRunner.Command, kind, model, texts }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static string TransformersJsFolder => Path.Combine(TestPaths.RepositoryRoot, "benchmarks", "transformersjs");

    private static ProcessStartInfo Node(PeerModels models, int threads)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = TransformersJsFolder };
        foreach (var arg in new[] { "bench.mjs", models.TransformersJsRoot + "/", models.TransformersJsName, models.TextsFile, threads.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    // transformers.js runs when node is on PATH; its packages are installed once from the lock file (npm ci).
    private static string? TransformersJsProblem()
    {
        if (!CanRun("node", "--version"))
        {
            return "node is not on PATH";
        }

        if (Directory.Exists(Path.Combine(TransformersJsFolder, "node_modules", "@huggingface", "transformers")))
        {
            return null;
        }

        Console.WriteLine("transformers.js: npm ci in benchmarks/transformersjs …");
        var start = new ProcessStartInfo("npm") { WorkingDirectory = TransformersJsFolder };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--ignore-scripts" })
        {
            start.ArgumentList.Add(arg);
        }

        return Run(start) ? null : "npm ci in benchmarks/transformersjs failed";
    }

    private static bool CanRun(string file, string arg)
    {
        var start = new ProcessStartInfo(file);
        start.ArgumentList.Add(arg);
        return Run(start);
    }

    private static bool Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
