using System.CommandLine;
using System.Globalization;
using FastBert.ModelFolders;
using FastBert.Models.Benchmarking;
using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Metrics;
using FastBert.Models.Reports;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert evaluate &lt;model&gt;... --data F [--indices F] [--text-column C] [--label-column C] [--separator S]
/// [--json FILE]</c>, or <c>--dataset NAME --dataset-config C --dataset-split S</c> for a Hub dataset: accuracy, precision/recall/F1 (macro, weighted, per class), confusion matrix, AUROC, log loss;
/// several models are compared with the first (deltas, argmax agreement, flipped examples).
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("model") { Description = "Model or checkpoint folders; the first is the baseline the others are compared with.", Arity = ArgumentArity.ZeroOrMore };
        var moreModels = new Option<string[]>("--model", "-m") { Description = "More models to compare (same as extra arguments).", AllowMultipleArgumentsPerToken = false };
        var data = DataOptions.Data(required: false);
        var dataset = new DatasetOptions();
        var indices = DataOptions.Indices();
        var format = DataOptions.Format();
        var json = new Option<FileInfo?>("--json") { Description = "Write the report contract (fastbert.report/v1) to this file." };
        var modelFile = CommonOptions.ModelFile();
        var command = new Command("evaluate", "Evaluate models on a labelled data file (TSV, CSV, JSONL).\nExample: fastbert evaluate ./fp32 --model ./int8 --data sms.tsv --json eval.json")
        {
            models, moreModels, modelFile, data, indices, json,
        };
        format.AddTo(command);
        dataset.AddTo(command);
        command.SetAction(parse =>
        {
            var all = parse.GetValue(models)!.Concat(parse.GetValue(moreModels) ?? []).ToList();
            if (all.Count == 0)
            {
                throw new UsageException("name at least one model folder.");
            }

            var options = format.Read(parse);
            var split = dataset.Read(parse, ref options);
            LabelledDataSource.RequireOne(parse.GetValue(data), split);
            return Run(all, new DataSource(parse.GetValue(data), split, parse.GetValue(indices)), options, parse.GetValue(json), parse.GetValue(modelFile), parse.InvocationConfiguration);
        });
        return command;
    }

    /// <summary>Where evaluate's examples come from: a file or a Hub dataset split, and an optional index file.</summary>
    private sealed record DataSource(FileInfo? File, Models.Hub.HubDatasetSplit? Split, FileInfo? Indices)
    {
        public LabelledDataset Load(DataReadOptions options, IReadOnlyList<string> labels, TextWriter error) =>
            LabelledDataSource.Load(File, Split, Indices, options, labels, error).Dataset;
    }

    private static int Run(IReadOnlyList<string> modelArguments, DataSource data, DataReadOptions options, FileInfo? json, string? modelFile, InvocationConfiguration io)
    {
        ReportFiles.RequireFilePath(json, "--json");
        var progress = new ConsoleProgress(io.Error);
        var models = ModelResolution.Resolve(modelArguments, progress, modelFile);
        using (var first = LoadModel(models[0].Directory, modelFile))
        {
            if (first.Info.Problem == ClassificationProblem.MultiLabel)
            {
                return RunMultiLabel(models, data, options with { MultiLabel = true }, json, modelFile, progress, io);
            }
        }

        var evaluations = new List<Evaluation>();
        var probabilities = new List<IReadOnlyList<float[]>>();
        IReadOnlyList<string>? labels = null;
        LabelledDataset? dataset = null;
        foreach (var (name, directory) in models)
        {
            using var model = LoadModel(directory, modelFile);
            if (labels is null)
            {
                labels = model.Info.LabelNames;
                dataset = data.Load(options, labels, io.Error);
            }
            else if (!labels.SequenceEqual(model.Info.LabelNames, StringComparer.OrdinalIgnoreCase))
            {
                throw new UsageException($"{directory} has labels [{string.Join(", ", model.Info.LabelNames)}], the first model has [{string.Join(", ", labels)}]: only variants of one model can be compared.");
            }

            var examples = dataset!.Examples;
            var evaluation = progress.Run($"Evaluating {name} on {examples.Count} examples", _ => ModelEvaluator.Evaluate(model, dataset!.Texts, dataset.Labels, dataset.TextPairs));
            probabilities.Add(evaluation.Probabilities);
            var misclassified = progress.Run($"Explaining {name}'s first misclassified examples", _ => ReportExplanations.Misclassified(model, dataset, evaluation));
            evaluations.Add(new Evaluation(Describe(name, directory, model), new DataRef(dataset.Path, examples.Count), evaluation.Metrics) { Misclassified = misclassified });
        }

        var comparisons = new List<VariantComparison>();
        for (var i = 1; i < models.Count; i++)
        {
            var comparison = ComparisonCalculator.Compare(models[0].Name, models[i].Name, dataset!.Examples, probabilities[0], probabilities[i], labels!);
            if (comparison.Flipped.Count > 0)
            {
                using var baseline = LoadModel(models[0].Directory, modelFile);
                using var variant = LoadModel(models[i].Directory, modelFile);
                comparison = progress.Run($"Explaining the examples {models[i].Name} flips", _ => ReportExplanations.ExplainFlipped(comparison, baseline, variant));
            }

            comparisons.Add(comparison);
        }

        var report = new Report
        {
            Kind = "evaluate",
            CreatedUtc = DateTimeOffset.UtcNow,
            Command = "fastbert " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Machine = MachineDescription.Current(),
            Evaluations = evaluations,
            Comparisons = comparisons,
        };
        WriteSummary(io.Output, evaluations, comparisons);
        ReportFiles.WriteJson(report, json);
        return ExitCodes.Success;
    }

    // --model-file names the same ONNX file in every model folder compared.
    private static BertModel LoadModel(string directory, string? modelFile) => BertModel.Load(directory, new BertModelOptions { OnnxFile = modelFile });

    // A multi-label model is scored per (example, label) decision; variants are compared decision by decision.
    private static int RunMultiLabel(IReadOnlyList<(string Name, string Directory)> models, DataSource data, DataReadOptions options, FileInfo? json, string? modelFile, ConsoleProgress progress, InvocationConfiguration io)
    {
        var evaluations = new List<MultiLabelEvaluation>();
        var scored = new List<MultiLabelModelEvaluation>();
        IReadOnlyList<string>? labels = null;
        LabelledDataset? dataset = null;
        foreach (var (name, directory) in models)
        {
            using var model = LoadModel(directory, modelFile);
            if (model.Info.Problem != ClassificationProblem.MultiLabel)
            {
                throw new UsageException($"{directory} is a single-label model and the first model is multi-label: only variants of one model can be compared.");
            }

            if (labels is null)
            {
                labels = model.Info.LabelNames;
                dataset = data.Load(options, labels, io.Error);
            }
            else if (!labels.SequenceEqual(model.Info.LabelNames, StringComparer.OrdinalIgnoreCase))
            {
                throw new UsageException($"{directory} has labels [{string.Join(", ", model.Info.LabelNames)}], the first model has [{string.Join(", ", labels)}]: only variants of one model can be compared.");
            }

            var evaluation = progress.Run($"Evaluating {name} on {dataset!.Count} examples", _ => MultiLabelModelEvaluator.Evaluate(model, dataset.Texts, dataset.LabelSets, textPairs: dataset.TextPairs));
            scored.Add(evaluation);
            evaluations.Add(new MultiLabelEvaluation(Describe(name, directory, model), new DataRef(dataset.Path, dataset.Count), evaluation.Metrics));
        }

        var comparisons = new List<MultiLabelComparison>();
        for (var i = 1; i < models.Count; i++)
        {
            comparisons.Add(MultiLabelComparisonCalculator.Compare(models[0].Name, models[i].Name, scored[0].Metrics, scored[i].Metrics, scored[0].Decisions, scored[i].Decisions));
        }

        var report = new Report
        {
            Kind = "evaluate",
            CreatedUtc = DateTimeOffset.UtcNow,
            Command = "fastbert " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            Machine = MachineDescription.Current(),
            MultiLabelEvaluations = evaluations,
            MultiLabelComparisons = comparisons,
        };
        var c = CultureInfo.InvariantCulture;
        io.Output.WriteLine("model | examples | micro F1 | macro F1 | weighted F1 | samples F1 | subset accuracy | Hamming loss | label cardinality");
        foreach (var e in evaluations)
        {
            var m = e.Metrics;
            io.Output.WriteLine(string.Create(c, $"{e.Model.Name} | {m.Examples} | {m.Micro.F1:0.0000} | {m.Macro.F1:0.0000} | {m.Weighted.F1:0.0000} | {m.Samples.F1:0.0000} | {m.SubsetAccuracy:0.0000} | {m.HammingLoss:0.0000} | {m.LabelCardinality:0.00} (predicted {m.PredictedCardinality:0.00})"));
        }

        foreach (var comparison in comparisons)
        {
            io.Output.WriteLine(string.Create(c, $"{comparison.Variant} vs {comparison.Baseline}: micro F1 {comparison.MicroF1Delta:+0.0000;-0.0000;0.0000}, macro F1 {comparison.MacroF1Delta:+0.0000;-0.0000;0.0000}, decision agreement {comparison.DecisionAgreement:0.0000}, {comparison.ChangedDecisions} changed (example, label) decisions"));
        }

        ReportFiles.WriteJson(report, json);
        return ExitCodes.Success;
    }

    internal static ModelRef Describe(string name, string directory, BertModel model)
    {
        var description = ModelDescription.TryReadFrom(directory);
        return new ModelRef(name, directory, new FileInfo(model.Info.ModelFile).Length, description?.GraphForm, model.Info.Quantization ?? "none");
    }

    private static void WriteSummary(TextWriter output, IReadOnlyList<Evaluation> evaluations, IReadOnlyList<VariantComparison> comparisons)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("model | examples | accuracy | macro F1 | weighted F1 | AUROC | log loss");
        foreach (var e in evaluations)
        {
            var m = e.Metrics;
            output.WriteLine(string.Create(c, $"{e.Model.Name} | {e.Data.Examples} | {m.Accuracy:0.0000} | {m.Macro.F1:0.0000} | {m.Weighted.F1:0.0000} | {(m.Auroc is { } a ? a.ToString("0.0000", c) : "-")} | {m.LogLoss:0.0000}"));
        }

        foreach (var comparison in comparisons)
        {
            output.WriteLine(string.Create(c, $"{comparison.Variant} vs {comparison.Baseline}: accuracy {comparison.AccuracyDelta:+0.0000;-0.0000;0.0000}, macro F1 {comparison.MacroF1Delta:+0.0000;-0.0000;0.0000}, argmax agreement {comparison.ArgmaxAgreement:0.0000}, {comparison.Flipped.Count} flipped"));
        }
    }
}
