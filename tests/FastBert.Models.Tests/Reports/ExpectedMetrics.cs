using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Reports;

/// <summary>
/// The report's numbers as the writers must print them (the documented formats, written out here independently of
/// the library's formatter), keyed like the HTML's data-metric elements: "metric|attr=value;attr=value" with the
/// other data-* attributes sorted by name.
/// </summary>
internal static partial class ExpectedMetrics
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Score(double v) => v.ToString("0.0000", Inv);

    public static string Delta(double v) => v.ToString("+0.0000;-0.0000;0.0000", Inv);

    public static string Ms(double v) => v.ToString("0.000", Inv);

    public static string Mb(long bytes) => (bytes / 1_000_000.0).ToString("0.00", Inv);

    public static string Rate(double v) => v.ToString("0.0", Inv);

    public static string Int(long v) => v.ToString(Inv);

    public static string Sec(double v) => v.ToString("0.0", Inv);

    public static string Lr(double v) => v.ToString("0.###e+0", Inv);

    public static string Plain(double v) => v.ToString("0.######", Inv);

    public static string Seq(int? s) => s is { } v ? Int(v) : "dynamic";

    public static string Key(string metric, params (string Name, string Value)[] attributes) =>
        metric + "|" + string.Join(";", attributes.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => $"{a.Name}={a.Value}"));

    /// <summary>Every number of the reports that the HTML must carry in a data-metric element.</summary>
    public static Dictionary<string, string> For(IReadOnlyList<Report> reports)
    {
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);

        void Add(string key, string value)
        {
            Assert.True(expected.TryAdd(key, value), $"duplicate expected key {key}");
        }

        var machines = reports.Select(r => r.Machine).Distinct().ToList();
        if (machines.Count == 1)
        {
            Add(Key("cores"), Int(machines[0].Cores));
        }
        else
        {
            for (var r = 0; r < reports.Count; r++)
            {
                Add(Key("cores", ("report", Int(r))), Int(reports[r].Machine.Cores));
            }
        }

        var trainings = reports.Where(r => r.Training is not null).Select(r => r.Training!).ToList();
        for (var i = 0; i < trainings.Count; i++)
        {
            AddTraining(trainings[i], [("training", Int(i))], Add);
        }

        var evaluations = reports.SelectMany(r => r.Evaluations).ToList();
        for (var i = 0; i < evaluations.Count; i++)
        {
            var e = evaluations[i];
            var m = e.Metrics;
            (string, string)[] k = [("eval", Int(i)), ("model", e.Model.Name)];
            Add(Key("examples", k), Int(e.Data.Examples));
            Add(Key("file-size-mb", k), Mb(e.Model.FileSizeBytes));
            Add(Key("accuracy", k), Score(m.Accuracy));
            Add(Key("macro-precision", k), Score(m.Macro.Precision));
            Add(Key("macro-recall", k), Score(m.Macro.Recall));
            Add(Key("macro-f1", k), Score(m.Macro.F1));
            Add(Key("weighted-precision", k), Score(m.Weighted.Precision));
            Add(Key("weighted-recall", k), Score(m.Weighted.Recall));
            Add(Key("weighted-f1", k), Score(m.Weighted.F1));
            if (m.Auroc is { } auroc)
            {
                Add(Key("auroc", k), Score(auroc));
            }

            Add(Key("log-loss", k), Score(m.LogLoss));
            foreach (var c in m.PerClass)
            {
                (string, string)[] ck = [.. k, ("label", c.Label)];
                Add(Key("precision", ck), Score(c.Precision));
                Add(Key("recall", ck), Score(c.Recall));
                Add(Key("f1", ck), Score(c.F1));
                Add(Key("support", ck), Int(c.Support));
                Add(Key("accuracy", ck), Score(c.Accuracy));
            }

            for (var t = 0; t < m.Labels.Count; t++)
            {
                for (var p = 0; p < m.Labels.Count; p++)
                {
                    Add(Key("confusion", [.. k, ("true", m.Labels[t]), ("pred", m.Labels[p])]), Int(m.ConfusionMatrix[t][p]));
                }
            }
        }

        var comparisons = reports.SelectMany(r => r.Comparisons).ToList();
        for (var i = 0; i < comparisons.Count; i++)
        {
            var c = comparisons[i];
            (string, string)[] k = [("comparison", Int(i)), ("baseline", c.Baseline), ("variant", c.Variant)];
            Add(Key("accuracy-delta", k), Delta(c.AccuracyDelta));
            Add(Key("macro-f1-delta", k), Delta(c.MacroF1Delta));
            Add(Key("weighted-f1-delta", k), Delta(c.WeightedF1Delta));
            Add(Key("agreement", k), Score(c.ArgmaxAgreement));
            Add(Key("flipped", k), Int(c.Flipped.Count));
            for (var row = 0; row < Math.Min(10, c.Flipped.Count); row++)
            {
                Add(Key("index", ("comparison", Int(i)), ("row", Int(row))), Int(c.Flipped[row].Index));
            }
        }

        var multiLabel = reports.SelectMany(r => r.MultiLabelEvaluations).ToList();
        for (var i = 0; i < multiLabel.Count; i++)
        {
            var e = multiLabel[i];
            var m = e.Metrics;
            (string, string)[] k = [("ml-eval", Int(i)), ("model", e.Model.Name)];
            Add(Key("examples", k), Int(m.Examples));
            Add(Key("file-size-mb", k), Mb(e.Model.FileSizeBytes));
            Add(Key("micro-f1", k), Score(m.Micro.F1));
            Add(Key("macro-f1", k), Score(m.Macro.F1));
            Add(Key("weighted-f1", k), Score(m.Weighted.F1));
            Add(Key("samples-f1", k), Score(m.Samples.F1));
            Add(Key("subset-accuracy", k), Score(m.SubsetAccuracy));
            Add(Key("hamming-loss", k), Score(m.HammingLoss));
            Add(Key("label-cardinality", k), Score(m.LabelCardinality));
            Add(Key("predicted-cardinality", k), Score(m.PredictedCardinality));
            for (var c = 0; c < m.PerLabel.Count; c++)
            {
                var l = m.PerLabel[c];
                (string, string)[] lk = [.. k, ("label", l.Label)];
                Add(Key("precision", lk), Score(l.Precision));
                Add(Key("recall", lk), Score(l.Recall));
                Add(Key("f1", lk), Score(l.F1));
                Add(Key("support", lk), Int(l.Support));
                Add(Key("predicted", lk), Int(l.Predicted));
                if (l.Auroc is { } auroc)
                {
                    Add(Key("auroc", lk), Score(auroc));
                }

                if (m.Thresholds is { } thresholds)
                {
                    Add(Key("threshold", lk), Score(thresholds[c]));
                }
            }
        }

        var multiLabelComparisons = reports.SelectMany(r => r.MultiLabelComparisons).ToList();
        for (var i = 0; i < multiLabelComparisons.Count; i++)
        {
            var c = multiLabelComparisons[i];
            (string, string)[] k = [("ml-comparison", Int(i)), ("baseline", c.Baseline), ("variant", c.Variant)];
            Add(Key("micro-f1-delta", k), Delta(c.MicroF1Delta));
            Add(Key("macro-f1-delta", k), Delta(c.MacroF1Delta));
            Add(Key("subset-accuracy-delta", k), Delta(c.SubsetAccuracyDelta));
            Add(Key("decision-agreement", k), Score(c.DecisionAgreement));
            Add(Key("changed-decisions", k), Int(c.ChangedDecisions));
        }

        var benchmarks = reports.SelectMany(r => r.Benchmarks).ToList();
        for (var i = 0; i < benchmarks.Count; i++)
        {
            var b = benchmarks[i];
            (string, string)[] k = [("benchmark", Int(i)), ("model", b.Model.Name)];
            Add(Key("load-ms", k), Ms(b.LoadMs));
            Add(Key("peak-working-set-mb", k), Mb(b.PeakWorkingSetBytes));
            Add(Key("file-size-mb", k), Mb(b.Model.FileSizeBytes));
            foreach (var run in b.Runs)
            {
                (string, string)[] rk = [.. k, ("mode", run.Mode), ("batch", Int(run.Batch)), ("seq", Seq(run.Sequence))];
                Add(Key("iterations", rk), Int(run.Iterations));
                Add(Key("p50", rk), Ms(run.P50Ms));
                Add(Key("p95", rk), Ms(run.P95Ms));
                Add(Key("p99", rk), Ms(run.P99Ms));
                Add(Key("mean", rk), Ms(run.MeanMs));
                Add(Key("std", rk), Ms(run.StdMs));
                Add(Key("items-per-second", rk), Rate(run.ItemsPerSecond));
            }
        }

        var quantizations = reports.Where(r => r.Quantization is not null).Select(r => r.Quantization!).ToList();
        for (var i = 0; i < quantizations.Count; i++)
        {
            var q = quantizations[i];
            (string, string)[] k = [("quantization", Int(i))];
            Add(Key("max-accuracy-drop", k), Score(q.MaxAccuracyDrop));
            if (q.AccuracyFp32 is { } a32)
            {
                Add(Key("accuracy-fp32", k), Score(a32));
            }

            if (q.AccuracyInt8 is { } a8)
            {
                Add(Key("accuracy-int8", k), Score(a8));
            }

            if (q.ArgmaxAgreement is { } agreement)
            {
                Add(Key("agreement", k), Score(agreement));
            }

            // A multi-label guard's figures (null for a single-label one).
            if (q.MicroF1Fp32 is { } micro32)
            {
                Add(Key("micro-f1-fp32", k), Score(micro32));
            }

            if (q.MicroF1Int8 is { } micro8)
            {
                Add(Key("micro-f1-int8", k), Score(micro8));
            }

            if (q.DecisionAgreement is { } decisions)
            {
                Add(Key("decision-agreement", k), Score(decisions));
            }

            Add(Key("fp32-size-mb", k), Mb(q.Fp32SizeBytes));
            if (q.Int8SizeBytes is { } s8)
            {
                Add(Key("int8-size-mb", k), Mb(s8));
            }

            foreach (var a in q.Attempts)
            {
                (string, string)[] ak = [.. k, ("attempt", Int(a.Attempt))];
                if (a.Accuracy is { } acc)
                {
                    Add(Key("accuracy", ak), Score(acc));
                }

                if (a.AccuracyDrop is { } drop)
                {
                    Add(Key("accuracy-drop", ak), Score(drop));
                }

                if (a.ArgmaxAgreement is { } agr)
                {
                    Add(Key("agreement", ak), Score(agr));
                }

                if (a.MicroF1 is { } micro)
                {
                    Add(Key("micro-f1", ak), Score(micro));
                }

                if (a.MicroF1Drop is { } microDrop)
                {
                    Add(Key("micro-f1-drop", ak), Score(microDrop));
                }

                if (a.DecisionAgreement is { } attemptDecisions)
                {
                    Add(Key("decision-agreement", ak), Score(attemptDecisions));
                }
            }
        }

        return expected;
    }

    private static void AddTraining(TrainingSummary t, (string, string)[] k, Action<string, string> add)
    {
        add(Key("trainable-parameters", k), Int(t.TrainableParameters));
        add(Key("total-parameters", k), Int(t.TotalParameters));
        add(Key("training-examples", k), Int(t.TrainingData.Examples));
        if (t.ValidationData is { } validation)
        {
            add(Key("validation-examples", k), Int(validation.Examples));
        }

        add(Key("completed-epochs", k), Int(t.Epochs.Count));
        if (t.KeptEpoch is { } kept)
        {
            add(Key("kept-epoch", k), Int(kept));
        }

        add(Key("total-seconds", k), Sec(t.TotalSeconds));
        var s = t.Settings;
        add(Key("setting-epochs", k), Int(s.Epochs));
        add(Key("setting-learning-rate", k), Lr(s.LearningRate));
        add(Key("setting-batch-size", k), Int(s.BatchSize));
        add(Key("setting-max-tokens", k), Int(s.MaxTokens));
        add(Key("setting-seed", k), Int(s.Seed));
        add(Key("setting-weight-decay", k), Plain(s.WeightDecay));
        add(Key("setting-warmup-ratio", k), Plain(s.WarmupRatio));
        add(Key("setting-gradient-clip", k), Plain(s.GradientClip));
        if (s.EarlyStoppingPatience is { } patience)
        {
            add(Key("setting-early-stopping-patience", k), Int(patience));
        }

        if (s.LoraRank is { } rank)
        {
            add(Key("setting-lora-rank", k), Int(rank));
        }

        if (s.LoraAlpha is { } alpha)
        {
            add(Key("setting-lora-alpha", k), Plain(alpha));
        }

        foreach (var e in t.Epochs)
        {
            (string, string)[] ek = [.. k, ("epoch", Int(e.Epoch))];
            add(Key("steps", ek), Int(e.Steps));
            add(Key("train-loss", ek), Score(e.TrainLoss));
            (string Metric, double? Value)[] measured =
            [
                ("validation-loss", e.ValidationLoss), ("accuracy", e.Accuracy), ("macro-precision", e.MacroPrecision), ("macro-recall", e.MacroRecall),
                ("macro-f1", e.MacroF1), ("weighted-f1", e.WeightedF1), ("auroc", e.Auroc),
            ];
            foreach (var (metric, value) in measured.Where(m => m.Value is not null))
            {
                add(Key(metric, ek), Score(value!.Value));
            }

            add(Key("seconds", ek), Sec(e.Seconds));
            add(Key("learning-rate", ek), Lr(e.LearningRate));
        }
    }

    /// <summary>
    /// The data-metric elements of an HTML document (source or a browser's serialised DOM): key as in
    /// <see cref="Key"/>, value the element's text. Fails on a key that occurs twice.
    /// </summary>
    public static Dictionary<string, string> Parse(string html)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match element in MetricElement().Matches(html))
        {
            var attributes = Attribute().Matches(element.Groups["attrs"].Value)
                .ToDictionary(a => a.Groups["name"].Value, a => WebUtility.HtmlDecode(a.Groups["value"].Value), StringComparer.Ordinal);
            var metric = attributes["data-metric"];
            var key = Key(metric, attributes
                .Where(a => a.Key.StartsWith("data-", StringComparison.Ordinal) && a.Key != "data-metric")
                .Select(a => (a.Key["data-".Length..], a.Value))
                .ToArray());
            var value = WebUtility.HtmlDecode(element.Groups["text"].Value).Trim();
            Assert.True(found.TryAdd(key, value), $"data-metric key {key} occurs twice");
        }

        return found;
    }

    [GeneratedRegex("""<(?<tag>[a-zA-Z][a-zA-Z0-9]*)(?<attrs>(?:\s+[^\s=>"]+(?:="[^"]*")?)*\s+data-metric="[^"]*"(?:\s+[^\s=>"]+(?:="[^"]*")?)*)\s*>(?<text>[^<]*)</\k<tag>>""")]
    private static partial Regex MetricElement();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][-a-zA-Z0-9_:.]*)=""(?<value>[^""]*)""")]
    private static partial Regex Attribute();

    /// <summary>Asserts the HTML carries exactly the expected numbers: none missing, none different, none extra.</summary>
    public static void AssertMatches(Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        var missing = expected.Keys.Except(actual.Keys).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Keys.Except(expected.Keys).Order(StringComparer.Ordinal).ToList();
        var different = expected.Where(e => actual.TryGetValue(e.Key, out var v) && v != e.Value)
            .Select(e => $"{e.Key}: expected {e.Value}, found {actual[e.Key]}").ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && different.Count == 0,
            $"data-metric mismatch.\nMissing ({missing.Count}): {string.Join(", ", missing.Take(20))}\n" +
            $"Extra ({extra.Count}): {string.Join(", ", extra.Take(20))}\nDifferent ({different.Count}): {string.Join("\n  ", different.Take(20))}");
    }
}
