using System.Text;
using static FastBert.Models.Reports.ReportFormat;

namespace FastBert.Models.Reports;

/// <summary>
/// Renders one or more reports as a single self-contained report.html: inline CSS and inline SVG charts only (no
/// script, stylesheet, font, image or URL), system fonts. Holds the same tables as report.md plus loss and score
/// curves per training run, a confusion-matrix heatmap and per-class bars per evaluation, per-label bars per multi-label evaluation, a latency histogram per
/// benchmark run and an accuracy-vs-latency scatter for models both evaluated and benchmarked.
/// </summary>
/// <remarks>
/// Every number that also appears in the JSON sits in an element with a <c>data-metric</c> attribute plus the
/// attributes that say which value it is, formatted exactly as in report.md:
/// <list type="bullet">
/// <item>trainings: <c>data-training</c> (index across all reports); <c>trainable-parameters</c>,
/// <c>total-parameters</c>, <c>training-examples</c>, <c>validation-examples</c>, <c>completed-epochs</c>,
/// <c>kept-epoch</c>, <c>total-seconds</c>, the numeric settings <c>setting-epochs</c>, <c>setting-learning-rate</c>,
/// <c>setting-batch-size</c>, <c>setting-max-tokens</c>, <c>setting-seed</c>, <c>setting-weight-decay</c>,
/// <c>setting-warmup-ratio</c>, <c>setting-gradient-clip</c>, <c>setting-early-stopping-patience</c>,
/// <c>setting-lora-rank</c>, <c>setting-lora-alpha</c>; per epoch (with <c>data-epoch</c>) <c>steps</c>,
/// <c>train-loss</c>, <c>validation-loss</c>, <c>accuracy</c>, <c>macro-precision</c>, <c>macro-recall</c>,
/// <c>macro-f1</c>, <c>weighted-f1</c>, <c>auroc</c>, <c>seconds</c>, <c>learning-rate</c>. A value an epoch does not
/// have is shown as "-" without <c>data-metric</c>.</item>
/// <item>evaluations: <c>data-eval</c> (index across all reports) and <c>data-model</c>; metrics <c>accuracy</c>,
/// <c>macro-precision|recall|f1</c>, <c>weighted-precision|recall|f1</c>, <c>auroc</c>, <c>log-loss</c>,
/// <c>examples</c>, <c>file-size-mb</c>; per class (with <c>data-label</c>) <c>precision</c>, <c>recall</c>,
/// <c>f1</c>, <c>support</c>, <c>accuracy</c>; <c>confusion</c> with <c>data-true</c> and <c>data-pred</c>.</item>
/// <item>comparisons: <c>data-comparison</c>, <c>data-baseline</c>, <c>data-variant</c>; <c>accuracy-delta</c>,
/// <c>macro-f1-delta</c>, <c>weighted-f1-delta</c>, <c>agreement</c>, <c>flipped</c>; flipped examples
/// <c>index</c> with <c>data-row</c>.</item>
/// <item>multi-label evaluations: <c>data-ml-eval</c> and <c>data-model</c>; <c>examples</c>, <c>micro-f1</c>,
/// <c>macro-f1</c>, <c>weighted-f1</c>, <c>samples-f1</c>, <c>subset-accuracy</c>, <c>hamming-loss</c>,
/// <c>label-cardinality</c>, <c>predicted-cardinality</c>, <c>file-size-mb</c>; per label (with <c>data-label</c>)
/// <c>precision</c>, <c>recall</c>, <c>f1</c>, <c>support</c>, <c>predicted</c>, <c>auroc</c>, <c>threshold</c>;
/// their comparisons <c>data-ml-comparison</c>, <c>data-baseline</c>, <c>data-variant</c>; <c>micro-f1-delta</c>,
/// <c>macro-f1-delta</c>, <c>subset-accuracy-delta</c>, <c>decision-agreement</c>, <c>changed-decisions</c>.</item>
/// <item>benchmarks: <c>data-benchmark</c>, <c>data-model</c>; <c>load-ms</c>, <c>peak-working-set-mb</c>,
/// <c>file-size-mb</c>; runs add <c>data-mode</c>, <c>data-batch</c>, <c>data-seq</c> (a number or
/// "dynamic") to <c>iterations</c>, <c>p50</c>, <c>p95</c>, <c>p99</c>, <c>mean</c>, <c>std</c>,
/// <c>items-per-second</c>.</item>
/// <item>quantization: <c>data-quantization</c>; <c>max-accuracy-drop</c>, <c>accuracy-fp32</c>,
/// <c>accuracy-int8</c>, <c>agreement</c>, <c>fp32-size-mb</c>, <c>int8-size-mb</c>; attempts add
/// <c>data-attempt</c> to <c>accuracy</c>, <c>accuracy-drop</c>, <c>agreement</c>. A multi-label guard has
/// <c>micro-f1-fp32</c>, <c>micro-f1-int8</c>, <c>decision-agreement</c> in place of the accuracies and agreement
/// (<c>max-accuracy-drop</c> is then its micro-F1 budget), and its attempts <c>micro-f1</c>, <c>micro-f1-drop</c>,
/// <c>decision-agreement</c>.</item>
/// <item>machine: <c>cores</c> (with <c>data-report</c> when the reports ran on different machines).</item>
/// </list>
/// A value the report does not have (null AUROC…) is shown as "n/a" without <c>data-metric</c>.
/// </remarks>
public static class HtmlReportWriter
{
    private const string Style = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 32px 48px; max-width: 1360px; color: #1f2328; background: #ffffff;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
          font-size: 14px; line-height: 1.45; }
        h1 { font-size: 26px; margin: 0 0 8px; }
        h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
        h3 { font-size: 16px; margin: 24px 0 6px; }
        h4 { font-size: 14px; margin: 12px 0 6px; color: #424a53; }
        p { margin: 6px 0; }
        code { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px;
          background: #f6f8fa; border-radius: 4px; padding: 1px 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0 0; }
        dl.meta dt { font-weight: 600; color: #424a53; }
        dl.meta dd { margin: 0; }
        ol.commands { margin: 0; padding-left: 20px; }
        table { border-collapse: collapse; margin: 6px 0 14px; font-size: 13px; }
        th, td { border: 1px solid #d0d7de; padding: 4px 9px; vertical-align: top; }
        thead th { background: #f6f8fa; text-align: left; white-space: nowrap; }
        tbody th { text-align: left; font-weight: 600; background: #fbfcfd; white-space: nowrap; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.missing { color: #8c959f; }
        td.text { max-width: 560px; overflow-wrap: anywhere; }
        td.path { white-space: nowrap; }
        tr.kept th, tr.kept td { background: #eef7f0; }
        .wide { overflow-x: auto; max-width: 100%; }
        .wide table { font-size: 12.5px; }
        .wide th, .wide td { padding: 4px 7px; }
        .row { display: flex; flex-wrap: wrap; gap: 12px 40px; align-items: flex-start; }
        .row > * { min-width: 0; max-width: 100%; }
        .charts { display: flex; flex-wrap: wrap; gap: 20px 28px; }
        figure { margin: 6px 0; }
        figcaption { font-size: 12px; color: #57606a; max-width: 460px; }
        svg.chart { display: block; overflow: visible; font-family: inherit; }
        .muted { color: #57606a; }
        .badge { display: inline-block; padding: 1px 10px; border-radius: 10px; font-weight: 600; color: #ffffff; }
        .accepted { background: #1a7f37; }
        .refused { background: #cf222e; }
        footer { margin-top: 40px; font-size: 12px; color: #57606a; }
        span.w { border-radius: 3px; padding: 0 1px; }
        span.p1 { background: #fff1e5; } span.p2 { background: #ffdfb6; } span.p3 { background: #ffc680; } span.p4 { background: #fb8f44; } span.p5 { background: #e16f24; color: #ffffff; }
        span.n1 { background: #eef6ff; } span.n2 { background: #cae8ff; } span.n3 { background: #9cd4ff; } span.n4 { background: #54aeff; } span.n5 { background: #0969da; color: #ffffff; }
        """;

    public static string Write(IReadOnlyList<Report> reports)
    {
        var set = ReportSet.From(reports);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>fastbert report</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

        WriteHeader(html, set);
        for (var i = 0; i < set.Trainings.Count; i++)
        {
            WriteTraining(html, set.Trainings[i], i, set.Trainings.Count);
        }

        if (set.Evaluations.Count > 0)
        {
            WriteEvaluations(html, set);
        }

        if (set.Comparisons.Count > 0)
        {
            WriteComparisons(html, set);
        }

        if (set.MultiLabelEvaluations.Count > 0)
        {
            WriteMultiLabel(html, set);
        }

        if (set.Benchmarks.Count > 0)
        {
            WriteBenchmarks(html, set);
        }

        var points = set.LatencyAccuracyPoints();
        if (points.Count > 0)
        {
            WriteScatter(html, points);
        }

        for (var i = 0; i < set.Quantizations.Count; i++)
        {
            WriteQuantization(html, set.Quantizations[i], i, set.Quantizations.Count);
        }

        if (set.IsEmpty)
        {
            html.Append("<p class=\"muted\">No results.</p>\n");
        }

        html.Append("<footer>Rendered from ").Append(Count(set.Reports.Count)).Append(set.Reports.Count == 1 ? " report" : " reports")
            .Append(" (schema ").Append(E(Report.CurrentSchema)).Append("). Numbers: invariant culture; scores 4 decimals, ms 3 decimals, MB = 1,000,000 bytes.</footer>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    // ---- header -----------------------------------------------------------------------------------------------

    private static void WriteHeader(StringBuilder html, ReportSet set)
    {
        html.Append("<header>\n<h1>fastbert report</h1>\n<dl class=\"meta\">\n");
        if (set.SharedMachine is { } machine)
        {
            html.Append("<dt>Machine</dt><dd>").Append(Machine(machine, null)).Append("</dd>\n");
        }
        else
        {
            for (var i = 0; i < set.Reports.Count; i++)
            {
                html.Append("<dt>Machine (report ").Append(Count(i + 1)).Append(")</dt><dd>").Append(Machine(set.Reports[i].Machine, i)).Append("</dd>\n");
            }
        }

        if (set.Reports.Count > 0)
        {
            html.Append("<dt>").Append(set.Reports.Count == 1 ? "Command" : "Commands").Append("</dt><dd><ol class=\"commands\">");
            foreach (var report in set.Reports)
            {
                html.Append("<li>").Append(E(report.Kind)).Append(", ").Append(E(Timestamp(report.CreatedUtc))).Append(": <code>").Append(E(report.Command)).Append("</code></li>");
            }

            html.Append("</ol></dd>\n");
        }

        html.Append("</dl>\n</header>\n");
    }

    private static string Machine(MachineInfo machine, int? report)
    {
        var cores = $"<span {Attributes("cores", report is { } r ? [("report", Count(r))] : [])}>{Count(machine.Cores)}</span>";
        return $"{E(machine.Os)} · {E(machine.Cpu)} ({cores} cores) · .NET {E(machine.Runtime)} · ONNX Runtime {E(machine.OnnxRuntime)}";
    }

    // ---- training ---------------------------------------------------------------------------------------------

    private const string TrainLossColour = "#4e79a7";
    private const string ValidationLossColour = "#f28e2b";
    private const string AccuracyColour = "#4e79a7";
    private const string MacroF1Colour = "#59a14f";

    private static void WriteTraining(StringBuilder html, TrainingSummary t, int index, int total)
    {
        (string, string)[] key = [("training", Count(index))];
        html.Append("<section class=\"training\" data-training=\"").Append(Count(index)).Append("\">\n<h2>Training")
            .Append(total > 1 ? $" {Count(index + 1)}" : "").Append("</h2>\n<dl class=\"meta\">\n");
        html.Append("<dt>Mode</dt><dd>").Append(E(t.Mode)).Append("</dd>\n");
        html.Append("<dt>Base model</dt><dd><code>").Append(E(t.BaseModel)).Append("</code> (").Append(E(t.ModelType)).Append(t.FromScratch ? ", from scratch" : "")
            .Append(")</dd>\n");
        html.Append("<dt>Labels</dt><dd>").Append(string.Join(", ", t.Labels.Select(E))).Append("</dd>\n");
        html.Append("<dt>Parameters</dt><dd>").Append(Span("trainable-parameters", Count(t.TrainableParameters), key)).Append(" trainable of ")
            .Append(Span("total-parameters", Count(t.TotalParameters), key)).Append(" (").Append(Share(MarkdownReportWriter.TrainableShare(t))).Append(")</dd>\n");
        if (t.NewlyInitialized.Count > 0)
        {
            html.Append("<dt>Newly initialized</dt><dd>").Append(KeptList(t.NewlyInitialized)).Append("</dd>\n");
        }

        html.Append("<dt>Data</dt><dd><code>").Append(E(t.TrainingData.Path)).Append("</code> (").Append(Span("training-examples", Count(t.TrainingData.Examples), key))
            .Append(" examples)");
        if (t.ValidationData is { } validation)
        {
            html.Append("; validation <code>").Append(E(validation.Path)).Append("</code> (").Append(Span("validation-examples", Count(validation.Examples), key))
                .Append(" examples)");
        }

        html.Append("</dd>\n<dt>Settings</dt><dd>").Append(string.Join(" · ", MarkdownReportWriter.DescribeSettings(t.Settings)
            .Select(s => E(s.Name) + " " + (s.Metric is { } metric ? Span(metric, s.Value, key) : E(s.Value))))).Append("</dd>\n");
        html.Append("<dt>Outcome</dt><dd>").Append(E(t.Outcome)).Append("; ").Append(Span("completed-epochs", Count(t.Epochs.Count), key)).Append(" of ")
            .Append(Count(t.Settings.Epochs)).Append(" epochs completed; ")
            .Append(t.KeptEpoch is { } kept ? "kept epoch " + Span("kept-epoch", Count(kept), key) : "no epoch kept").Append("</dd>\n");
        html.Append("<dt>Total time</dt><dd>").Append(Span("total-seconds", Seconds(t.TotalSeconds), key)).Append(" s</dd>\n</dl>\n");

        WriteEpochTable(html, t, key);
        WriteTrainingCharts(html, t, index, total);
        html.Append("</section>\n");
    }

    private static void WriteEpochTable(StringBuilder html, TrainingSummary t, (string, string)[] key)
    {
        html.Append("<h4>Epochs</h4>\n<div class=\"wide\"><table class=\"epochs\">\n<thead><tr>");
        HeaderCells(html, "Epoch", "Steps", "Train loss", "Validation loss", "Accuracy", "Macro P", "Macro R", "Macro F1", "Weighted F1", "AUROC", "Seconds", "LR");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var e in t.Epochs)
        {
            (string, string)[] epochKey = [.. key, ("epoch", Count(e.Epoch))];
            html.Append("<tr").Append(e.Epoch == t.KeptEpoch ? " class=\"kept\"" : "").Append("><th scope=\"row\">").Append(Count(e.Epoch))
                .Append(e.Epoch == t.KeptEpoch ? " (kept)" : "").Append("</th>")
                .Append(Num("steps", Count(e.Steps), epochKey))
                .Append(Num("train-loss", Score(e.TrainLoss), epochKey))
                .Append(Measured("validation-loss", e.ValidationLoss, epochKey))
                .Append(Measured("accuracy", e.Accuracy, epochKey))
                .Append(Measured("macro-precision", e.MacroPrecision, epochKey))
                .Append(Measured("macro-recall", e.MacroRecall, epochKey))
                .Append(Measured("macro-f1", e.MacroF1, epochKey))
                .Append(Measured("weighted-f1", e.WeightedF1, epochKey))
                .Append(Measured("auroc", e.Auroc, epochKey))
                .Append(Num("seconds", Seconds(e.Seconds), epochKey))
                .Append(Num("learning-rate", LearningRate(e.LearningRate), epochKey))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
    }

    private static void WriteTrainingCharts(StringBuilder html, TrainingSummary t, int index, int total)
    {
        var epochs = t.Epochs.Select(e => (double)e.Epoch).ToList();
        var run = total > 1 ? $", training {Count(index + 1)}" : "";
        var validated = t.Epochs.Any(e => e.ValidationLoss is not null);
        List<LineSeries> losses = [new("Train loss", TrainLossColour, t.Epochs.Select(e => (double?)e.TrainLoss).ToList())];
        if (validated)
        {
            losses.Add(new("Validation loss", ValidationLossColour, t.Epochs.Select(e => e.ValidationLoss).ToList()));
        }

        html.Append("<div class=\"charts\">\n<figure>")
            .Append(SvgCharts.LineChart($"Loss per epoch{run}", "epoch", epochs, losses, Score, yLowest: 0, fromLowest: true))
            .Append("<figcaption>Mean training loss").Append(validated ? " and validation loss" : "").Append(" after each epoch.</figcaption></figure>\n");

        if (t.Epochs.Any(e => e.Accuracy is not null || e.MacroF1 is not null))
        {
            html.Append("<figure>")
                .Append(SvgCharts.LineChart($"Validation scores per epoch{run}", "epoch", epochs,
                [
                    new LineSeries("Accuracy", AccuracyColour, t.Epochs.Select(e => e.Accuracy).ToList()),
                    new LineSeries("Macro F1", MacroF1Colour, t.Epochs.Select(e => e.MacroF1).ToList()),
                ], Score, yLowest: 0, yHighest: 1))
                .Append("<figcaption>Validation accuracy and macro F1 after each epoch (axis zoomed to the values, within 0 to 1).</figcaption></figure>\n");
        }

        html.Append("</div>\n");
    }

    private static string Measured(string metric, double? value, (string, string)[] key) =>
        value is { } v ? Num(metric, Score(v), key) : $"<td class=\"num missing\">{NotMeasured}</td>";

    private static string Span(string metric, string value, (string, string)[] key) => $"<span {Attributes(metric, key)}>{E(value)}</span>";

    // ---- evaluations ------------------------------------------------------------------------------------------

    private static void WriteEvaluations(StringBuilder html, ReportSet set)
    {
        html.Append("<section id=\"evaluation\">\n<h2>Evaluation</h2>\n<div class=\"wide\"><table class=\"metrics\">\n<thead><tr>");
        HeaderCells(html, "Model", "Data", "Examples", "Accuracy", "Macro P", "Macro R", "Macro F1", "Weighted P", "Weighted R", "Weighted F1", "AUROC", "Log loss");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < set.Evaluations.Count; i++)
        {
            var e = set.Evaluations[i];
            var m = e.Metrics;
            (string, string)[] key = [("eval", Count(i)), ("model", e.Model.Name)];
            html.Append("<tr><th scope=\"row\">").Append(E(e.Model.Name)).Append("</th><td class=\"path\">").Append(E(e.Data.Path)).Append("</td>")
                .Append(Num("examples", Count(e.Data.Examples), key))
                .Append(Num("accuracy", Score(m.Accuracy), key))
                .Append(Num("macro-precision", Score(m.Macro.Precision), key))
                .Append(Num("macro-recall", Score(m.Macro.Recall), key))
                .Append(Num("macro-f1", Score(m.Macro.F1), key))
                .Append(Num("weighted-precision", Score(m.Weighted.Precision), key))
                .Append(Num("weighted-recall", Score(m.Weighted.Recall), key))
                .Append(Num("weighted-f1", Score(m.Weighted.F1), key))
                .Append(m.Auroc is { } auroc ? Num("auroc", Score(auroc), key) : MissingCell())
                .Append(Num("log-loss", Score(m.LogLoss), key))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");

        for (var i = 0; i < set.Evaluations.Count; i++)
        {
            WriteEvaluation(html, set.Evaluations[i], i);
        }

        html.Append("</section>\n");
    }

    private static void WriteEvaluation(StringBuilder html, Evaluation e, int index)
    {
        var m = e.Metrics;
        (string, string)[] key = [("eval", Count(index)), ("model", e.Model.Name)];
        html.Append("<section class=\"evaluation\" data-eval=\"").Append(Count(index)).Append("\">\n<h3>").Append(Count(index + 1)).Append(". ").Append(E(e.Model.Name))
            .Append(" on <code>").Append(E(e.Data.Path)).Append("</code> (").Append(Count(e.Data.Examples)).Append(" examples)</h3>\n");
        html.Append("<p class=\"muted\">Model file <code>").Append(E(e.Model.Path)).Append("</code>, <span ").Append(Attributes("file-size-mb", key)).Append('>')
            .Append(Megabytes(e.Model.FileSizeBytes)).Append("</span> MB");
        if (!string.IsNullOrEmpty(e.Model.GraphForm))
        {
            html.Append(", graph ").Append(E(e.Model.GraphForm));
        }

        if (!string.IsNullOrEmpty(e.Model.Quantization))
        {
            html.Append(", quantization ").Append(E(e.Model.Quantization));
        }

        html.Append(".</p>\n<div class=\"row\">\n<div>\n<h4>Per class</h4>\n<table class=\"per-class\">\n<thead><tr>");
        HeaderCells(html, "Label", "Precision", "Recall", "F1", "Support", "Accuracy");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var c in m.PerClass)
        {
            (string, string)[] classKey = [.. key, ("label", c.Label)];
            html.Append("<tr><th scope=\"row\">").Append(E(c.Label)).Append("</th>")
                .Append(Num("precision", Score(c.Precision), classKey))
                .Append(Num("recall", Score(c.Recall), classKey))
                .Append(Num("f1", Score(c.F1), classKey))
                .Append(Num("support", Count(c.Support), classKey))
                .Append(Num("accuracy", Score(c.Accuracy), classKey))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n<figure>").Append(SvgCharts.PerClassBars(m, e.Model.Name))
            .Append("<figcaption>Precision, recall and F1 per class (0 to 1).</figcaption></figure>\n</div>\n");

        html.Append("<div class=\"row\">\n<div>\n<h4>Confusion matrix</h4>\n<div class=\"wide\"><table class=\"confusion\">\n<thead><tr><th>true \\ predicted</th>");
        foreach (var label in m.Labels)
        {
            html.Append("<th>").Append(E(label)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        for (var t = 0; t < m.Labels.Count; t++)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(m.Labels[t])).Append("</th>");
            for (var p = 0; p < m.Labels.Count; p++)
            {
                html.Append(Num("confusion", Count(m.ConfusionMatrix[t][p]), [.. key, ("true", m.Labels[t]), ("pred", m.Labels[p])]));
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</div>\n<figure>").Append(SvgCharts.ConfusionHeatmap(m, e.Model.Name))
            .Append("<figcaption>Rows are true labels, columns predictions; shading is the share of the true label's examples (row-normalised), with the count in each cell.</figcaption></figure>\n</div>\n");
        WriteMisclassified(html, e, index);
        html.Append("</section>\n");
    }

    private static void WriteMisclassified(StringBuilder html, Evaluation e, int index)
    {
        if (e.Misclassified is not { Count: > 0 } examples)
        {
            return;
        }

        html.Append("<h4>Misclassified examples (first ").Append(Count(examples.Count)).Append(")</h4>\n<p class=\"muted\">")
            .Append(examples.All(x => x.TextPair is not null) ? PairLegend : ShadingLegend).Append("</p>\n")
            .Append("<table class=\"misclassified\">\n<thead><tr>");
        HeaderCells(html, "Index", "Expected", "Predicted", "Confidence", "Text");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var row = 0; row < examples.Count; row++)
        {
            var x = examples[row];
            html.Append("<tr data-eval=\"").Append(Count(index)).Append("\" data-row=\"").Append(Count(row)).Append("\"><td class=\"num\">").Append(Count(x.Index))
                .Append("</td><td>").Append(E(x.Expected)).Append("</td><td>").Append(E(x.Predicted)).Append("</td><td class=\"num\">").Append(Score(x.Confidence))
                .Append("</td><td class=\"text\">");
            ShadedText(html, x.Text, x.Words);
            PairText(html, x.TextPair);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private const string PairLegend =
        "Sentence pairs: the second text follows [SEP]. Pairs are not explained (occlusion removes words of one text).";

    // A sentence pair's second text, after the first as the model reads it.
    private static void PairText(StringBuilder html, string? textPair)
    {
        if (textPair is not null)
        {
            html.Append(" <span class=\"sep\">[SEP]</span> <span class=\"pair\">").Append(E(textPair)).Append("</span>");
        }
    }

    private const string ShadingLegend =
        "Words are shaded by their contribution to the predicted label (occlusion: its probability minus the probability without the word): orange pushed towards it, blue away; hover a word for the value.";

    // The text as it is, each explained word in a span carrying its contribution; stray spans that do not fit the
    // text (a hand-edited report) are skipped rather than shown in the wrong place.
    private static void ShadedText(StringBuilder html, string text, IReadOnlyList<ExplainedWord> words)
    {
        var at = 0;
        foreach (var word in words)
        {
            if (word.Start < at || word.End > text.Length || word.End < word.Start)
            {
                continue;
            }

            var contribution = Delta(word.Contribution);
            var level = Math.Min(5, (int)Math.Ceiling(Math.Abs(word.Contribution) * 5 - 0.025));
            html.Append(E(text[at..word.Start])).Append("<span class=\"w");
            if (level > 0)
            {
                html.Append(word.Contribution > 0 ? " p" : " n").Append(Count(level));
            }

            html.Append("\" data-word=\"").Append(E(word.Word)).Append("\" data-contribution=\"").Append(contribution).Append("\" title=\"").Append(contribution)
                .Append("\">").Append(E(text[word.Start..word.End])).Append("</span>");
            at = word.End;
        }

        html.Append(E(text[at..]));
    }

    // ---- comparisons ------------------------------------------------------------------------------------------

    private static void WriteComparisons(StringBuilder html, ReportSet set)
    {
        html.Append("<section id=\"comparison\">\n<h2>Comparison</h2>\n<table class=\"comparison\">\n<thead><tr>");
        HeaderCells(html, "Baseline", "Variant", "Δ accuracy", "Δ macro F1", "Δ weighted F1", "Argmax agreement", "Flipped");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < set.Comparisons.Count; i++)
        {
            var c = set.Comparisons[i];
            (string, string)[] key = [("comparison", Count(i)), ("baseline", c.Baseline), ("variant", c.Variant)];
            html.Append("<tr><td>").Append(E(c.Baseline)).Append("</td><td>").Append(E(c.Variant)).Append("</td>")
                .Append(Num("accuracy-delta", Delta(c.AccuracyDelta), key))
                .Append(Num("macro-f1-delta", Delta(c.MacroF1Delta), key))
                .Append(Num("weighted-f1-delta", Delta(c.WeightedF1Delta), key))
                .Append(Num("agreement", Score(c.ArgmaxAgreement), key))
                .Append(Num("flipped", Count(c.Flipped.Count), key))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");

        for (var i = 0; i < set.Comparisons.Count; i++)
        {
            var c = set.Comparisons[i];
            if (c.Flipped.Count == 0)
            {
                continue;
            }

            var shown = Math.Min(ReportSet.FlippedShown, c.Flipped.Count);
            html.Append("<h3>").Append(E(c.Baseline)).Append(" → ").Append(E(c.Variant)).Append(": flipped examples (")
                .Append(shown == c.Flipped.Count ? $"all {Count(shown)}" : $"first {Count(shown)} of {Count(c.Flipped.Count)}").Append(")</h3>\n");
            var explained = c.Flipped.Take(shown).Any(f => f.BaselineWords is not null && f.VariantWords is not null);
            if (explained)
            {
                html.Append("<p class=\"muted\">").Append(ShadingLegend).Append(" Each model's words are shaded towards its own label.</p>\n");
            }

            html.Append("<table class=\"flipped\">\n<thead><tr>");
            HeaderCells(html, explained ? ["Index", "Expected", c.Baseline, c.Variant, $"Text, {c.Baseline}'s words", $"Text, {c.Variant}'s words"] : ["Index", "Expected", c.Baseline, c.Variant, "Text"]);
            html.Append("</tr></thead>\n<tbody>\n");
            for (var row = 0; row < shown; row++)
            {
                var f = c.Flipped[row];
                html.Append("<tr data-comparison=\"").Append(Count(i)).Append("\" data-row=\"").Append(Count(row)).Append("\">")
                    .Append(Num("index", Count(f.Index), [("comparison", Count(i)), ("row", Count(row))]))
                    .Append("<td>").Append(E(f.Expected)).Append("</td><td>").Append(E(f.Baseline)).Append("</td><td>").Append(E(f.Variant)).Append("</td>");
                if (!explained)
                {
                    html.Append("<td class=\"text\">").Append(E(f.Text));
                    PairText(html, f.TextPair);
                    html.Append("</td></tr>\n");
                    continue;
                }

                foreach (var (words, model) in new[] { (f.BaselineWords, "baseline"), (f.VariantWords, "variant") })
                {
                    html.Append("<td class=\"text\" data-words=\"").Append(model).Append("\">");
                    ShadedText(html, f.Text, words ?? []);
                    html.Append("</td>");
                }

                html.Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        html.Append("</section>\n");
    }

    // ---- multi-label -------------------------------------------------------------------------------------------

    private static void WriteMultiLabel(StringBuilder html, ReportSet set)
    {
        html.Append("<section id=\"multi-label\">\n<h2>Multi-label evaluation</h2>\n<div class=\"wide\"><table class=\"multi-label-metrics\">\n<thead><tr>");
        HeaderCells(html, "Model", "Data", "Examples", "Micro F1", "Macro F1", "Weighted F1", "Samples F1", "Subset accuracy", "Hamming loss", "Label cardinality",
            "Predicted cardinality");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < set.MultiLabelEvaluations.Count; i++)
        {
            var e = set.MultiLabelEvaluations[i];
            var m = e.Metrics;
            (string, string)[] key = [("ml-eval", Count(i)), ("model", e.Model.Name)];
            html.Append("<tr><th scope=\"row\">").Append(E(e.Model.Name)).Append("</th><td class=\"path\">").Append(E(e.Data.Path)).Append("</td>")
                .Append(Num("examples", Count(m.Examples), key))
                .Append(Num("micro-f1", Score(m.Micro.F1), key))
                .Append(Num("macro-f1", Score(m.Macro.F1), key))
                .Append(Num("weighted-f1", Score(m.Weighted.F1), key))
                .Append(Num("samples-f1", Score(m.Samples.F1), key))
                .Append(Num("subset-accuracy", Score(m.SubsetAccuracy), key))
                .Append(Num("hamming-loss", Score(m.HammingLoss), key))
                .Append(Num("label-cardinality", Score(m.LabelCardinality), key))
                .Append(Num("predicted-cardinality", Score(m.PredictedCardinality), key))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
        for (var i = 0; i < set.MultiLabelEvaluations.Count; i++)
        {
            WriteMultiLabelEvaluation(html, set.MultiLabelEvaluations[i], i);
        }

        if (set.MultiLabelComparisons.Count > 0)
        {
            html.Append("<h3>Variants</h3>\n<table class=\"multi-label-comparison\">\n<thead><tr>");
            HeaderCells(html, "Baseline", "Variant", "Δ micro F1", "Δ macro F1", "Δ subset accuracy", "Decision agreement", "Changed decisions");
            html.Append("</tr></thead>\n<tbody>\n");
            for (var i = 0; i < set.MultiLabelComparisons.Count; i++)
            {
                var c = set.MultiLabelComparisons[i];
                (string, string)[] key = [("ml-comparison", Count(i)), ("baseline", c.Baseline), ("variant", c.Variant)];
                html.Append("<tr><td>").Append(E(c.Baseline)).Append("</td><td>").Append(E(c.Variant)).Append("</td>")
                    .Append(Num("micro-f1-delta", Delta(c.MicroF1Delta), key))
                    .Append(Num("macro-f1-delta", Delta(c.MacroF1Delta), key))
                    .Append(Num("subset-accuracy-delta", Delta(c.SubsetAccuracyDelta), key))
                    .Append(Num("decision-agreement", Score(c.DecisionAgreement), key))
                    .Append(Num("changed-decisions", Count(c.ChangedDecisions), key))
                    .Append("</tr>\n");
            }

            html.Append("</tbody>\n</table>\n<p class=\"muted\">Decision agreement is the share of (example, label) decisions the variant leaves unchanged.</p>\n");
        }

        html.Append("</section>\n");
    }

    private static void WriteMultiLabelEvaluation(StringBuilder html, MultiLabelEvaluation e, int index)
    {
        var m = e.Metrics;
        (string, string)[] key = [("ml-eval", Count(index)), ("model", e.Model.Name)];
        html.Append("<section class=\"multi-label-evaluation\" data-ml-eval=\"").Append(Count(index)).Append("\">\n<h3>").Append(Count(index + 1)).Append(". ")
            .Append(E(e.Model.Name)).Append(" on <code>").Append(E(e.Data.Path)).Append("</code> (").Append(Count(m.Examples)).Append(" examples)</h3>\n");
        html.Append("<p class=\"muted\">Model file <code>").Append(E(e.Model.Path)).Append("</code>, <span ").Append(Attributes("file-size-mb", key)).Append('>')
            .Append(Megabytes(e.Model.FileSizeBytes)).Append("</span> MB.</p>\n");
        html.Append("<div class=\"row\">\n<div>\n<h4>Per label</h4>\n<table class=\"per-label\">\n<thead><tr>");
        HeaderCells(html, "Label", "Precision", "Recall", "F1", "Support", "Predicted", "AUROC", "Threshold");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var c = 0; c < m.PerLabel.Count; c++)
        {
            var scores = m.PerLabel[c];
            (string, string)[] labelKey = [.. key, ("label", scores.Label)];
            html.Append("<tr><th scope=\"row\">").Append(E(scores.Label)).Append("</th>")
                .Append(Num("precision", Score(scores.Precision), labelKey))
                .Append(Num("recall", Score(scores.Recall), labelKey))
                .Append(Num("f1", Score(scores.F1), labelKey))
                .Append(Num("support", Count(scores.Support), labelKey))
                .Append(Num("predicted", Count(scores.Predicted), labelKey))
                .Append(scores.Auroc is { } auroc ? Num("auroc", Score(auroc), labelKey) : MissingCell())
                .Append(m.Thresholds is { } thresholds ? Num("threshold", Score(thresholds[c]), labelKey) : MissingCell())
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n<figure>").Append(SvgCharts.MultiLabelBars(m, e.Model.Name))
            .Append("<figcaption>Precision, recall and F1 per label (0 to 1); n is the label's support, the examples that have it.</figcaption></figure>\n</div>\n</section>\n");
    }

    // ---- benchmarks -------------------------------------------------------------------------------------------

    private static void WriteBenchmarks(StringBuilder html, ReportSet set)
    {
        html.Append("<section id=\"benchmark\">\n<h2>Benchmark</h2>\n<table class=\"benchmark\">\n<thead><tr>");
        HeaderCells(html, "Model", "Load ms", "Peak working set MB", "File size MB");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < set.Benchmarks.Count; i++)
        {
            var b = set.Benchmarks[i];
            (string, string)[] key = [("benchmark", Count(i)), ("model", b.Model.Name)];
            html.Append("<tr><th scope=\"row\">").Append(E(b.Model.Name)).Append("</th>")
                .Append(Num("load-ms", Milliseconds(b.LoadMs), key))
                .Append(Num("peak-working-set-mb", Megabytes(b.PeakWorkingSetBytes), key))
                .Append(Num("file-size-mb", Megabytes(b.Model.FileSizeBytes), key))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n<h4>Latency per call (one batch)</h4>\n<div class=\"wide\"><table class=\"runs\">\n<thead><tr>");
        HeaderCells(html, "Model", "Mode", "Batch", "Seq", "Iterations", "p50 ms", "p95 ms", "p99 ms", "Mean ms", "Std ms", "Items/s");
        html.Append("</tr></thead>\n<tbody>\n");
        for (var i = 0; i < set.Benchmarks.Count; i++)
        {
            var b = set.Benchmarks[i];
            foreach (var run in b.Runs)
            {
                var key = RunKey(i, b, run);
                html.Append("<tr><th scope=\"row\">").Append(E(b.Model.Name)).Append("</th><td>").Append(E(run.Mode)).Append("</td><td class=\"num\">")
                    .Append(Count(run.Batch)).Append("</td><td class=\"num\">").Append(Sequence(run.Sequence)).Append("</td>")
                    .Append(Num("iterations", Count(run.Iterations), key))
                    .Append(Num("p50", Milliseconds(run.P50Ms), key))
                    .Append(Num("p95", Milliseconds(run.P95Ms), key))
                    .Append(Num("p99", Milliseconds(run.P99Ms), key))
                    .Append(Num("mean", Milliseconds(run.MeanMs), key))
                    .Append(Num("std", Milliseconds(run.StdMs), key))
                    .Append(Num("items-per-second", Rate(run.ItemsPerSecond), key))
                    .Append("</tr>\n");
            }
        }

        html.Append("</tbody>\n</table></div>\n<h4>Latency histograms</h4>\n<div class=\"charts\">\n");
        foreach (var b in set.Benchmarks)
        {
            foreach (var run in b.Runs)
            {
                html.Append("<figure>").Append(SvgCharts.LatencyHistogram(run, b.Model.Name)).Append("<figcaption><strong>").Append(E(b.Model.Name)).Append("</strong> · ")
                    .Append(E(run.Mode)).Append(" · batch ").Append(Count(run.Batch)).Append(" · seq ").Append(Sequence(run.Sequence)).Append(" · ")
                    .Append(Count(run.LatenciesMs.Count)).Append(" calls; lines at p50 and p95 (dashed)</figcaption></figure>\n");
            }
        }

        html.Append("</div>\n</section>\n");
    }

    private static (string, string)[] RunKey(int benchmark, BenchmarkResult b, LatencyRun run) =>
    [
        ("benchmark", Count(benchmark)), ("model", b.Model.Name), ("mode", run.Mode), ("batch", Count(run.Batch)), ("seq", Sequence(run.Sequence)),
    ];

    private static void WriteScatter(StringBuilder html, IReadOnlyList<LatencyAccuracyPoint> points)
    {
        var data = points.Select(p => p.DataPath).Distinct().ToList();
        html.Append("<section id=\"accuracy-latency\">\n<h2>Accuracy vs latency</h2>\n<figure>").Append(SvgCharts.LatencyAccuracyScatter(points))
            .Append("<figcaption>One point per model with both an evaluation and a benchmark: x is the p50 latency per call at the smallest benchmarked batch, y the accuracy on ")
            .Append(string.Join(", ", data.Select(d => "<code>" + E(d) + "</code>"))).Append(".</figcaption></figure>\n</section>\n");
    }

    // ---- quantization -----------------------------------------------------------------------------------------

    private static void WriteQuantization(StringBuilder html, QuantizationSummary q, int index, int total)
    {
        (string, string)[] key = [("quantization", Count(index))];
        html.Append("<section class=\"quantization\" data-quantization=\"").Append(Count(index)).Append("\">\n<h2>Quantization")
            .Append(total > 1 ? $" {Count(index + 1)}" : "").Append("</h2>\n<p><span class=\"badge ").Append(q.Accepted ? "accepted\">Accepted" : "refused\">Refused")
            .Append("</span> ").Append(E(q.Reason)).Append("</p>\n<table class=\"quantization-summary\">\n<thead><tr>");
        HeaderCells(html, "Measure", "Value");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var measure in QuantizationMeasures.Summary(q))
        {
            SummaryRow(html, measure.Name, measure.Metric, measure.Value is { } value ? Score(value) : null, key);
        }

        SummaryRow(html, "fp32 size MB", "fp32-size-mb", Megabytes(q.Fp32SizeBytes), key);
        SummaryRow(html, "int8 size MB", "int8-size-mb", q.Int8SizeBytes is { } s8 ? Megabytes(s8) : null, key);
        html.Append("</tbody>\n</table>\n<p>Kept in fp32: ").Append(KeptList(q.KeptFp32)).Append("</p>\n");

        if (q.Attempts.Count > 0)
        {
            html.Append("<h4>Attempts</h4>\n<table class=\"attempts\">\n<thead><tr>");
            HeaderCells(html, ["Attempt", "Kept fp32", .. QuantizationMeasures.Attempt(q, q.Attempts[0]).Select(m => m.Name), "Within budget"]);
            html.Append("</tr></thead>\n<tbody>\n");
            foreach (var a in q.Attempts)
            {
                (string, string)[] attemptKey = [.. key, ("attempt", Count(a.Attempt))];
                html.Append("<tr><td class=\"num\">").Append(Count(a.Attempt)).Append("</td><td>").Append(KeptList(a.KeptFp32)).Append("</td>");
                foreach (var measure in QuantizationMeasures.Attempt(q, a))
                {
                    html.Append(measure.Value is { } value ? Num(measure.Metric, Score(value), attemptKey) : MissingCell());
                }

                html.Append("<td>").Append(a.WithinBudget ? "yes" : "no").Append("</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n");
        }

        html.Append("</section>\n");
    }

    private static void SummaryRow(StringBuilder html, string name, string metric, string? value, (string, string)[] key) =>
        html.Append("<tr><th scope=\"row\">").Append(name).Append("</th>").Append(value is null ? MissingCell() : Num(metric, value, key)).Append("</tr>\n");

    private static string KeptList(IReadOnlyList<string> kept) =>
        kept.Count == 0 ? "none" : string.Join(", ", kept.Select(k => "<code>" + E(k) + "</code>"));

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static string E(string? text) => HtmlText.Escape(text);

    private static void HeaderCells(StringBuilder html, params string[] names)
    {
        foreach (var name in names)
        {
            html.Append("<th>").Append(E(name)).Append("</th>");
        }
    }

    private static string Num(string metric, string value, (string Name, string Value)[] key) =>
        $"<td class=\"num\" {Attributes(metric, key)}>{E(value)}</td>";

    private static string MissingCell() => $"<td class=\"num missing\">{Missing}</td>";

    private static string Attributes(string metric, (string Name, string Value)[] key)
    {
        var sb = new StringBuilder("data-metric=\"").Append(metric).Append('"');
        foreach (var (name, value) in key)
        {
            sb.Append(" data-").Append(name).Append("=\"").Append(E(value)).Append('"');
        }

        return sb.ToString();
    }
}
