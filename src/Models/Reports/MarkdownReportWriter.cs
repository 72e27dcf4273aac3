using System.Text;
using static FastBert.Models.Reports.ReportFormat;

namespace FastBert.Models.Reports;

/// <summary>
/// Renders one or more reports as report.md: a header (machine, commands), then training, evaluation, comparison,
/// benchmark and quantization sections as GitHub-flavoured Markdown tables. Numbers use <see cref="ReportFormat"/> (invariant
/// culture, fixed decimals), the same strings the HTML report shows.
/// </summary>
public static class MarkdownReportWriter
{
    private const int MaxExampleLength = 160;

    public static string Write(IReadOnlyList<Report> reports)
    {
        var set = ReportSet.From(reports);
        var md = new StringBuilder();
        md.Append("# fastbert report\n\n");
        WriteHeader(md, set);

        for (var i = 0; i < set.Trainings.Count; i++)
        {
            WriteTraining(md, set.Trainings[i], set.Trainings.Count > 1 ? i + 1 : null);
        }

        if (set.Evaluations.Count > 0)
        {
            WriteEvaluations(md, set);
        }

        if (set.Comparisons.Count > 0)
        {
            WriteComparisons(md, set);
        }

        if (set.MultiLabelEvaluations.Count > 0)
        {
            WriteMultiLabel(md, set);
        }

        if (set.Benchmarks.Count > 0)
        {
            WriteBenchmarks(md, set);
        }

        for (var i = 0; i < set.Quantizations.Count; i++)
        {
            WriteQuantization(md, set.Quantizations[i], set.Quantizations.Count > 1 ? i + 1 : null);
        }

        if (set.IsEmpty)
        {
            md.Append("No results.\n");
        }

        return md.ToString();
    }

    private static void WriteHeader(StringBuilder md, ReportSet set)
    {
        if (set.SharedMachine is { } machine)
        {
            md.Append("**Machine:** ").Append(Text(DescribeMachine(machine))).Append("\n\n");
        }
        else if (set.Reports.Count > 0)
        {
            md.Append("**Machines:**\n\n");
            for (var i = 0; i < set.Reports.Count; i++)
            {
                md.Append(i + 1).Append(". ").Append(Text(DescribeMachine(set.Reports[i].Machine))).Append('\n');
            }

            md.Append('\n');
        }

        if (set.Reports.Count > 0)
        {
            md.Append(set.Reports.Count == 1 ? "**Command:**\n\n" : "**Commands:**\n\n");
            for (var i = 0; i < set.Reports.Count; i++)
            {
                var report = set.Reports[i];
                md.Append(i + 1).Append(". ").Append(Text(report.Kind)).Append(", ").Append(Timestamp(report.CreatedUtc))
                    .Append(": ").Append(CodeSpan(report.Command)).Append('\n');
            }

            md.Append('\n');
        }
    }

    internal static string DescribeMachine(MachineInfo machine) =>
        $"{machine.Os} · {machine.Cpu} ({Count(machine.Cores)} cores) · .NET {machine.Runtime} · ONNX Runtime {machine.OnnxRuntime}";

