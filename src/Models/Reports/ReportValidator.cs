namespace FastBert.Models.Reports;

/// <summary>
/// Checks that a report has everything the writers read. JSON can leave out or null a field the contract marks as
/// required (System.Text.Json does not enforce nullability), so a hand-edited or truncated file is rejected here with
/// the file and the field named, instead of failing somewhere inside the renderer.
/// </summary>
internal static class ReportValidator
{
    public static void Validate(Report? report, string source)
    {
        if (report is null)
        {
            Fail(source, "the report is null");
        }

        Require(report.Kind, source, "kind");
        Require(report.Command, source, "command");
        Require(report.Machine, source, "machine");
        Require(report.Evaluations, source, "evaluations");
        Require(report.Comparisons, source, "comparisons");
        Require(report.Benchmarks, source, "benchmarks");

        for (var i = 0; i < report.Evaluations.Count; i++)
        {
            ValidateEvaluation(report.Evaluations[i], source, $"evaluations[{i}]");
        }

        for (var i = 0; i < report.Comparisons.Count; i++)
        {
            var at = $"comparisons[{i}]";
            var comparison = Require(report.Comparisons[i], source, at);
            Require(comparison.Baseline, source, at + ".baseline");
            Require(comparison.Variant, source, at + ".variant");
            Require(comparison.Flipped, source, at + ".flipped");
            for (var j = 0; j < comparison.Flipped.Count; j++)
            {
                var flipped = Require(comparison.Flipped[j], source, $"{at}.flipped[{j}]");
                Require(flipped.Text, source, $"{at}.flipped[{j}].text");
                Require(flipped.Expected, source, $"{at}.flipped[{j}].expected");
                Require(flipped.Baseline, source, $"{at}.flipped[{j}].baseline");
                Require(flipped.Variant, source, $"{at}.flipped[{j}].variant");
                RequireNoPairWords(flipped.TextPair, (flipped.BaselineWords?.Count ?? 0) + (flipped.VariantWords?.Count ?? 0), source, $"{at}.flipped[{j}]");
                ValidateWords(flipped.BaselineWords, flipped.Text, source, $"{at}.flipped[{j}].baselineWords");
                ValidateWords(flipped.VariantWords, flipped.Text, source, $"{at}.flipped[{j}].variantWords");
            }
        }

        for (var i = 0; i < report.Benchmarks.Count; i++)
        {
            var at = $"benchmarks[{i}]";
            var benchmark = Require(report.Benchmarks[i], source, at);
            ValidateModel(benchmark.Model, source, at + ".model");
            Require(benchmark.Runs, source, at + ".runs");
            for (var j = 0; j < benchmark.Runs.Count; j++)
            {
                var run = Require(benchmark.Runs[j], source, $"{at}.runs[{j}]");
                Require(run.Mode, source, $"{at}.runs[{j}].mode");
                Require(run.LatenciesMs, source, $"{at}.runs[{j}].latenciesMs");
            }
        }

        if (report.Quantization is { } quantization)
        {
            Require(quantization.Reason, source, "quantization.reason");
            Require(quantization.KeptFp32, source, "quantization.keptFp32");
            Require(quantization.Attempts, source, "quantization.attempts");
            for (var i = 0; i < quantization.Attempts.Count; i++)
            {
                var attempt = Require(quantization.Attempts[i], source, $"quantization.attempts[{i}]");
                Require(attempt.KeptFp32, source, $"quantization.attempts[{i}].keptFp32");
            }
        }

        if (report.Training is { } training)
        {
            ValidateTraining(training, source, "training");
        }
    }

    private static void ValidateTraining(TrainingSummary? training, string source, string at)
    {
        var prefix = at + ".";
        Require(training, source, at);
        if (training.Schema != TrainingSummary.CurrentSchema)
        {
            Fail(source, $"{prefix}schema is '{training.Schema}', expected '{TrainingSummary.CurrentSchema}'");
        }

        OneOf(Require(training.Mode, source, prefix + "mode"), ["full", "head", "lora"], source, prefix + "mode");
        Require(training.BaseModel, source, prefix + "baseModel");
        Require(training.ModelType, source, prefix + "modelType");
        var labels = Require(training.Labels, source, prefix + "labels");
        for (var i = 0; i < labels.Count; i++)
        {
            Require(labels[i], source, $"{prefix}labels[{i}]");
        }

        Require(training.NewlyInitialized, source, prefix + "newlyInitialized");
        Require(training.Settings, source, prefix + "settings");
        Require(Require(training.TrainingData, source, prefix + "trainingData").Path, source, prefix + "trainingData.path");
        if (training.ValidationData is { } validation)
        {
            Require(validation.Path, source, prefix + "validationData.path");
        }

        if (training.TotalParameters <= 0)
        {
            Fail(source, $"{prefix}totalParameters is {training.TotalParameters}, expected a positive count");
        }

        if (training.TrainableParameters <= 0 || training.TrainableParameters > training.TotalParameters)
        {
            Fail(source, $"{prefix}trainableParameters is {training.TrainableParameters}, expected 1 to totalParameters ({training.TotalParameters})");
        }

        var epochs = Require(training.Epochs, source, prefix + "epochs");
        if (epochs.Count == 0)
        {
            Fail(source, $"{prefix}epochs is empty");
        }

        for (var i = 0; i < epochs.Count; i++)
        {
            ValidateEpoch(Require(epochs[i], source, $"{prefix}epochs[{i}]"), i + 1, source, $"{prefix}epochs[{i}]");
        }

        if (training.KeptEpoch is { } kept && (kept < 1 || kept > epochs.Count))
        {
            Fail(source, $"{prefix}keptEpoch is {kept}, not one of the epochs 1 to {epochs.Count}");
        }

        OneOf(Require(training.Outcome, source, prefix + "outcome"), ["completed", "early-stopping", "cancelled"], source, prefix + "outcome");
        NonNegative(training.TotalSeconds, source, prefix + "totalSeconds");
    }

