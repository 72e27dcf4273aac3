using System.Diagnostics;
using System.Globalization;
using FastBert.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// `load-split`: where fastbert's load time goes, each step in a fresh child process (so every step pays its own
/// cold start): ONNX Runtime's environment, the vocabulary, the session at each optimisation level, the session from
/// a pre-optimised graph with optimisation off, and BertModel.Load with its first call.
/// </summary>
internal static class LoadSplit
{
    public const string Command = "load-split";
    private const string ChildCommand = "load-split-step";

    public static int Run(string[] args)
    {
        var rounds = args.Length > 2 && args[1] == "--rounds" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var root = Path.Combine(Path.GetTempPath(), "fastbert-load-split", Guid.NewGuid().ToString("N"));
        try
        {
            var models = PeerModels.Create(root, messages: 1);
            var steps = new List<(string Name, string[] Args)>();
            foreach (var (name, folder) in new[] { ("fp32", models.Fp32), ("int8", models.Int8) })
            {
                var model = Path.Combine(folder, "model.onnx");
                var optimized = Path.Combine(root, $"{name}-extended.onnx");
                using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = optimized })
                using (new InferenceSession(model, options))
                {
                }

                var ortFormat = Path.Combine(root, $"{name}-extended.ort");
                using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = ortFormat })
                {
                    options.AddSessionConfigEntry("session.save_model_format", "ORT");
                    using (new InferenceSession(model, options))
                    {
                    }
                }

                steps.Add(($"{name}: session of the ORT-format graph, optimisation off", ["session", ortFormat, "off", "session.load_model_format=ORT"]));
                steps.Add(($"{name}: session of the ORT-format graph, its bytes used directly", ["session", ortFormat, "off", "session.load_model_format=ORT", "session.use_ort_model_bytes_directly=1", "session.use_ort_model_bytes_for_initializers=1"]));
                steps.Add(($"{name}: session of the ORT-format graph memory-mapped, weights in place (how model.ort loads)", ["session", ortFormat, "off", "session.load_model_format=ORT", "session.use_memory_mapped_ort_model=1", "session.use_ort_model_bytes_for_initializers=1"]));
                steps.Add(($"{name}: ORT environment only", ["env", model]));
                steps.Add(($"{name}: vocabulary", ["vocab", folder]));
                steps.Add(($"{name}: session, optimisation all", ["session", model, "all"]));
                steps.Add(($"{name}: session, optimisation extended", ["session", model, "extended"]));
                steps.Add(($"{name}: session of the pre-optimised graph, optimisation off", ["session", optimized, "off"]));
                steps.Add(($"{name}: session, optimisation all, no prepacking", ["session", model, "all", "session.disable_prepacking=1"]));
                steps.Add(($"{name}: BertModel.Load + first call (model.ort)", ["model", folder]));
                steps.Add(($"{name}: BertModel.Load + first call (model.onnx only)", ["model", PeerModels.OnnxOnly(folder)]));
            }

            var results = steps.ToDictionary(s => s.Name, _ => new List<(double Env, double Step, double First, double SecondLoad)>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, stepArgs) in steps)
                {
                    results[name].Add(RunChild(stepArgs));
                }
            }

            Console.WriteLine("| step (fresh process each) | ORT env ms | step ms | again in the same process / first call ms | second BertModel.Load ms |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var (name, _) in steps)
            {
                var runs = results[name];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Median(runs.Select(r => r.Env)):0.0} | {Median(runs.Select(r => r.Step)):0.0} | {Median(runs.Select(r => r.First)):0.0} | {(runs[0].SecondLoad > 0 ? Median(runs.Select(r => r.SecondLoad)).ToString("0.0", CultureInfo.InvariantCulture) : "")} |"));
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>In the child: one step, printing "env step first secondLoad" milliseconds (secondLoad: BertModel rows only).</summary>
    public static int RunStep(string[] args)
    {
        var watch = Stopwatch.StartNew();
        double env = 0, step = 0, first = 0, secondLoad = 0;
        switch (args[1])
        {
            case "env":
                _ = OrtEnv.Instance();
                env = watch.Elapsed.TotalMilliseconds;
                break;
            case "vocab":
                _ = BertTextTokenizer.FromModelDirectory(args[2]);
                step = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                _ = BertTextTokenizer.FromModelDirectory(args[2]);
                first = watch.Elapsed.TotalMilliseconds; // a second load: the cost without JIT and cold file cache
                break;
            case "session":
                _ = OrtEnv.Instance();
                env = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                using (var options = new SessionOptions { GraphOptimizationLevel = args[3] switch { "all" => GraphOptimizationLevel.ORT_ENABLE_ALL, "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED, _ => GraphOptimizationLevel.ORT_DISABLE_ALL }, IntraOpNumThreads = 2 })
                {
                    foreach (var entry in args.Skip(4))
                    {
                        options.AddSessionConfigEntry(entry[..entry.IndexOf('=')], entry[(entry.IndexOf('=') + 1)..]);
                    }

                    using (new InferenceSession(args[2], options))
                    {
                        step = watch.Elapsed.TotalMilliseconds;
                    }

                    watch.Restart();
                    using (new InferenceSession(args[2], options))
                    {
                        first = watch.Elapsed.TotalMilliseconds; // a second session: without JIT and cold file cache
                    }
                }

                break;
            case "model":
                using (var model = BertModel.Load(args[2], new BertModelOptions { IntraOpThreads = 2, MaxTokens = 128 }))
                {
                    step = watch.Elapsed.TotalMilliseconds;
                    watch.Restart();
                    model.Classify("Free entry in a weekly competition to win tickets, text WIN now");
                    first = watch.Elapsed.TotalMilliseconds;
                }

                // A second load in the same process: what loading costs once ONNX Runtime and the JIT have started.
                watch.Restart();
                using (BertModel.Load(args[2], new BertModelOptions { IntraOpThreads = 2, MaxTokens = 128 }))
                {
                    secondLoad = watch.Elapsed.TotalMilliseconds;
                }

                break;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{env} {step} {first} {secondLoad}"));
        return 0;
    }

    private static (double, double, double, double) RunChild(string[] stepArgs)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(System.Reflection.Assembly.GetExecutingAssembly().Location);
        }

        start.ArgumentList.Add(ChildCommand);
        foreach (var arg in stepArgs)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        process.WaitForExit();
        var parts = line.Split(' ').Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2], parts[3]);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    public static bool IsStep(string? command) => command == ChildCommand;
}
