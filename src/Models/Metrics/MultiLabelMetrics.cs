using FastBert.Models.Reports;

namespace FastBert.Models.Metrics;

/// <summary>
/// Multi-label metrics with scikit-learn's definitions, from each example's true label set, every label's
/// probability and the per-label thresholds (a label is predicted when its probability is at or above its threshold).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Per label: TP/FP/FN over examples; precision, recall, F1 as in <see cref="MetricsCalculator"/> (zero_division=0);
/// AUROC of the label's probability (null when the label is always or never present).</item>
/// <item><b>Micro</b>: precision/recall/F1 from the TP, FP, FN summed over labels (sklearn <c>average="micro"</c>).</item>
/// <item><b>Macro</b>: unweighted mean of the per-label scores over all labels; <b>weighted</b>: weighted by support.</item>
/// <item><b>Samples</b>: per example, |T∩P|/|P|, |T∩P|/|T| and 2|T∩P|/(|T|+|P|) (0 when the denominator is 0), averaged
/// over examples (sklearn <c>average="samples"</c>, zero_division=0).</item>
/// <item><b>Subset accuracy</b>: share of examples whose predicted set equals the true set (sklearn <c>accuracy_score</c>).</item>
/// <item><b>Hamming loss</b>: share of (example, label) decisions that are wrong.</item>
/// <item><b>Label cardinality</b>: mean size of the true sets; predicted cardinality likewise for the predictions.</item>
/// </list>
/// </remarks>
public static class MultiLabelMetricsCalculator
{
    /// <summary>The predicted label decisions of one example.</summary>
    public static bool[] Decide(IReadOnlyList<float> probabilities, IReadOnlyList<float> thresholds)
    {
        var decisions = new bool[probabilities.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            decisions[i] = probabilities[i] >= thresholds[i];
        }

        return decisions;
    }

    /// <exception cref="ArgumentException">Empty input, mismatched lengths or a label index out of range.</exception>
    public static MultiLabelMetrics Compute(
        IReadOnlyList<IReadOnlyList<int>> trueSets, IReadOnlyList<float[]> probabilities, IReadOnlyList<float> thresholds, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(trueSets);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(labels);
        var n = labels.Count;
        var total = trueSets.Count;
        if (n == 0 || total == 0 || probabilities.Count != total || thresholds.Count != n)
        {
            throw new ArgumentException($"{total} label sets, {probabilities.Count} probability vectors, {thresholds.Count} thresholds for {n} labels: need at least one example and one of each per label.");
        }

        var truth = new bool[total][];
        var predicted = new bool[total][];
        for (var i = 0; i < total; i++)
        {
            if (probabilities[i] is null || probabilities[i].Length != n)
            {
                throw new ArgumentException($"Example {i} has {probabilities[i]?.Length ?? 0} probabilities for {n} labels.", nameof(probabilities));
            }

            truth[i] = new bool[n];
            foreach (var label in trueSets[i])
            {
                if ((uint)label >= (uint)n)
                {
                    throw new ArgumentException($"Example {i} has label index {label}, outside 0..{n - 1}.", nameof(trueSets));
                }

                truth[i][label] = true;
            }

            predicted[i] = Decide(probabilities[i], thresholds);
        }

        return Compute(truth, predicted, probabilities, labels);
    }