    private static void WriteTraining(StringBuilder md, TrainingSummary t, int? number)
    {
        md.Append("## Training").Append(number is { } n ? $" {n}" : "").Append("\n\n");
        md.Append("- Mode: ").Append(Text(t.Mode)).Append('\n');
        md.Append("- Base model: ").Append(CodeSpan(t.BaseModel)).Append(" (").Append(Text(t.ModelType)).Append(t.FromScratch ? ", from scratch" : "").Append(")\n");
        md.Append("- Labels: ").Append(string.Join(", ", t.Labels.Select(Text))).Append('\n');
        md.Append("- Parameters: ").Append(Count(t.TrainableParameters)).Append(" trainable of ").Append(Count(t.TotalParameters))
            .Append(" (").Append(Share(TrainableShare(t))).Append(")\n");
        if (t.NewlyInitialized.Count > 0)
        {
            md.Append("- Newly initialized: ").Append(string.Join(", ", t.NewlyInitialized.Select(w => CodeSpan(w ?? "")))).Append('\n');
        }

        md.Append("- Data: ").Append(DataText(t.TrainingData, CodeSpan));
        if (t.ValidationData is { } validation)
        {
            md.Append("; validation ").Append(DataText(validation, CodeSpan));
        }

        md.Append("\n- Settings: ").Append(string.Join(" · ", DescribeSettings(t.Settings).Select(s => Text(s.Name) + " " + Text(s.Value)))).Append('\n');
        md.Append("- Outcome: ").Append(Text(DescribeOutcome(t))).Append('\n');
        md.Append("- Total time: ").Append(Seconds(t.TotalSeconds)).Append(" s\n\n");

        Row(md, "Epoch", "Steps", "Train loss", "Validation loss", "Accuracy", "Macro P", "Macro R", "Macro F1", "Weighted F1", "AUROC", "Seconds", "LR");
        Separator(md, 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r');
        foreach (var e in t.Epochs)
        {
            Row(md,
                Count(e.Epoch), Count(e.Steps), Score(e.TrainLoss), Measured(e.ValidationLoss), Measured(e.Accuracy),
                Measured(e.MacroPrecision), Measured(e.MacroRecall), Measured(e.MacroF1), Measured(e.WeightedF1), Measured(e.Auroc),
                Seconds(e.Seconds), LearningRate(e.LearningRate));
        }

        md.Append('\n');
    }

    internal static double TrainableShare(TrainingSummary t) => t.TotalParameters > 0 ? (double)t.TrainableParameters / t.TotalParameters : 0;

    internal static string DataText(DataRef data, Func<string, string> path) => $"{path(data.Path)} ({Count(data.Examples)} examples)";

    /// <summary>The settings as (name, value) pairs, in the order report.md and report.html list them; the metric is the HTML's data-metric.</summary>
    internal static IReadOnlyList<(string Name, string Value, string? Metric)> DescribeSettings(TrainingSettings s)
    {
        var settings = new List<(string, string, string?)>
        {
            ("epochs", Count(s.Epochs), "setting-epochs"),
            ("learning rate", LearningRate(s.LearningRate), "setting-learning-rate"),
            ("batch", Count(s.BatchSize), "setting-batch-size"),
            ("max tokens", Count(s.MaxTokens), "setting-max-tokens"),
            ("seed", Count(s.Seed), "setting-seed"),
            ("weight decay", Setting(s.WeightDecay), "setting-weight-decay"),
            ("warmup ratio", Setting(s.WarmupRatio), "setting-warmup-ratio"),
            ("gradient clip", Setting(s.GradientClip), "setting-gradient-clip"),
            s.EarlyStoppingPatience is { } patience
                ? ("early stopping patience", Count(patience), "setting-early-stopping-patience")
                : ("early stopping", "off", null),
        };
        if (s.ClassWeights is { Count: > 0 } weights)
        {
            settings.Add(("class weights", string.Join(", ", weights.Select(Setting)), null));
        }

        if (s.LoraRank is { } rank)
        {
            settings.Add(("LoRA rank", Count(rank), "setting-lora-rank"));
        }

        if (s.LoraAlpha is { } alpha)
        {
            settings.Add(("LoRA alpha", Setting(alpha), "setting-lora-alpha"));
        }

        if (s.LoraTargets is { Count: > 0 } targets)
        {
            settings.Add(("LoRA targets", string.Join(", ", targets), null));
        }

        return settings;
    }

    internal static string DescribeOutcome(TrainingSummary t)
    {
        var kept = t.KeptEpoch is { } k ? $"kept epoch {Count(k)}" : "no epoch kept";
        return $"{t.Outcome}; {Count(t.Epochs.Count)} of {Count(t.Settings.Epochs)} epochs completed; {kept}";
    }

    private static string Measured(double? value) => value is { } v ? Score(v) : NotMeasured;

    private static void WriteEvaluations(StringBuilder md, ReportSet set)
    {
        md.Append("## Evaluation\n\n");
        Row(md, "Model", "Data", "Examples", "Accuracy", "Macro P", "Macro R", "Macro F1", "Weighted P", "Weighted R", "Weighted F1", "AUROC", "Log loss");
        Separator(md, 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r');
        foreach (var evaluation in set.Evaluations)
        {
            var m = evaluation.Metrics;
            Row(md,
                Cell(evaluation.Model.Name), Cell(evaluation.Data.Path), Count(evaluation.Data.Examples),
                Score(m.Accuracy), Score(m.Macro.Precision), Score(m.Macro.Recall), Score(m.Macro.F1),
                Score(m.Weighted.Precision), Score(m.Weighted.Recall), Score(m.Weighted.F1),
                Optional(m.Auroc, Score), Score(m.LogLoss));
        }

        md.Append('\n');

        for (var i = 0; i < set.Evaluations.Count; i++)
        {
            var evaluation = set.Evaluations[i];
            var m = evaluation.Metrics;
            md.Append("### ").Append(i + 1).Append(". ").Append(Text(evaluation.Model.Name)).Append(" on ")
                .Append(CodeSpan(evaluation.Data.Path)).Append(" (").Append(Count(evaluation.Data.Examples)).Append(" examples)\n\n");
            md.Append(Text(DescribeModel(evaluation.Model))).Append("\n\n");

            md.Append("Per class:\n\n");
            Row(md, "Label", "Precision", "Recall", "F1", "Support", "Accuracy");
            Separator(md, 'l', 'r', 'r', 'r', 'r', 'r');
            foreach (var scores in m.PerClass)
            {
                Row(md, Cell(scores.Label), Score(scores.Precision), Score(scores.Recall), Score(scores.F1), Count(scores.Support), Score(scores.Accuracy));
            }

            md.Append("\nConfusion matrix (rows: true label, columns: predicted label):\n\n");
            Row(md, [@"true \ predicted", .. m.Labels.Select(Cell)]);
            Separator(md, ['l', .. m.Labels.Select(_ => 'r')]);
            for (var t = 0; t < m.Labels.Count; t++)
            {
                Row(md, ["**" + Cell(m.Labels[t]) + "**", .. m.ConfusionMatrix[t].Select(Count)]);
            }

            md.Append('\n');
        }
    }

    private static void WriteMultiLabel(StringBuilder md, ReportSet set)
    {
        md.Append("## Multi-label evaluation\n\n");
        Row(md, "Model", "Data", "Examples", "Micro F1", "Macro F1", "Weighted F1", "Samples F1", "Subset accuracy", "Hamming loss", "Label cardinality", "Predicted cardinality");
        Separator(md, 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r');
        foreach (var evaluation in set.MultiLabelEvaluations)
        {
            var m = evaluation.Metrics;
            Row(md, Cell(evaluation.Model.Name), Cell(evaluation.Data.Path), Count(m.Examples), Score(m.Micro.F1), Score(m.Macro.F1), Score(m.Weighted.F1),
                Score(m.Samples.F1), Score(m.SubsetAccuracy), Score(m.HammingLoss), Score(m.LabelCardinality), Score(m.PredictedCardinality));
        }

        md.Append('\n');
        for (var i = 0; i < set.MultiLabelEvaluations.Count; i++)
        {
            var evaluation = set.MultiLabelEvaluations[i];
            md.Append("### ").Append(i + 1).Append(". ").Append(Text(evaluation.Model.Name)).Append(" per label\n\n");
            Row(md, "Label", "Precision", "Recall", "F1", "Support", "Predicted", "AUROC", "Threshold");
            Separator(md, 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r');
            var m = evaluation.Metrics;
            for (var c = 0; c < m.PerLabel.Count; c++)
            {
                var scores = m.PerLabel[c];
                Row(md, Cell(scores.Label), Score(scores.Precision), Score(scores.Recall), Score(scores.F1), Count(scores.Support), Count(scores.Predicted),
                    Optional(scores.Auroc, Score), m.Thresholds is { } t ? Score(t[c]) : "-");
            }

            md.Append('\n');
        }

        if (set.MultiLabelComparisons.Count > 0)
        {
            Row(md, "Variant", "Baseline", "Micro F1 Δ", "Macro F1 Δ", "Subset accuracy Δ", "Decision agreement", "Changed decisions");
            Separator(md, 'l', 'l', 'r', 'r', 'r', 'r', 'r');
            foreach (var c in set.MultiLabelComparisons)
            {
                Row(md, Cell(c.Variant), Cell(c.Baseline), Delta(c.MicroF1Delta), Delta(c.MacroF1Delta), Delta(c.SubsetAccuracyDelta), Score(c.DecisionAgreement), Count(c.ChangedDecisions));
            }

            md.Append('\n');
        }
    }

    internal static string DescribeModel(ModelRef model)
    {
        var parts = new List<string> { $"Model file: {model.Path}", $"{Megabytes(model.FileSizeBytes)} MB" };
        if (!string.IsNullOrEmpty(model.GraphForm))
        {
            parts.Add($"graph: {model.GraphForm}");
        }

        if (!string.IsNullOrEmpty(model.Quantization))
        {
            parts.Add($"quantization: {model.Quantization}");
        }

        return string.Join(", ", parts) + ".";
    }

    private static void WriteComparisons(StringBuilder md, ReportSet set)
    {
        md.Append("## Comparison\n\n");
        Row(md, "Baseline", "Variant", "Δ accuracy", "Δ macro F1", "Δ weighted F1", "Argmax agreement", "Flipped");
        Separator(md, 'l', 'l', 'r', 'r', 'r', 'r', 'r');
        foreach (var c in set.Comparisons)
        {
            Row(md, Cell(c.Baseline), Cell(c.Variant), Delta(c.AccuracyDelta), Delta(c.MacroF1Delta), Delta(c.WeightedF1Delta), Score(c.ArgmaxAgreement), Count(c.Flipped.Count));
        }

        md.Append('\n');

        foreach (var c in set.Comparisons.Where(c => c.Flipped.Count > 0))
        {
            var shown = Math.Min(ReportSet.FlippedShown, c.Flipped.Count);
            md.Append("### ").Append(Text(c.Baseline)).Append(" → ").Append(Text(c.Variant)).Append(": flipped examples (")
                .Append(shown == c.Flipped.Count ? $"all {Count(shown)}" : $"first {Count(shown)} of {Count(c.Flipped.Count)}")
                .Append(")\n\n");
            Row(md, "Index", "Expected", Cell(c.Baseline), Cell(c.Variant), "Text");
            Separator(md, 'r', 'l', 'l', 'l', 'l');
            foreach (var f in c.Flipped.Take(shown))
            {
                Row(md, Count(f.Index), Cell(f.Expected), Cell(f.Baseline), Cell(f.Variant), Cell(Shorten(f.TextPair is null ? f.Text : $"{f.Text} [SEP] {f.TextPair}")));
            }

            md.Append('\n');
        }
    }

    private static void WriteBenchmarks(StringBuilder md, ReportSet set)
    {
        md.Append("## Benchmark\n\n");
        Row(md, "Model", "Load ms", "Peak working set MB", "File size MB");
        Separator(md, 'l', 'r', 'r', 'r');
        foreach (var b in set.Benchmarks)
        {
            Row(md, Cell(b.Model.Name), Milliseconds(b.LoadMs), Megabytes(b.PeakWorkingSetBytes), Megabytes(b.Model.FileSizeBytes));
        }

        md.Append("\nLatency per call (one batch):\n\n");
        Row(md, "Model", "Mode", "Batch", "Seq", "Iterations", "p50 ms", "p95 ms", "p99 ms", "Mean ms", "Std ms", "Items/s");
        Separator(md, 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r');
        foreach (var b in set.Benchmarks)
        {
            foreach (var run in b.Runs)
            {
                Row(md, Cell(b.Model.Name), Cell(run.Mode), Count(run.Batch), Sequence(run.Sequence), Count(run.Iterations),
                    Milliseconds(run.P50Ms), Milliseconds(run.P95Ms), Milliseconds(run.P99Ms), Milliseconds(run.MeanMs), Milliseconds(run.StdMs),
                    Rate(run.ItemsPerSecond));
            }
        }

        md.Append('\n');
    }

    private static void WriteQuantization(StringBuilder md, QuantizationSummary q, int? number)
    {
        md.Append("## Quantization").Append(number is { } n ? $" {n}" : "").Append("\n\n");
        md.Append(q.Accepted ? "**Accepted**" : "**Refused**").Append(": ").Append(Text(q.Reason)).Append("\n\n");
        Row(md, "Measure", "Value");
        Separator(md, 'l', 'r');
        foreach (var measure in QuantizationMeasures.Summary(q))
        {
            Row(md, measure.Name, Optional(measure.Value, Score));
        }

        Row(md, "fp32 size MB", Megabytes(q.Fp32SizeBytes));
        Row(md, "int8 size MB", Optional(q.Int8SizeBytes, Megabytes));
        md.Append("\nKept in fp32: ").Append(KeptList(q.KeptFp32)).Append("\n\n");

        if (q.Attempts.Count > 0)
        {
            md.Append("Attempts:\n\n");
            Row(md, ["Attempt", "Kept fp32", .. QuantizationMeasures.Attempt(q, q.Attempts[0]).Select(m => m.Name), "Within budget"]);
            Separator(md, 'r', 'l', 'r', 'r', 'r', 'l');
            foreach (var a in q.Attempts)
            {
                Row(md, [Count(a.Attempt), KeptList(a.KeptFp32), .. QuantizationMeasures.Attempt(q, a).Select(m => Optional(m.Value, Score)), a.WithinBudget ? "yes" : "no"]);
            }

            md.Append('\n');
        }
    }

    private static string KeptList(IReadOnlyList<string> kept) =>
        kept.Count == 0 ? "none" : string.Join(", ", kept.Select(k => CodeSpan(k ?? "")));

    private static void Row(StringBuilder md, params string[] cells)
    {
        md.Append('|');
        foreach (var cell in cells)
        {
            md.Append(' ').Append(cell).Append(" |");
        }

        md.Append('\n');
    }

    private static void Separator(StringBuilder md, params char[] alignments)
    {
        md.Append('|');
        foreach (var alignment in alignments)
        {
            md.Append(alignment == 'r' ? " ---: |" : " --- |");
        }

        md.Append('\n');
    }

    private static string Shorten(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= MaxExampleLength ? oneLine : oneLine[..(MaxExampleLength - 1)].TrimEnd() + "…";
    }

    /// <summary>Text inside a table cell: one line, Markdown punctuation and the column separator escaped.</summary>
    private static string Cell(string text) => Text(text);

    /// <summary>Text outside code: line breaks become spaces, characters Markdown or embedded HTML would act on are escaped.</summary>
    internal static string Text(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                case '\\' or '|' or '<' or '>' or '*' or '_' or '`' or '[' or ']' or '&' or '~':
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(char.IsControl(c) ? '\uFFFD' : c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// An inline code span: fenced with one more backtick than the longest run inside, padded when the text starts or
    /// ends with a backtick. Pipes are escaped so the span can sit in a table cell.
    /// </summary>
    internal static string CodeSpan(string text)
    {
        var line = text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
        var longest = 0;
        var run = 0;
        foreach (var c in line)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', longest + 1);
        var pad = line.StartsWith('`') || line.EndsWith('`') ? " " : "";
        return fence + pad + line.Replace("|", @"\|") + pad + fence;
    }
}
