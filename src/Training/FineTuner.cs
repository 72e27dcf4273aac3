using FastBert.ModelFolders;
using System.Diagnostics;
using FastBert.Models.Benchmarking;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Metrics;
using FastBert.Models.Reports;
using FastBert.Tokenization;
using FastBert.Training.Data;
using FastBert.Training.Modeling;
using FastBert.Training.Native;
using FastBert.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FastBert.Training;

/// <summary>
/// Fine-tunes a BERT-family sequence classifier: AdamW with linear warmup and decay, gradient clipping, the
/// config's dropout, seeded (weights, dropout and batch order), one validation pass per epoch. After every epoch
/// worth keeping the output folder is replaced as a whole, so stopping (Ctrl+C, early stopping, a crash) leaves the
/// last kept epoch's complete checkpoint.
/// </summary>
public static class FineTuner
{
    private const int EvaluationBatchSize = 64;

    public static TrainingResult Train(TrainingRequest request, IProgress<TrainingEvent>? progress = null, CancellationToken cancellation = default)
    {
        Validate(request);
        using var output = OutputFolder.Begin(request.OutputDirectory, OutputKind.Training,
            [request.BaseDirectory, request.TrainDataPath, request.ValidationDataPath], request.Force);
        TorchNative.EnsureLoaded();
        var total = Stopwatch.StartNew();
        torch.set_num_threads(Environment.ProcessorCount);

        var baseConfig = TransformerConfig.Load(Path.Combine(request.BaseDirectory, ModelFolder.ConfigFile));
        if (request.MaxTokens > baseConfig.MaxPositionEmbeddings)
        {
            throw new TrainingException($"--max-tokens {request.MaxTokens} exceeds the model's {baseConfig.MaxPositionEmbeddings} positions (max_position_embeddings in {baseConfig.SourcePath}).");
        }

        var tokenizer = BertTextTokenizer.FromModelDirectory(request.BaseDirectory);
        if (tokenizer.VocabularySize > baseConfig.VocabSize)
        {
            throw new TrainingException($"{request.BaseDirectory}: vocab.txt has {tokenizer.VocabularySize} tokens but config.json's vocab_size is {baseConfig.VocabSize}; they must belong to the same model.");
        }

        var config = baseConfig with { Id2Label = request.Labels.ToArray() };
        var sameLabels = baseConfig.Id2Label.SequenceEqual(request.Labels, StringComparer.OrdinalIgnoreCase);
        using var model = CreateModel(request, config, sameLabels, baseConfig, progress);
        var adapted = request.Mode == TrainingMode.Lora ? model.AddLoraAdapters(request.Lora) : [];
        var trainable = model.SetTrainable(request.Mode);
        var trainableCount = trainable.Sum(t => t.Parameter.numel());
        progress?.Report(new TrainingMessage(
            $"{request.Mode.ToString().ToLowerInvariant()}: {trainableCount:N0} of {model.TotalParameters:N0} parameters trainable ({100.0 * trainableCount / model.TotalParameters:0.##}%)"
            + (adapted.Count > 0 ? $", LoRA rank {request.Lora.Rank} alpha {request.Lora.Alpha} on {adapted.Count} layers" : string.Empty)));

        var tokenTypes = model.Spec.HasTokenTypes;
        var multiLabel = request.Problem == ClassificationProblem.MultiLabel;
        int? multiLabelCount = multiLabel ? request.Labels.Count : null;
        var train = new EncodedExamples(request.Train, tokenizer, request.MaxTokens, tokenTypes, multiLabelCount);
        var validation = request.Validation.Count > 0 ? new EncodedExamples(request.Validation, tokenizer, request.MaxTokens, tokenTypes, multiLabelCount) : null;
        var classWeights = !request.BalanceClasses ? null
            : multiLabel ? PositiveWeights(train.LabelSets!, request.Labels.Count)
            : BalancedWeights(train.Labels, request.Labels.Count);
        using var classWeightTensor = classWeights is null ? null : torch.tensor(classWeights.Select(w => (float)w).ToArray());

        var batchesPerEpoch = train.BatchCount(request.BatchSize);
        var schedule = LinearSchedule.Create(request.EffectiveLearningRate, batchesPerEpoch * request.Epochs, request.WarmupRatio);
        using var optimizer = new AdamW(trainable.Select(t => (t.Parameter, t.Decay)), request.WeightDecay);
        var clipped = trainable.Select(t => t.Parameter).ToList();
        var order = new Random(request.Seed);

        var epochs = new List<EpochSummary>();
        int? keptEpoch = null;
        float[][]? keptProbabilities = null;
        double bestF1 = double.NegativeInfinity;
        var sinceBest = 0;
        var outcome = "completed";
        for (var epoch = 1; epoch <= request.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var batches = train.TrainingOrder(request.BatchSize, order);
            progress?.Report(new EpochStarted(epoch, request.Epochs, batches.Count));
            double lossSum = 0;
            var seen = 0;
            var lr = 0.0;
            for (var b = 0; b < batches.Count; b++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    break;
                }

                lr = schedule.At(optimizer.Steps);
                var loss = Step(model, train.Build(batches[b]), classWeightTensor, optimizer, clipped, request.GradientClip, lr);
                lossSum += loss * batches[b].Length;
                seen += batches[b].Length;
                progress?.Report(new BatchCompleted(epoch, b + 1, batches.Count, loss, lr));
            }

            if (cancellation.IsCancellationRequested)
            {
                outcome = "cancelled";
                break;
            }

            EpochSummary summary;
            float[][]? probabilities = null;
            if (validation is not null)
            {
                progress?.Report(new EvaluationStarted(epoch, validation.Count));
                (probabilities, var validationLoss) = Predict(model, validation);
                if (multiLabel)
                {
                    var metrics = MultiLabelMetricsCalculator.Compute(validation.LabelSets!, probabilities, DefaultThresholds(request), request.Labels);
                    var aurocs = metrics.PerLabel.Where(l => l.Auroc is not null).Select(l => l.Auroc!.Value).ToArray();
                    summary = new EpochSummary(epoch, batches.Count, lossSum / seen, validationLoss, metrics.SubsetAccuracy, metrics.Macro.Precision,
                        metrics.Macro.Recall, metrics.Macro.F1, metrics.Weighted.F1, aurocs.Length > 0 ? aurocs.Average() : null, clock.Elapsed.TotalSeconds, lr)
                    { MicroF1 = metrics.Micro.F1, HammingLoss = metrics.HammingLoss };
                }
                else
                {
                    var metrics = MetricsCalculator.Compute(validation.Labels, probabilities, request.Labels);
                    summary = new EpochSummary(epoch, batches.Count, lossSum / seen, validationLoss, metrics.Accuracy, metrics.Macro.Precision,
                        metrics.Macro.Recall, metrics.Macro.F1, metrics.Weighted.F1, metrics.Auroc, clock.Elapsed.TotalSeconds, lr);
                }
            }
            else
            {
                summary = new EpochSummary(epoch, batches.Count, lossSum / seen, null, null, null, null, null, null, null, clock.Elapsed.TotalSeconds, lr);
            }

            epochs.Add(summary);
            var improved = summary.MacroF1 is not { } f1 || f1 > bestF1;
            var keep = request.EarlyStoppingPatience is null || improved;
            if (improved && summary.MacroF1 is { } better)
            {
                bestF1 = better;
                sinceBest = 0;
            }
            else
            {
                sinceBest++;
            }

            if (keep)
            {
                keptEpoch = epoch;
                keptProbabilities = probabilities;
                var snapshot = Summarize(request, model, baseConfig, trainableCount, adapted, classWeights, epochs, keptEpoch, "running", total.Elapsed);
                output.Clear();
                TrainedCheckpoint.Write(output.Directory, request.BaseDirectory, model, snapshot, request.KeepAdapters);
            }

            progress?.Report(new EpochCompleted(summary, keep));
            if (request.EarlyStoppingPatience is { } patience && sinceBest >= patience && epoch < request.Epochs)
            {
                outcome = "early-stopping";
                progress?.Report(new TrainingMessage($"No better validation macro-F1 for {patience} epochs: stopping, keeping epoch {keptEpoch}."));
                break;
            }
        }

