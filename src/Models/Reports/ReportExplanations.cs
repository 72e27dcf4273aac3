using FastBert.Models.Data;
using FastBert.Models.Metrics;

namespace FastBert.Models.Reports;

/// <summary>
/// The word contributions an evaluate report shows for the examples a reader looks at first: the first misclassified
/// examples of each model and the shown flipped examples of each comparison (see <see cref="BertModel.Explain"/>).
/// </summary>
public static class ReportExplanations
{
    /// <summary>The first <paramref name="max"/> examples <paramref name="model"/> got wrong, in data order, explained.</summary>
    public static IReadOnlyList<ExplainedExample> Misclassified(BertModel model, LabelledDataset dataset, ModelEvaluation evaluation, int max = ReportSet.MisclassifiedShown)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(evaluation);
        var labels = model.Info.LabelNames;
        var texts = dataset.Texts;
        var pairs = dataset.TextPairs;
        var truth = dataset.Labels;
        var examples = new List<ExplainedExample>();
        for (var i = 0; i < texts.Count && examples.Count < max; i++)
        {
            if (evaluation.Predictions[i] == truth[i])
            {
                continue;
            }

            // Occlusion explains one text; a pair is reported with its prediction and no words.
            if (pairs?[i] is { } pair)
            {
                var predicted = evaluation.Predictions[i];
                examples.Add(new ExplainedExample(i, texts[i], labels[truth[i]], labels[predicted], evaluation.Probabilities[i][predicted], []) { TextPair = pair });
                continue;
            }

            var explanation = model.Explain(texts[i]);
            examples.Add(new ExplainedExample(i, texts[i], labels[truth[i]], labels[explanation.Index], explanation.Confidence, Words(explanation)));
        }

        return examples;
    }

    /// <summary>The comparison with its first <paramref name="max"/> flipped examples explained under both models.</summary>
    public static VariantComparison ExplainFlipped(VariantComparison comparison, BertModel baseline, BertModel variant, int max = ReportSet.FlippedShown)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var flipped = comparison.Flipped
            .Select((f, i) => i < max && f.TextPair is null
                ? f with { BaselineWords = Words(baseline.Explain(f.Text)), VariantWords = Words(variant.Explain(f.Text)) }
                : f)
            .ToList();
        return comparison with { Flipped = flipped };
    }

    private static ExplainedWord[] Words(TextExplanation explanation) =>
        explanation.Words.Select(w => new ExplainedWord(w.Word, w.Start, w.End, w.Contribution)).ToArray();
}