    private static void ValidateEpoch(EpochSummary epoch, int expected, string source, string at)
    {
        if (epoch.Epoch != expected)
        {
            Fail(source, $"{at}.epoch is {epoch.Epoch}, expected {expected}");
        }

        if (epoch.Steps < 0)
        {
            Fail(source, $"{at}.steps is {epoch.Steps}, expected a count");
        }

        NonNegative(epoch.TrainLoss, source, at + ".trainLoss");
        if (epoch.ValidationLoss is { } validationLoss)
        {
            NonNegative(validationLoss, source, at + ".validationLoss");
        }

        Score(epoch.Accuracy, source, at + ".accuracy");
        Score(epoch.MacroPrecision, source, at + ".macroPrecision");
        Score(epoch.MacroRecall, source, at + ".macroRecall");
        Score(epoch.MacroF1, source, at + ".macroF1");
        Score(epoch.WeightedF1, source, at + ".weightedF1");
        Score(epoch.Auroc, source, at + ".auroc");
        NonNegative(epoch.Seconds, source, at + ".seconds");
        NonNegative(epoch.LearningRate, source, at + ".learningRate");
    }

    private static void OneOf(string value, string[] allowed, string source, string field)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            Fail(source, $"{field} is '{value}', expected one of {string.Join(", ", allowed)}");
        }
    }

    private static void NonNegative(double value, string source, string field)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            Fail(source, $"{field} is {Number(value)}, expected a finite number ≥ 0");
        }
    }

    private static void Score(double? value, string source, string field)
    {
        if (value is { } v && !(v >= 0 && v <= 1))
        {
            Fail(source, $"{field} is {Number(v)}, expected a score in [0, 1]");
        }
    }

    private static string Number(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    // A pair's words would be spans of which text? Pairs are not explained, so a pair with words is not a report fastbert wrote.
    private static void RequireNoPairWords(string? textPair, int wordCount, string source, string at)
    {
        if (textPair is not null && wordCount > 0)
        {
            Fail(source, $"{at} is a sentence pair (textPair) with explained words; pairs are not explained");
        }
    }

    // Words are shaded in place, so each must lie inside its text, in order, and spell what the text holds there.
    private static void ValidateWords(IReadOnlyList<ExplainedWord>? words, string text, string source, string at)
    {
        var end = 0;
        for (var i = 0; i < (words?.Count ?? 0); i++)
        {
            var word = Require(words![i], source, $"{at}[{i}]");
            if (word.Start < end || word.End < word.Start || word.End > text.Length || text[word.Start..word.End] != word.Word)
            {
                Fail(source, $"{at}[{i}] \"{word.Word}\" at {word.Start}..{word.End} is not that word's place in the example's text");
            }

            end = word.End;
        }
    }

    private static void ValidateEvaluation(Evaluation? evaluation, string source, string at)
    {
        Require(evaluation, source, at);
        ValidateModel(evaluation.Model, source, at + ".model");
        Require(evaluation.Data, source, at + ".data");
        var metrics = Require(evaluation.Metrics, source, at + ".metrics");
        var labels = Require(metrics.Labels, source, at + ".metrics.labels");
        for (var i = 0; i < labels.Count; i++)
        {
            Require(labels[i], source, $"{at}.metrics.labels[{i}]");
        }

        for (var i = 0; i < (evaluation.Misclassified?.Count ?? 0); i++)
        {
            var example = Require(evaluation.Misclassified![i], source, $"{at}.misclassified[{i}]");
            Require(example.Text, source, $"{at}.misclassified[{i}].text");
            Require(example.Expected, source, $"{at}.misclassified[{i}].expected");
            Require(example.Predicted, source, $"{at}.misclassified[{i}].predicted");
            ValidateWords(Require(example.Words, source, $"{at}.misclassified[{i}].words"), example.Text, source, $"{at}.misclassified[{i}].words");
            RequireNoPairWords(example.TextPair, example.Words.Count, source, $"{at}.misclassified[{i}]");
        }

        Require(metrics.Macro, source, at + ".metrics.macro");
        Require(metrics.Weighted, source, at + ".metrics.weighted");
        var perClass = Require(metrics.PerClass, source, at + ".metrics.perClass");
        for (var i = 0; i < perClass.Count; i++)
        {
            var scores = Require(perClass[i], source, $"{at}.metrics.perClass[{i}]");
            Require(scores.Label, source, $"{at}.metrics.perClass[{i}].label");
        }

        var matrix = Require(metrics.ConfusionMatrix, source, at + ".metrics.confusionMatrix");
        if (matrix.Count != labels.Count)
        {
            Fail(source, $"{at}.metrics.confusionMatrix has {matrix.Count} rows for {labels.Count} labels");
        }

        for (var i = 0; i < matrix.Count; i++)
        {
            var row = Require(matrix[i], source, $"{at}.metrics.confusionMatrix[{i}]");
            if (row.Count != labels.Count)
            {
                Fail(source, $"{at}.metrics.confusionMatrix[{i}] has {row.Count} columns for {labels.Count} labels");
            }
        }
    }

    private static void ValidateModel(ModelRef? model, string source, string at)
    {
        Require(model, source, at);
        Require(model.Name, source, at + ".name");
    }

    private static T Require<T>([System.Diagnostics.CodeAnalysis.NotNull] T? value, string source, string field)
        where T : class
    {
        if (value is null)
        {
            Fail(source, $"{field} is missing");
        }

        return value;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string source, string problem) =>
        throw new InvalidDataException($"{source}: not a valid fastbert report ({problem}).");
}
