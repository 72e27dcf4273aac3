using FastBert.ModelFolders;

namespace FastBert.Models.Reports;

/// <summary>
/// Which figures of a quantization guard both report writers show, named and keyed once: accuracy and argmax
/// agreement for a single-label guard; micro F1 and the share of unchanged (example, label) decisions for a
/// multi-label one (whose budget is a micro-F1 drop).
/// </summary>
internal static class QuantizationMeasures
{
    /// <summary>A row or column: its label, its HTML <c>data-metric</c> name and the value (null when not recorded).</summary>
    public sealed record Measure(string Name, string Metric, double? Value);

    public static bool IsMultiLabel(QuantizationSummary q) => q.Problem == ClassificationProblem.MultiLabel.Name();

    /// <summary>The summary's scores, before the sizes.</summary>
    public static IReadOnlyList<Measure> Summary(QuantizationSummary q) => IsMultiLabel(q)
        ?
        [
            new("Max micro F1 drop", "max-accuracy-drop", q.MaxAccuracyDrop),
            new("Micro F1 fp32", "micro-f1-fp32", q.MicroF1Fp32),
            new("Micro F1 int8", "micro-f1-int8", q.MicroF1Int8),
            new("Decision agreement", "decision-agreement", q.DecisionAgreement),
        ]
        :
        [
            new("Max accuracy drop", "max-accuracy-drop", q.MaxAccuracyDrop),
            new("Accuracy fp32", "accuracy-fp32", q.AccuracyFp32),
            new("Accuracy int8", "accuracy-int8", q.AccuracyInt8),
            new("Argmax agreement", "agreement", q.ArgmaxAgreement),
        ];

    /// <summary>One attempt's scores, between its kept-fp32 list and whether it stayed within budget.</summary>
    public static IReadOnlyList<Measure> Attempt(QuantizationSummary q, QuantizationAttempt a) => IsMultiLabel(q)
        ?
        [
            new("Micro F1", "micro-f1", a.MicroF1),
            new("Micro F1 drop", "micro-f1-drop", a.MicroF1Drop),
            new("Decision agreement", "decision-agreement", a.DecisionAgreement),
        ]
        :
        [
            new("Accuracy", "accuracy", a.Accuracy),
            new("Accuracy drop", "accuracy-drop", a.AccuracyDrop),
            new("Argmax agreement", "agreement", a.ArgmaxAgreement),
        ];
}
