using FastBert.Models.Reports;

namespace FastBert.Models.Metrics;

/// <summary>
/// Classification metrics with scikit-learn's definitions, from true label indices and per-class probabilities.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Prediction</b>: the argmax of the probabilities; ties go to the lowest index (as <c>numpy.argmax</c>).</item>
/// <item><b>Precision</b> of class c = TP/(TP+FP); 0 when c is never predicted (sklearn <c>zero_division=0</c>).</item>
/// <item><b>Recall</b> = TP/(TP+FN); 0 when the class has no examples (support 0).</item>
/// <item><b>F1</b> = 2PR/(P+R); 0 when P+R = 0.</item>
/// <item><b>Per-class accuracy</b> is the class's recall (share of its examples predicted right).</item>
/// <item><b>Macro</b>: unweighted mean over ALL of the model's labels, including labels with no examples in the data
/// set (such a label scores 0 on all three: recall and F1 by definition, precision because TP = 0). This
/// is sklearn's <c>precision_recall_fscore_support(average="macro", labels=range(n), zero_division=0)</c>; it is lower
/// than the mean over present labels only, on purpose: predicting a class that does not occur is a mistake.</item>
/// <item><b>Weighted</b>: mean weighted by support (true count); zero-support labels weigh nothing. Weighted recall
/// equals accuracy.</item>
/// <item><b>Accuracy</b> = correct / total.</item>
/// <item><b>Confusion matrix</b>: [true label][predicted label] counts, n×n over all labels.</item>
/// <item><b>AUROC</b>: binary (two labels) → ROC AUC of the probability of label index 1, computed as the
/// Mann–Whitney U statistic with average ranks for tied scores (ties count ½, as sklearn's trapezoidal ROC area);
/// null when only one class occurs. More labels → macro one-vs-rest: the mean of each class's AUC (its probability
/// against "is this class") over the classes that have both positives and negatives in the data; null when none
/// does. (sklearn's <c>roc_auc_score(multi_class="ovr")</c> instead refuses data sets missing a class.)</item>
/// <item><b>Log loss</b> = mean over examples of −ln(max(p[true], 1e−15)). Probabilities are used as given (not
/// renormalised, not clipped at 1−1e−15).</item>
/// </list>
/// </remarks>
public static class MetricsCalculator
{
    /// <summary>Floor applied to the true class's probability before taking its log.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <summary>Computes all metrics.</summary>
    /// <param name="trueLabels">Label index of each example, 0..labels.Count-1.</param>
    /// <param name="probabilities">One probability vector of length labels.Count per example.</param>
    /// <param name="labels">The model's label names, in index order.</param>
    /// <exception cref="ArgumentException">Empty input, mismatched lengths, or a label index out of range.</exception>
    public static ClassificationMetrics Compute(
        IReadOnlyList<int> trueLabels, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> labels)
    {
        Validate(trueLabels, probabilities, labels);
        var n = labels.Count;
        var total = trueLabels.Count;

        var confusion = new int[n][];
        for (var i = 0; i < n; i++)
        {
            confusion[i] = new int[n];
        }

        var correct = 0;
        var logLoss = 0.0;
        for (var i = 0; i < total; i++)
        {
            var truth = trueLabels[i];
            var predicted = ArgMax(probabilities[i]);
            confusion[truth][predicted]++;
            if (predicted == truth)
            {
                correct++;
            }

            logLoss -= Math.Log(Math.Max(probabilities[i][truth], LogLossEpsilon));
        }

        var perClass = new ClassScores[n];
        double macroP = 0, macroR = 0, macroF = 0, weightedP = 0, weightedR = 0, weightedF = 0;
        for (var c = 0; c < n; c++)
        {
            var tp = confusion[c][c];
            var support = 0;
            var predictedCount = 0;
            for (var k = 0; k < n; k++)
            {
                support += confusion[c][k];
                predictedCount += confusion[k][c];
            }

            var precision = predictedCount == 0 ? 0.0 : (double)tp / predictedCount;
            var recall = support == 0 ? 0.0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
            perClass[c] = new ClassScores(labels[c], precision, recall, f1, support, recall);

            macroP += precision;
            macroR += recall;
            macroF += f1;
            weightedP += precision * support;
            weightedR += recall * support;
            weightedF += f1 * support;
        }

        return new ClassificationMetrics
        {
            Labels = labels.ToArray(),
            Accuracy = (double)correct / total,
            Macro = new AveragedScores(macroP / n, macroR / n, macroF / n),
            Weighted = new AveragedScores(weightedP / total, weightedR / total, weightedF / total),
            PerClass = perClass,
            ConfusionMatrix = confusion,
            Auroc = Auroc(trueLabels, probabilities, n),
            LogLoss = logLoss / total,
        };
    }

