using FastBert.Models.Reports;

namespace FastBert.Models.Metrics;

/// <summary>A model scored on labelled texts: what it predicted, with which probabilities, and the metrics.</summary>
/// <param name="Correct">How many predictions equal the label.</param>
public sealed record ModelEvaluation(IReadOnlyList<float[]> Probabilities, IReadOnlyList<int> Predictions, int Correct, ClassificationMetrics Metrics)
{
    public int Count => Predictions.Count;

    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}

/// <summary>
/// The one evaluation loop behind <c>fastbert evaluate</c>, prepare's validation gates and the int8 guard: classify
/// every text in batches, then compute the metrics against the labels.
/// </summary>
public static class ModelEvaluator
{
    /// <summary>Scores a loaded model.</summary>
    /// <param name="labels">Label index of each text, in <paramref name="model"/>'s output order.</param>
    /// <param name="textPairs">Sentence pairs: each text's second text (null: every text alone).</param>
    public static ModelEvaluation Evaluate(BertModel model, IReadOnlyList<string> texts, IReadOnlyList<int> labels, IReadOnlyList<string?>? textPairs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (texts.Count != labels.Count)
        {
            throw new ArgumentException($"{texts.Count} texts but {labels.Count} labels.", nameof(labels));
        }

        var results = Classify(model, texts, textPairs);
        var probabilities = new float[results.Count][];
        var predictions = new int[results.Count];
        var correct = 0;
        for (var i = 0; i < results.Count; i++)
        {
            probabilities[i] = results[i].Probabilities;
            predictions[i] = results[i].Index;
            correct += predictions[i] == labels[i] ? 1 : 0;
        }

        var metrics = MetricsCalculator.Compute(labels, probabilities, model.Info.LabelNames);
        return new ModelEvaluation(probabilities, predictions, correct, metrics);
    }

    /// <summary>Loads the model in <paramref name="modelDirectory"/> with the app's run settings and scores it.</summary>
    public static ModelEvaluation Evaluate(string modelDirectory, RunSettings run, IReadOnlyList<string> texts, IReadOnlyList<int> labels, int? intraOpThreads = null,
        IReadOnlyList<string?>? textPairs = null)
    {
        using var model = BertModel.Load(modelDirectory, run.ToModelOptions(intraOpThreads));
        return Evaluate(model, texts, labels, textPairs);
    }

    /// <summary>Each text alone, or with its pair's second text when <paramref name="textPairs"/> is given.</summary>
    public static IReadOnlyList<ClassificationResult> Classify(BertModel model, IReadOnlyList<string> texts, IReadOnlyList<string?>? textPairs) =>
        textPairs is null ? model.ClassifyBatch(texts) : model.ClassifyBatch(texts, textPairs);
}

/// <summary>A multi-label model scored on labelled texts: its probabilities, its per-label decisions and the metrics.</summary>
public sealed record MultiLabelModelEvaluation(IReadOnlyList<float[]> Probabilities, bool[][] Decisions, MultiLabelMetrics Metrics);

/// <summary>The evaluation loop of a multi-label model, with the thresholds it runs with (<see cref="ModelInfo.Thresholds"/>).</summary>
public static class MultiLabelModelEvaluator
{
    public static MultiLabelModelEvaluation Evaluate(BertModel model, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<int>> labelSets, IReadOnlyList<float>? thresholds = null,
        IReadOnlyList<string?>? textPairs = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (texts.Count != labelSets.Count)
        {
            throw new ArgumentException($"{texts.Count} texts but {labelSets.Count} label sets.", nameof(labelSets));
        }

        thresholds ??= model.Info.Thresholds;
        var probabilities = ModelEvaluator.Classify(model, texts, textPairs).Select(r => r.Probabilities).ToArray();
        var metrics = MultiLabelMetricsCalculator.Compute(labelSets, probabilities, thresholds, model.Info.LabelNames) with { Thresholds = thresholds.ToArray() };
        var decisions = probabilities.Select(p => MultiLabelMetricsCalculator.Decide(p, thresholds)).ToArray();
        return new MultiLabelModelEvaluation(probabilities, decisions, metrics);
    }

    public static MultiLabelModelEvaluation Evaluate(string modelDirectory, RunSettings run, IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<int>> labelSets, int? intraOpThreads = null,
        IReadOnlyList<string?>? textPairs = null)
    {
        using var model = BertModel.Load(modelDirectory, run.ToModelOptions(intraOpThreads));
        return Evaluate(model, texts, labelSets, textPairs: textPairs);
    }
}