    /// <summary>Computes every metric from decisions already made (<paramref name="probabilities"/> only feed AUROC).</summary>
    public static MultiLabelMetrics Compute(bool[][] truth, bool[][] predicted, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> labels)
    {
        var n = labels.Count;
        var total = truth.Length;
        long tpSum = 0, fpSum = 0, fnSum = 0, wrong = 0, trueLabels = 0, predictedLabels = 0;
        var exact = 0;
        double samplesP = 0, samplesR = 0, samplesF = 0;
        var tp = new int[n];
        var fp = new int[n];
        var fn = new int[n];
        for (var i = 0; i < total; i++)
        {
            int both = 0, t = 0, p = 0;
            for (var c = 0; c < n; c++)
            {
                var isTrue = truth[i][c];
                var isPredicted = predicted[i][c];
                t += isTrue ? 1 : 0;
                p += isPredicted ? 1 : 0;
                if (isTrue && isPredicted)
                {
                    both++;
                    tp[c]++;
                }
                else if (isPredicted)
                {
                    fp[c]++;
                }
                else if (isTrue)
                {
                    fn[c]++;
                }
            }

            var mismatches = t + p - 2 * both;
            wrong += mismatches;
            exact += mismatches == 0 ? 1 : 0;
            trueLabels += t;
            predictedLabels += p;
            samplesP += p == 0 ? 0 : (double)both / p;
            samplesR += t == 0 ? 0 : (double)both / t;
            samplesF += t + p == 0 ? 0 : 2.0 * both / (t + p);
        }

        var perLabel = new LabelScores[n];
        double macroP = 0, macroR = 0, macroF = 0, weightedP = 0, weightedR = 0, weightedF = 0;
        long supportSum = 0;
        for (var c = 0; c < n; c++)
        {
            var support = tp[c] + fn[c];
            var precision = tp[c] + fp[c] == 0 ? 0.0 : (double)tp[c] / (tp[c] + fp[c]);
            var recall = support == 0 ? 0.0 : (double)tp[c] / support;
            var f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
            var label = c;
            var auroc = MetricsCalculator.RocAuc(truth.Select(row => row[label]).ToArray(), probabilities.Select(row => (double)row[label]).ToArray());
            perLabel[c] = new LabelScores(labels[c], precision, recall, f1, support, tp[c] + fp[c], auroc);
            macroP += precision;
            macroR += recall;
            macroF += f1;
            weightedP += precision * support;
            weightedR += recall * support;
            weightedF += f1 * support;
            supportSum += support;
            tpSum += tp[c];
            fpSum += fp[c];
            fnSum += fn[c];
        }

        var microP = tpSum + fpSum == 0 ? 0.0 : (double)tpSum / (tpSum + fpSum);
        var microR = tpSum + fnSum == 0 ? 0.0 : (double)tpSum / (tpSum + fnSum);
        var microF = 2 * tpSum + fpSum + fnSum == 0 ? 0.0 : 2.0 * tpSum / (2 * tpSum + fpSum + fnSum);
        return new MultiLabelMetrics
        {
            Labels = labels.ToArray(),
            Examples = total,
            Micro = new AveragedScores(microP, microR, microF),
            Macro = new AveragedScores(macroP / n, macroR / n, macroF / n),
            Weighted = supportSum == 0 ? new AveragedScores(0, 0, 0) : new AveragedScores(weightedP / supportSum, weightedR / supportSum, weightedF / supportSum),
            Samples = new AveragedScores(samplesP / total, samplesR / total, samplesF / total),
            SubsetAccuracy = (double)exact / total,
            HammingLoss = (double)wrong / ((long)total * n),
            LabelCardinality = (double)trueLabels / total,
            PredictedCardinality = (double)predictedLabels / total,
            PerLabel = perLabel,
        };
    }
}

/// <summary>Compares two multi-label models' decisions on the same examples (the int8 guard's and evaluate's view).</summary>
public static class MultiLabelComparisonCalculator
{
    public static MultiLabelComparison Compare(string baselineName, string variantName, MultiLabelMetrics baseline, MultiLabelMetrics variant, bool[][] baselineDecisions, bool[][] variantDecisions)
    {
        long changed = 0, total = 0;
        for (var i = 0; i < baselineDecisions.Length; i++)
        {
            for (var c = 0; c < baselineDecisions[i].Length; c++)
            {
                total++;
                changed += baselineDecisions[i][c] != variantDecisions[i][c] ? 1 : 0;
            }
        }

        return new MultiLabelComparison(
            baselineName,
            variantName,
            variant.Micro.F1 - baseline.Micro.F1,
            variant.Macro.F1 - baseline.Macro.F1,
            variant.SubsetAccuracy - baseline.SubsetAccuracy,
            total == 0 ? 1 : 1 - (double)changed / total,
            (int)changed);
    }
}
