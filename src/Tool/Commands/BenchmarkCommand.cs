using System.CommandLine;
using System.Globalization;
using FastBert.Models.Benchmarking;
using FastBert.Models.Data;
using FastBert.Models.Reports;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert benchmark &lt;model&gt;... [--data F] [--batch 1,8,32] [--seq 32,64,128] [--warmup N] [--iters N]
/// [--threads N] [--json FILE]</c>: load time, latency percentiles, items/s, size and peak memory per model.
/// </summary>
internal static class BenchmarkCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("model") { Description = "Model or checkpoint folders; several are measured side by side.", Arity = ArgumentArity.OneOrMore };
        var data = new Option<FileInfo?>("--data") { Description = "Texts to run with dynamic padding (a data file; its text column is used)." };
        var batch = new Option<string>("--batch") { Description = "Batch sizes, comma-separated.", DefaultValueFactory = _ => "1,8,32" };
        var seq = new Option<string?>("--seq") { Description = "Fixed sequence lengths, comma-separated (synthetic token ids), e.g. 32,64,128." };
        var warmup = new Option<int>("--warmup") { Description = "Untimed calls per run.", DefaultValueFactory = _ => 5 };
        var iters = new Option<int>("--iters") { Description = "Timed calls per run.", DefaultValueFactory = _ => 50 };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads (default: cores)." };
        var json = new Option<FileInfo?>("--json") { Description = "Write the report contract (fastbert.report/v1) to this file." };
        var modelFile = CommonOptions.ModelFile();
        var command = new Command("benchmark", "Measure load time, latency (p50/p95/p99/mean/std), items/s, model size and peak memory.\nExample: fastbert benchmark ./fp32 ./int8 --data sms.tsv --batch 1,32 --json bench.json")
        {
            models, modelFile, data, batch, seq, warmup, iters, threads, json,
        };
        command.SetAction(parse =>
        {
            var settings = new BenchmarkSettings
            {
                BatchSizes = ModelResolution.ParseList(parse.GetValue(batch), "--batch"),
                SequenceLengths = ModelResolution.ParseList(parse.GetValue(seq), "--seq"),
                Warmup = Math.Max(0, parse.GetValue(warmup)),
                Iterations = Math.Max(1, parse.GetValue(iters)),
                Threads = parse.GetValue(threads),
                OnnxFile = parse.GetValue(modelFile),
            };
            return Run(parse.GetRequiredValue(models), parse.GetValue(data), settings, parse.GetValue(json), parse.InvocationConfiguration);
        });
        return command;
    }

    private static int Run(string[] modelArguments, FileInfo? data, BenchmarkSettings settings, FileInfo? json, InvocationConfiguration io)
    {
        ReportFiles.RequireFilePath(json, "--json");
        var progress = new ConsoleProgress(io.Error);
        var models = ModelResolution.Resolve(modelArguments, progress, settings.OnnxFile);
        IReadOnlyList<string>? labels = null;
        foreach (var (name, directory) in models)
        {
            using var model = BertModel.Load(directory, new BertModelOptions { OnnxFile = settings.OnnxFile });
            labels ??= model.Info.LabelNames;
            RequireMeasurableLengths(settings.SequenceLengths, name, model.Info.MaxPositions);
        }

        if (data is not null)
        {
            // The data file's labels are matched against the first model's, as evaluate does; only the texts are used.
            settings = settings with { Texts = LabelledDataReader.Read(data.FullName, DataReadOptions.Default, labels!).Texts };
        }

        if (settings.Texts.Count == 0 && settings.SequenceLengths.Count == 0)
        {
            settings = settings with { SequenceLengths = [32, 64, 128] };
        }

        var results = models.Select(m => progress.Run($"Benchmarking {m.Name}", p => LatencyBenchmark.Run(m.Name, m.Directory, settings, p))).ToList();
        var report = new Report
        {
            Kind = "benchmark",
            CreatedUtc = DateTimeOffset.UtcNow,
            Command = "fastbert " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Machine = MachineDescription.Current(),
            Benchmarks = results,
        };
        WriteTable(io.Output, results);
        ReportFiles.WriteJson(report, json);
        return ExitCodes.Success;
    }

    // Refused before anything is measured, so that no figure is ever reported for a length that did not run.
    private static void RequireMeasurableLengths(IReadOnlyList<int> lengths, string model, int maxPositions)
    {
        foreach (var length in lengths)
        {
            if (length < 2 || length > maxPositions)
            {
                throw new UsageException(
                    $"--seq {length}: {model} accepts sequences of 2..{maxPositions} tokens ([CLS] and [SEP] included; "
                    + $"config.json max_position_embeddings). Measure lengths from 2 up to {maxPositions}.");
            }
        }
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<BenchmarkResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("model | load ms | peak MB | size MB | mode | batch | seq | p50 ms | p95 ms | p99 ms | mean ms | std ms | items/s");
        foreach (var result in results)
        {
            foreach (var run in result.Runs)
            {
                output.WriteLine(string.Create(c,
                    $"{result.Model.Name} | {result.LoadMs:0.0} | {result.PeakWorkingSetBytes / 1048576.0:0.0} | {result.Model.FileSizeBytes / 1048576.0:0.00} | {run.Mode} | {run.Batch} | {run.Sequence?.ToString(c) ?? "-"} | {run.P50Ms:0.000} | {run.P95Ms:0.000} | {run.P99Ms:0.000} | {run.MeanMs:0.000} | {run.StdMs:0.000} | {run.ItemsPerSecond:0.0}"));
            }
        }
    }
}
