using FastBert.ModelFolders;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Reports;
using FastBert.Training;
using FastBert.Training.Data;
using FastBert.Training.Modeling;
using FastBert.Training.Native;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert train --base DIR --data F [--validation F | --validation-indices F | --split 0.15 --stratify] [--labels a,b]
/// --mode full|head|lora [--lora-rank 8 --lora-alpha 16 --lora-targets query,value] --epochs N --lr X --batch N
/// --max-tokens N --seed N [--class-weights auto] [--early-stopping N] [--from-scratch] [--keep-adapters] --output DIR [--force] [--json]</c>:
/// fine-tunes with TorchSharp and writes a Hugging Face checkpoint folder plus train.json and report.{json,md,html}.
/// </summary>
internal static class TrainCommand
{
    public const string Name = "train";

    /// <summary>Gives <paramref name="command"/> (fastbert-train's root) train's description, options and action.</summary>
    public static void Configure(Command command)
    {
        var baseModel = new Option<DirectoryInfo>("--base") { Description = "Base checkpoint folder (config.json, model.safetensors or pytorch_model.bin, vocab.txt).", Required = true };
        var fromScratch = new Option<bool>("--from-scratch") { Description = "Start every weight random: --base then only provides config.json and vocab.txt." };
        var data = DataOptions.Data(required: false);
        var hubDataset = new DatasetOptions();
        var validation = new Option<FileInfo?>("--validation") { Description = "Validation data file, evaluated after every epoch." };
        var validationIndices = new Option<FileInfo?>("--validation-indices") { Description = "0-based rows, one per line: without --validation these rows of --data are held out for validation; with it, they select rows of --validation." };
        var split = new Option<double?>("--split") { Description = "Hold out this share of --data for validation (e.g. 0.15), seeded by --seed." };
        var stratify = new Option<bool>("--stratify") { Description = "With --split: hold out the same share of every label." };
        var labels = new Option<string?>("--labels") { Description = "Labels in output order, comma-separated (default: the base's id2label when the data uses them)." };
        var mode = new Option<string>("--mode") { Description = "full (every weight) | head (frozen encoder, train the classification head) | lora (low-rank adapters + head).", DefaultValueFactory = _ => "full" };
        var loraRank = new Option<int>("--lora-rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 8 };
        var loraAlpha = new Option<double>("--lora-alpha") { Description = "LoRA alpha (updates are scaled by alpha / r).", DefaultValueFactory = _ => 16 };
        var loraTargets = new Option<string>("--lora-targets") { Description = "Comma-separated module names or suffixes (query,value; q_lin,v_lin for DistilBERT) or all-linear.", DefaultValueFactory = _ => LoraOptions.AllLinear };
        var loraDropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.0 };
        var keepAdapters = new Option<bool>("--keep-adapters") { Description = "Also write the LoRA matrices (adapter_model.safetensors, adapter_config.json); model.safetensors always holds them merged." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 3 };
        var lr = new Option<double?>("--lr") { Description = "Peak learning rate (default: full 5e-5, head 1e-3, lora 5e-4)." };
        var batch = new Option<int>("--batch") { Description = "Examples per step.", DefaultValueFactory = _ => 32 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Truncate texts to this many tokens ([CLS] and [SEP] included).", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, dropout, batch order and --split.", DefaultValueFactory = _ => 42 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay (not on biases and LayerNorm weights).", DefaultValueFactory = _ => 0.01 };
        var warmup = new Option<double>("--warmup") { Description = "Share of steps warming the learning rate up; then it decays linearly to 0.", DefaultValueFactory = _ => 0.06 };
        var clip = new Option<double>("--clip") { Description = "Clip the gradients' global L2 norm to this (0: off).", DefaultValueFactory = _ => 1.0 };
        var classWeights = new Option<string>("--class-weights") { Description = "none | auto (weight each class's loss by N / (classes · count)).", DefaultValueFactory = _ => "none" };
        var earlyStopping = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without a better validation macro-F1 and keep the best epoch." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Where to write the trained checkpoint, when training ends (an earlier training output there is replaced; a folder of other files needs --force).", Required = true };
        var force = ForceOption.Create("train.json");
        var json = new Option<bool>("--json") { Description = "Print train.json (schema fastbert.train/v1) to stdout instead of the table; no progress output." };
        var problem = new Option<string>("--problem") { Description = "single-label (softmax, one label per row) | multi-label (a sigmoid per label; label cells 'a|b' or JSON arrays; binary cross-entropy).", DefaultValueFactory = _ => "single-label" };
        var format = DataOptions.Format();
        command.Description = "fastbert train: fine-tune a BERT, DistilBERT or ELECTRA classifier (TorchSharp, CPU): full, frozen-encoder head or LoRA.\n"
            + "Example: fastbert train --base ./bert-tiny --data sms.tsv --split 0.15 --stratify --mode lora --epochs 3 --output ./spam-lora\n"
            + "Ctrl+C stops after the current batch; the last kept epoch is written to --output.";
        foreach (var option in new Option[]
        {
            baseModel, fromScratch, data, validation, validationIndices, split, stratify, labels, mode, loraRank, loraAlpha, loraTargets, loraDropout,
            keepAdapters, epochs, lr, batch, maxTokens, seed, weightDecay, warmup, clip, classWeights, earlyStopping, output, force, json, problem,
        })
        {
            command.Options.Add(option);
        }

        format.AddTo(command);
        hubDataset.AddTo(command);
        command.SetAction(parse =>
        {
            var problemKind = ClassificationProblems.TryParse(parse.GetValue(problem))
                ?? throw new UsageException($"--problem '{parse.GetValue(problem)}' is not one of single-label, multi-label.");
            var multiLabel = problemKind == ClassificationProblem.MultiLabel;
            var readOptions = format.Read(parse) with { MultiLabel = multiLabel };
            if (multiLabel && parse.GetValue(stratify))
            {
                throw new UsageException("--stratify needs one label per row; with --problem multi-label use --split without it, or --validation.");
            }

            var baseDirectory = parse.GetRequiredValue(baseModel).FullName;
            var hubSplit = hubDataset.Read(parse, ref readOptions);
            LabelledDataSource.RequireOne(parse.GetValue(data), hubSplit);
            var dataFile = parse.GetValue(data)?.FullName ?? hubSplit!.ToString();
            var trainingMode = ParseMode(parse.GetValue(mode)!);
            var labelList = ResolveLabels(parse.GetValue(labels), baseDirectory, dataFile, readOptions);
            var dataset = ReadData(parse.GetValue(data), hubSplit, readOptions, labelList, parse.GetValue(labels) is not null, parse.InvocationConfiguration.Error);
            dataFile = dataset.Path;
            var seedValue = parse.GetValue(seed);
            var (train, held, heldPath) = SplitData(dataset, parse.GetValue(validation), parse.GetValue(validationIndices), parse.GetValue(split), parse.GetValue(stratify), seedValue, readOptions, labelList);
            var request = new TrainingRequest
            {
                BaseDirectory = baseDirectory,
                FromScratch = parse.GetValue(fromScratch),
                Labels = labelList,
                Train = train,
                Validation = held,
                TrainDataPath = dataFile,
                ValidationDataPath = heldPath,
                OutputDirectory = parse.GetRequiredValue(output).FullName,
                Force = parse.GetValue(force),
                Mode = trainingMode,
                Problem = problemKind,
                Lora = new LoraOptions(parse.GetValue(loraRank), parse.GetValue(loraAlpha), SplitList(parse.GetValue(loraTargets)), parse.GetValue(loraDropout)),
                Epochs = parse.GetValue(epochs),
                LearningRate = parse.GetValue(lr),
                BatchSize = parse.GetValue(batch),
                MaxTokens = parse.GetValue(maxTokens),
                Seed = seedValue,
                WeightDecay = parse.GetValue(weightDecay),
                WarmupRatio = parse.GetValue(warmup),
                GradientClip = parse.GetValue(clip),
                BalanceClasses = ParseClassWeights(parse.GetValue(classWeights)!),
                EarlyStoppingPatience = parse.GetValue(earlyStopping),
                KeepAdapters = parse.GetValue(keepAdapters),
                Command = "fastbert " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            return Run(request, parse.GetValue(json), parse.InvocationConfiguration);
        });
    }

    private static int Run(TrainingRequest request, bool json, InvocationConfiguration io)
    {
        using var stop = new CancellationTokenSource();
        var interactive = ReferenceEquals(io.Error, Console.Error);
        ConsoleCancelEventHandler? onCancel = null;
        if (interactive)
        {
            onCancel = (_, e) =>
            {
                if (!stop.IsCancellationRequested)
                {
                    e.Cancel = true;
                    stop.Cancel();
                    io.Error.WriteLine("Stopping after the current batch; the last completed epoch stays in the output folder. Ctrl+C again aborts.");
                }
            };
            Console.CancelKeyPress += onCancel;
        }

        // The libstdc++ workaround (src/Training/Native) is worth one line when it was needed.
        TorchNative.EnsureLoaded();
        if (TorchNative.PatchNote is { } note)
        {
            io.Error.WriteLine($"fastbert: note: {note}");
        }

        TrainingResult result;
        try
        {
            result = TrainingProgressDisplay.Run(io.Error, json, progress => FineTuner.Train(request, progress, stop.Token));
        }
        finally
        {
            if (onCancel is not null)
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        var summary = result.Summary;
        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(summary, Report.JsonOptions));
        }
        else
        {
            WriteTable(io.Output, summary);
            io.Output.WriteLine(result.ModelWritten
                ? $"wrote {request.OutputDirectory} (epoch {summary.KeptEpoch}; train.json, report.html)"
                : "stopped before the first epoch completed: nothing was written.");
        }

        return summary.Outcome == "cancelled" ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static IReadOnlyList<string> ResolveLabels(string? labels, string baseDirectory, string dataFile, DataReadOptions options)
    {
        if (labels is not null)
        {
            var list = SplitList(labels);
            if (list.Count < 2)
            {
                throw new UsageException($"--labels needs at least two labels, got '{labels}'.");
            }

            return list;
        }

        var config = TransformerConfig.Load(Path.Combine(baseDirectory, ModelFolder.ConfigFile));
        if (config.Id2Label.All(l => l.StartsWith("LABEL_", StringComparison.Ordinal)))
        {
            throw new UsageException($"{config.SourcePath} has no label names (id2label is {string.Join(", ", config.Id2Label)}); name the labels to train with --labels, e.g. --labels ham,spam.");
        }

        return config.Id2Label;
    }

    private static LabelledDataset ReadData(FileInfo? data, FastBert.Models.Hub.HubDatasetSplit? split, DataReadOptions options, IReadOnlyList<string> labels, bool labelsGiven, TextWriter error)
    {
        try
        {
            return LabelledDataSource.Load(data, split, null, options, labels, error).Dataset;
        }
        catch (UnknownLabelException ex) when (!labelsGiven)
        {
            throw new UsageException($"{ex.Message} The base model's labels are [{string.Join(", ", labels)}]; to train other labels, name them with --labels.");
        }
    }

    private static (IReadOnlyList<LabelledExample> Train, IReadOnlyList<LabelledExample> Validation, string? ValidationPath) SplitData(
        LabelledDataset dataset, FileInfo? validation, FileInfo? validationIndices, double? split, bool stratify, int seed, DataReadOptions options, IReadOnlyList<string> labels)
    {
        var choices = (validation is not null ? 1 : 0) + (split is not null ? 1 : 0) + (validation is null && validationIndices is not null ? 1 : 0);
        if (choices > 1)
        {
            throw new UsageException("choose one source of validation data: --validation F, --validation-indices F (rows of --data) or --split X.");
        }

        if (stratify && split is null)
        {
            throw new UsageException("--stratify applies to --split; add e.g. --split 0.15.");
        }

        if (validation is not null)
        {
            var held = LabelledDataReader.Read(validation.FullName, options, labels);
            if (validationIndices is not null)
            {
                held = held.SelectFromIndexFile(validationIndices.FullName);
            }

            return (dataset.Examples, held.Examples, validation.FullName);
        }

        if (validationIndices is not null)
        {
            var split2 = TrainingSplit.ByIndices(dataset.Examples, LabelledDataReader.ReadIndices(validationIndices.FullName), validationIndices.FullName);
            return (split2.Train, split2.Validation, dataset.Path);
        }

        if (split is { } fraction)
        {
            var random = TrainingSplit.Random(dataset.Examples, fraction, stratify, seed);
            return (random.Train, random.Validation, dataset.Path);
        }

        return (dataset.Examples, [], null);
    }

    private static TrainingMode ParseMode(string value) => value.ToLowerInvariant() switch
    {
        "full" => TrainingMode.Full,
        "head" => TrainingMode.Head,
        "lora" => TrainingMode.Lora,
        _ => throw new UsageException($"--mode '{value}' is not one of full, head, lora."),
    };

    private static bool ParseClassWeights(string value) => value.ToLowerInvariant() switch
    {
        "none" => false,
        "auto" or "balanced" => true,
        _ => throw new UsageException($"--class-weights '{value}' is not one of none, auto."),
    };

    private static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void WriteTable(TextWriter output, TrainingSummary summary)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"{summary.Mode}: {summary.TrainableParameters:N0} of {summary.TotalParameters:N0} parameters trained, {summary.Outcome}, {summary.TotalSeconds:0.0} s"));
        output.WriteLine("epoch | train loss | val loss | accuracy | macro P | macro R | macro F1 | weighted F1 | AUROC | seconds");
        foreach (var e in summary.Epochs)
        {
            output.WriteLine(string.Create(c,
                $"{e.Epoch}{(e.Epoch == summary.KeptEpoch ? "*" : string.Empty)} | {e.TrainLoss:0.0000} | {Format(e.ValidationLoss)} | {Format(e.Accuracy)} | {Format(e.MacroPrecision)} | {Format(e.MacroRecall)} | {Format(e.MacroF1)} | {Format(e.WeightedF1)} | {Format(e.Auroc)} | {e.Seconds:0.0}"));
        }
    }

    private static string Format(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
}
