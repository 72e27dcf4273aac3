using FastBert.ModelFolders;
using System.CommandLine;
using System.Globalization;
using FastBert.Models.Benchmarking;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Quantization;
using FastBert.Models.Reports;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert quantize &lt;model&gt; --output &lt;dir&gt; [--data F] [--max-accuracy-drop 0.005] [--per-channel]
/// [--reduce-range] [--force] [--json FILE]</c> (or <c>--dataset ...</c> instead of <c>--data</c>): dynamic int8, guarded by accuracy on the data. Exit code 2 when no int8 layout
/// stays within the budget (nothing is written).
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<DirectoryInfo>("model") { Description = "Checkpoint folder, or a folder exported by fastbert (its model.json names the checkpoint)." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for the int8 model (written only when accepted; an earlier fastbert model there is replaced, a folder of other files needs --force).", Required = true };
        var force = ForceOption.Create("model.json");
        var data = DataOptions.Data(required: false);
        var indices = DataOptions.Indices();
        var format = DataOptions.Format();
        var dataset = new DatasetOptions();
        var maxDrop = new Option<double>("--max-accuracy-drop") { Description = "Largest accepted accuracy drop vs float32 (0.005 = half a point); multi-label models: micro-F1 drop.", DefaultValueFactory = _ => 0.005 };
        var minAgreement = new Option<double>("--min-agreement") { Description = "Smallest accepted share of examples whose argmax equals float32's; multi-label models: of (example, label) decisions unchanged.", DefaultValueFactory = _ => 0.99 };
        var perChannel = new Option<bool>("--per-channel") { Description = "Per-output-channel weight scales (default true; false = one scale per matrix).", DefaultValueFactory = _ => true };
        var reduceRange = new Option<bool>("--reduce-range") { Description = "7-bit weights (±63), for CPUs without VNNI that saturate in int16 accumulation." };
        var json = new Option<FileInfo?>("--json") { Description = "Write the report contract (fastbert.report/v1) with the quantization summary." };
        var command = new Command("quantize", "Quantize a model to dynamic int8 (MatMul weights per channel, word embeddings per row), guarded by accuracy.\nExample: fastbert quantize ./checkpoint --output ./int8 --data val.tsv --max-accuracy-drop 0.005")
        {
            model, output, data, indices, maxDrop, minAgreement, perChannel, reduceRange, force, json,
        };
        format.AddTo(command);
        dataset.AddTo(command);
        command.SetAction(parse =>
        {
            var source = parse.GetRequiredValue(model).FullName;
            ReportFiles.RequireFilePath(parse.GetValue(json), "--json");
            IReadOnlyList<(string Text, int Label)>? examples = null;
            IReadOnlyList<(string Text, IReadOnlyList<int> Labels)>? multiLabelExamples = null;
            IReadOnlyList<string?>? textPairs = null;
            var options = format.Read(parse);
            var split = dataset.Read(parse, ref options);
            if (parse.GetValue(data) is not null || split is not null)
            {
                var config = TransformerConfig.Load(Path.Combine(Int8Quantizer.ResolveCheckpoint(source), ModelFolder.ConfigFile));
                var multiLabel = config.Problem == ClassificationProblem.MultiLabel;
                var (guard, _) = LabelledDataSource.Load(parse.GetValue(data), split, parse.GetValue(indices), options with { MultiLabel = multiLabel }, config.Id2Label, parse.InvocationConfiguration.Error);
                textPairs = guard.TextPairs;
                if (multiLabel)
                {
                    multiLabelExamples = guard.Examples.Select(e => (e.Text, e.LabelSet)).ToList();
                }
                else
                {
                    examples = guard.Examples.Select(e => (e.Text, e.Label)).ToList();
                }
            }

            var progress = new ConsoleProgress(parse.InvocationConfiguration.Error);
            var result = Int8Quantizer.Quantize(new QuantizeRequest
            {
                Source = source,
                OutputDirectory = parse.GetRequiredValue(output).FullName,
                Examples = examples,
                MultiLabelExamples = multiLabelExamples,
                TextPairs = textPairs,
                MaxAccuracyDrop = parse.GetValue(maxDrop),
                MinArgmaxAgreement = parse.GetValue(minAgreement),
                PerChannel = parse.GetValue(perChannel),
                ReduceRange = parse.GetValue(reduceRange),
                Force = parse.GetValue(force),
                Progress = progress,
            });
            ReportFiles.WriteJson(new Report
            {
                Kind = "quantize",
                CreatedUtc = DateTimeOffset.UtcNow,
                Command = "fastbert " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                Machine = MachineDescription.Current(),
                Quantization = result.Summary,
            }, parse.GetValue(json));
            return Summarize(result, parse.InvocationConfiguration);
        });
        return command;
    }

    private static int Summarize(QuantizeResult result, InvocationConfiguration io)
    {
        var s = result.Summary;
        var c = CultureInfo.InvariantCulture;
        if (!result.Accepted)
        {
            io.Error.WriteLine($"fastbert: quantization refused: {s.Reason}");
            return ExitCodes.ValidationFailed;
        }

        io.Output.WriteLine(string.Create(c, $"Wrote {result.OutputDirectory}: int8 {s.Int8SizeBytes / 1048576.0:0.00} MB (fp32 {s.Fp32SizeBytes / 1048576.0:0.00} MB)"));
        if (s.MicroF1Fp32 is { } microFp32 && s.MicroF1Int8 is { } microInt8)
        {
            io.Output.WriteLine(string.Create(c, $"micro F1 fp32 {microFp32:0.0000}, int8 {microInt8:0.0000}, decision agreement {s.DecisionAgreement:0.0000}; kept float32: {(s.KeptFp32.Count == 0 ? "none" : string.Join(", ", s.KeptFp32))}"));
        }
        else if (s.AccuracyFp32 is { } fp32 && s.AccuracyInt8 is { } int8)
        {
            io.Output.WriteLine(string.Create(c, $"accuracy fp32 {fp32:0.0000}, int8 {int8:0.0000}, argmax agreement {s.ArgmaxAgreement:0.0000}; kept float32: {(s.KeptFp32.Count == 0 ? "none" : string.Join(", ", s.KeptFp32))}"));
        }
        else
        {
            io.Output.WriteLine("No --data: the accuracy guard did not run.");
        }

        return ExitCodes.Success;
    }
}