        var final = Summarize(request, model, baseConfig, trainableCount, adapted, classWeights, epochs, keptEpoch, outcome, total.Elapsed);
        if (keptEpoch is null)
        {
            return new TrainingResult(final, request.OutputDirectory, ModelWritten: false);
        }

        TrainedCheckpoint.WriteSummary(output.Directory, final);
        WriteReports(request, output.Directory, final, keptProbabilities);
        output.Commit();
        return new TrainingResult(final, request.OutputDirectory, ModelWritten: true);
    }

    private static TransformerClassifier CreateModel(TrainingRequest request, TransformerConfig config, bool sameLabels, TransformerConfig baseConfig, IProgress<TrainingEvent>? progress)
    {
        if (request.FromScratch)
        {
            progress?.Report(new TrainingMessage($"From scratch: every weight of the {config.ModelType} model ({config.NumLayers} layers, hidden {config.HiddenSize}) starts random."));
            return TransformerClassifier.Create(config, null, keepOutputLayer: false, request.Seed);
        }

        using var checkpoint = CheckpointLoader.Open(request.BaseDirectory);
        var model = TransformerClassifier.Create(config, checkpoint, keepOutputLayer: sameLabels, request.Seed);
        if (model.NewlyInitialized.Count > 0)
        {
            progress?.Report(new TrainingMessage(
                $"New classification head for [{string.Join(", ", request.Labels)}] (the base was trained on [{string.Join(", ", baseConfig.Id2Label)}]): {string.Join(", ", model.NewlyInitialized)} start random."));
        }

        return model;
    }

    internal static double Step(TransformerClassifier model, TensorBatch batch, Tensor? classWeights, AdamW optimizer, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, double clip, double learningRate)
    {
        using var scope = torch.NewDisposeScope();
        using var owned = batch;
        var logits = model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, training: true);
        var loss = Loss(logits, batch.Labels, classWeights);
        loss.backward();
        if (clip > 0)
        {
            torch.nn.utils.clip_grad_norm_(parameters, clip);
        }

        optimizer.Step(learningRate);
        optimizer.ZeroGradients();
        return loss.item<float>();
    }

    /// <summary>
    /// Cross-entropy over class indices (single-label), or binary cross-entropy with logits over multi-hot float
    /// targets, averaged over every (example, label), with <paramref name="classWeights"/> as pos_weight (multi-label).
    /// </summary>
    internal static Tensor Loss(Tensor logits, Tensor labels, Tensor? classWeights) =>
        labels.dtype == ScalarType.Float32
            ? F.binary_cross_entropy_with_logits(logits, labels, pos_weights: classWeights)
            : F.cross_entropy(logits, labels, classWeights);

    /// <summary>
    /// Softmax (single-label) or sigmoid (multi-label) probabilities in row order and the mean unweighted loss
    /// (multi-label: binary cross-entropy per (example, label)), without dropout.
    /// </summary>
    internal static (float[][] Probabilities, double Loss) Predict(TransformerClassifier model, EncodedExamples examples)
    {
        var probabilities = new float[examples.Count][];
        double lossSum = 0;
        using var _ = torch.no_grad();
        foreach (var rows in examples.EvaluationOrder(EvaluationBatchSize))
        {
            using var scope = torch.NewDisposeScope();
            using var batch = examples.Build(rows);
            var logits = model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, training: false);
            var multiLabel = batch.Labels.dtype == ScalarType.Float32;
            lossSum += multiLabel
                ? F.binary_cross_entropy_with_logits(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>() / logits.shape[1]
                : F.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
            var values = (multiLabel ? logits.sigmoid() : logits.softmax(-1)).contiguous().data<float>().ToArray();
            var width = (int)logits.shape[1];
            for (var i = 0; i < rows.Length; i++)
            {
                probabilities[rows[i]] = values.AsSpan(i * width, width).ToArray();
            }
        }

        return (probabilities, lossSum / examples.Count);
    }

    /// <summary>N / (classes · count(c)); a class absent from the training data gets weight 0 (it never occurs).</summary>
    internal static double[] BalancedWeights(IReadOnlyList<int> labels, int classes)
    {
        var counts = new int[classes];
        foreach (var label in labels)
        {
            counts[label]++;
        }

        return counts.Select(c => c == 0 ? 0.0 : (double)labels.Count / (classes * c)).ToArray();
    }

    /// <summary>Multi-label pos_weight: negatives / positives of each label; a label that never occurs gets 1.</summary>
    internal static double[] PositiveWeights(IReadOnlyList<IReadOnlyList<int>> labelSets, int labels)
    {
        var positives = new int[labels];
        foreach (var set in labelSets)
        {
            foreach (var label in set)
            {
                positives[label]++;
            }
        }

        return positives.Select(p => p == 0 ? 1.0 : (double)(labelSets.Count - p) / p).ToArray();
    }

    private static float[] DefaultThresholds(TrainingRequest request) =>
        Enumerable.Repeat(ClassificationProblems.DefaultThreshold, request.Labels.Count).ToArray();

    private static TrainingSummary Summarize(TrainingRequest request, TransformerClassifier model, TransformerConfig baseConfig, long trainable, IReadOnlyList<string> adapted,
        double[]? classWeights, List<EpochSummary> epochs, int? keptEpoch, string outcome, TimeSpan elapsed) => new()
    {
        Mode = request.Mode.ToString().ToLowerInvariant(),
        BaseModel = Path.GetFullPath(request.BaseDirectory),
        FromScratch = request.FromScratch,
        ModelType = baseConfig.ModelType.ToString().ToLowerInvariant(),
        Labels = request.Labels,
        Problem = request.Problem == ClassificationProblem.MultiLabel ? request.Problem.Name() : null,
        NewlyInitialized = model.NewlyInitialized,
        TrainableParameters = trainable,
        TotalParameters = model.TotalParameters,
        Settings = new TrainingSettings(request.Epochs, request.EffectiveLearningRate, request.BatchSize, request.MaxTokens, request.Seed, request.WeightDecay,
            request.WarmupRatio, request.GradientClip, request.EarlyStoppingPatience, classWeights,
            request.Mode == TrainingMode.Lora ? request.Lora.Rank : null,
            request.Mode == TrainingMode.Lora ? request.Lora.Alpha : null,
            request.Mode == TrainingMode.Lora ? adapted : null),
        TrainingData = new DataRef(request.TrainDataPath, request.Train.Count),
        ValidationData = request.Validation.Count > 0 ? new DataRef(request.ValidationDataPath ?? request.TrainDataPath, request.Validation.Count) : null,
        Epochs = epochs.ToList(),
        KeptEpoch = keptEpoch,
        Outcome = outcome,
        TotalSeconds = elapsed.TotalSeconds,
    };

    private static void WriteReports(TrainingRequest request, string folder, TrainingSummary summary, float[][]? probabilities)
    {
        var evaluations = new List<Evaluation>();
        var multiLabelEvaluations = new List<MultiLabelEvaluation>();
        if (probabilities is not null && request.Problem == ClassificationProblem.MultiLabel)
        {
            var metrics = MultiLabelMetricsCalculator.Compute(request.Validation.Select(e => e.LabelSet).ToList(), probabilities, DefaultThresholds(request), request.Labels);
            var weights = Path.Combine(folder, ModelFolder.SafetensorsFile);
            var model = new ModelRef($"epoch {summary.KeptEpoch}", Path.GetFullPath(request.OutputDirectory), new FileInfo(weights).Length);
            multiLabelEvaluations.Add(new MultiLabelEvaluation(model, summary.ValidationData!, metrics));
        }
        else if (probabilities is not null)
        {
            var metrics = MetricsCalculator.Compute(request.Validation.Select(e => e.Label).ToList(), probabilities, request.Labels);
            var weights = Path.Combine(folder, ModelFolder.SafetensorsFile);
            var model = new ModelRef($"epoch {summary.KeptEpoch}", Path.GetFullPath(request.OutputDirectory), new FileInfo(weights).Length);
            evaluations.Add(new Evaluation(model, summary.ValidationData!, metrics));
        }

        var report = new Report
        {
            Kind = "train",
            CreatedUtc = DateTimeOffset.UtcNow,
            Command = request.Command,
            Machine = MachineDescription.Current(),
            Evaluations = evaluations,
            MultiLabelEvaluations = multiLabelEvaluations,
            Training = summary,
        };
        File.WriteAllText(Path.Combine(folder, ReportRenderer.JsonFileName), report.ToJson() + "\n");
        File.WriteAllText(Path.Combine(folder, ReportRenderer.MarkdownFileName), MarkdownReportWriter.Write([report]));
        File.WriteAllText(Path.Combine(folder, ReportRenderer.HtmlFileName), HtmlReportWriter.Write([report]));
    }

    private static void Validate(TrainingRequest request)
    {
        if (!Directory.Exists(request.BaseDirectory))
        {
            throw new TrainingException($"{Path.GetFullPath(request.BaseDirectory)}: base model folder not found.");
        }

        if (request.Labels.Count < 2)
        {
            throw new TrainingException($"a classifier needs at least two labels, got [{string.Join(", ", request.Labels)}].");
        }

        if (request.Labels.Distinct(StringComparer.OrdinalIgnoreCase).Count() != request.Labels.Count)
        {
            throw new TrainingException($"labels must be distinct (case-insensitively): [{string.Join(", ", request.Labels)}].");
        }

        if (request.Train.Count == 0)
        {
            throw new TrainingException($"{request.TrainDataPath} has no training examples.");
        }

        Positive(request.Epochs, "--epochs");
        Positive(request.BatchSize, "--batch");
        Positive(request.MaxTokens, "--max-tokens");
        if (request.EffectiveLearningRate is not (> 0 and < 1))
        {
            throw new TrainingException($"--lr must be in (0, 1), got {request.EffectiveLearningRate}.");
        }

        if (request.WarmupRatio is < 0 or >= 1)
        {
            throw new TrainingException($"--warmup must be in [0, 1), got {request.WarmupRatio}.");
        }

        if (request.EarlyStoppingPatience is { } patience && (patience < 1 || request.Validation.Count == 0))
        {
            throw new TrainingException(patience < 1 ? "--early-stopping needs a patience of at least 1 epoch." : "--early-stopping needs validation data (--validation or --split).");
        }
    }

    private static void Positive(int value, string option)
    {
        if (value < 1)
        {
            throw new TrainingException($"{option} must be at least 1, got {value}.");
        }
    }
}