    /// <summary>Index of the largest value; the lowest such index on ties.</summary>
    public static int ArgMax(IReadOnlyList<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Area under the ROC curve of <paramref name="scores"/> for telling <paramref name="positive"/> examples from the
    /// rest: the Mann–Whitney U = (sum of positive ranks − P(P+1)/2) / (P·N), with tied scores given their average
    /// rank (a tied positive/negative pair counts ½). Null unless there are both positives and negatives.
    /// </summary>
    public static double? RocAuc(IReadOnlyList<bool> positive, IReadOnlyList<double> scores)
    {
        if (positive.Count != scores.Count)
        {
            throw new ArgumentException("positive and scores differ in length.");
        }

        var count = scores.Count;
        long positives = positive.Count(p => p);
        long negatives = count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        var order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (a, b) => scores[a].CompareTo(scores[b]));

        var positiveRankSum = 0.0;
        var start = 0;
        while (start < count)
        {
            var end = start;
            while (end + 1 < count && scores[order[end + 1]].CompareTo(scores[order[start]]) == 0)
            {
                end++;
            }

            // Ranks start..end (0-based) share the average 1-based rank.
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                if (positive[order[k]])
                {
                    positiveRankSum += averageRank;
                }
            }

            start = end + 1;
        }

        var u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double)positives * negatives);
    }

    private static double? Auroc(IReadOnlyList<int> trueLabels, IReadOnlyList<float[]> probabilities, int n)
    {
        if (n < 2)
        {
            return null;
        }

        if (n == 2)
        {
            return RocAuc(trueLabels.Select(t => t == 1).ToArray(), probabilities.Select(p => (double)p[1]).ToArray());
        }

        var sum = 0.0;
        var classes = 0;
        for (var c = 0; c < n; c++)
        {
            var cls = c;
            var auc = RocAuc(trueLabels.Select(t => t == cls).ToArray(), probabilities.Select(p => (double)p[cls]).ToArray());
            if (auc is { } value)
            {
                sum += value;
                classes++;
            }
        }

        return classes == 0 ? null : sum / classes;
    }

    internal static void Validate(
        IReadOnlyList<int> trueLabels, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(trueLabels);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException("There are no labels.", nameof(labels));
        }

        if (trueLabels.Count == 0)
        {
            throw new ArgumentException("There are no examples to score.", nameof(trueLabels));
        }

        if (trueLabels.Count != probabilities.Count)
        {
            throw new ArgumentException(
                $"{trueLabels.Count} true labels but {probabilities.Count} probability vectors.", nameof(probabilities));
        }

        for (var i = 0; i < trueLabels.Count; i++)
        {
            if ((uint)trueLabels[i] >= (uint)labels.Count)
            {
                throw new ArgumentException(
                    $"Example {i} has label index {trueLabels[i]}, outside 0..{labels.Count - 1}.", nameof(trueLabels));
            }

            if (probabilities[i] is null || probabilities[i].Length != labels.Count)
            {
                throw new ArgumentException(
                    $"Example {i} has {probabilities[i]?.Length ?? 0} probabilities for {labels.Count} labels.",
                    nameof(probabilities));
            }
        }
    }
}
