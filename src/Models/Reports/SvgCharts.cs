using System.Text;
using static FastBert.Models.Reports.ReportFormat;

namespace FastBert.Models.Reports;

/// <summary>
/// The charts of report.html, drawn as inline SVG (no script, no external resource): confusion-matrix heatmap,
/// per-class precision/recall/F1 bars, per-label horizontal bars of multi-label models, latency histogram with p50/p95 markers, accuracy-vs-latency scatter, and line
/// charts (per-epoch training curves).
/// Text widths are estimated from character counts, which is enough to lay out labels without overlaps.
/// </summary>
internal static class SvgCharts
{
    private const string Ink = "#1f2328";
    private const string Muted = "#57606a";
    private const string Grid = "#d8dee4";
    private const string PrecisionColour = "#4e79a7";
    private const string RecallColour = "#f28e2b";
    private const string F1Colour = "#59a14f";
    private const string P50Colour = "#d62728";
    private const string P95Colour = "#9467bd";
    private const int MaxLabelChars = 18;

    private static readonly string[] PointColours = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"];

    // ---- confusion matrix -------------------------------------------------------------------------------------

    public static string ConfusionHeatmap(ClassificationMetrics metrics, string model)
    {
        var labels = metrics.Labels;
        var n = labels.Count;
        var cell = n <= 2 ? 84.0 : n <= 4 ? 68 : n <= 8 ? 56 : Math.Max(26, 448.0 / n);
        var shown = labels.Select(l => Truncate(l, MaxLabelChars)).ToList();
        var labelWidth = shown.Select(l => TextWidth(l, 12)).DefaultIfEmpty(0).Max();
        var left = 24 + labelWidth + 10;
        const double top = 10;
        var rotate = shown.Any(l => TextWidth(l, 12) > cell - 8);
        var xLabelHeight = rotate ? labelWidth * 0.71 + 16 : 20;
        var width = left + n * cell + 16;
        var height = top + n * cell + xLabelHeight + 26;

        var svg = Begin(width, height, $"Confusion matrix of {model}");
        for (var t = 0; t < n; t++)
        {
            var row = metrics.ConfusionMatrix[t];
            var rowTotal = row.Sum(v => (long)v);
            var y = top + t * cell;
            for (var p = 0; p < n; p++)
            {
                var count = row[p];
                var share = rowTotal > 0 ? (double)count / rowTotal : 0;
                var x = left + p * cell;
                svg.Append("<g class=\"cell\"><title>").Append(HtmlText.Escape($"true {labels[t]}, predicted {labels[p]}: {Count(count)} ({Percent(share)} of {labels[t]})")).Append("</title>");
                svg.Append("<rect x=\"").Append(C(x)).Append("\" y=\"").Append(C(y)).Append("\" width=\"").Append(C(cell)).Append("\" height=\"").Append(C(cell))
                    .Append("\" fill=\"").Append(Shade(share)).Append("\" stroke=\"#ffffff\" stroke-width=\"1\"/>");
                var textColour = share > 0.5 ? "#ffffff" : Ink;
                var showShare = cell >= 48;
                var cx = x + cell / 2;
                var cy = y + cell / 2 + (showShare ? -2 : 4);
                svg.Append("<text x=\"").Append(C(cx)).Append("\" y=\"").Append(C(cy)).Append("\" text-anchor=\"middle\" font-size=\"").Append(cell >= 48 ? "14" : "11")
                    .Append("\" font-weight=\"600\" fill=\"").Append(textColour).Append("\">").Append(Count(count)).Append("</text>");
                if (showShare)
                {
                    svg.Append("<text x=\"").Append(C(cx)).Append("\" y=\"").Append(C(cy + 15)).Append("\" text-anchor=\"middle\" font-size=\"10\" fill=\"")
                        .Append(textColour).Append("\">").Append(Percent(share)).Append("</text>");
                }

                svg.Append("</g>");
            }

            // Row (true) label.
            svg.Append("<text x=\"").Append(C(left - 8)).Append("\" y=\"").Append(C(y + cell / 2 + 4)).Append("\" text-anchor=\"end\" font-size=\"12\" fill=\"")
                .Append(Ink).Append("\">").Append(TitledLabel(labels[t], shown[t])).Append("</text>");
        }

        // Column (predicted) labels.
        var labelY = top + n * cell + 14;
        for (var p = 0; p < n; p++)
        {
            var cx = left + p * cell + cell / 2;
            svg.Append("<text x=\"").Append(C(cx)).Append("\" y=\"").Append(C(labelY)).Append("\" font-size=\"12\" fill=\"").Append(Ink).Append('"');
            svg.Append(rotate
                ? $" text-anchor=\"end\" transform=\"rotate(-45 {C(cx)} {C(labelY)})\">"
                : " text-anchor=\"middle\">");
            svg.Append(TitledLabel(labels[p], shown[p])).Append("</text>");
        }

        var gridMiddleX = left + n * cell / 2;
        var gridMiddleY = top + n * cell / 2;
        svg.Append("<text x=\"").Append(C(gridMiddleX)).Append("\" y=\"").Append(C(height - 6)).Append("\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" fill=\"")
            .Append(Muted).Append("\">Predicted label</text>");
        svg.Append("<text x=\"14\" y=\"").Append(C(gridMiddleY)).Append("\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\" fill=\"").Append(Muted)
            .Append("\" transform=\"rotate(-90 14 ").Append(C(gridMiddleY)).Append(")\">True label</text>");
        return End(svg);
    }

    /// <summary>White to dark blue by the row-normalised share.</summary>
    private static string Shade(double share)
    {
        share = Math.Clamp(share, 0, 1);
        static int Mix(int from, int to, double t) => (int)Math.Round(from + (to - from) * t);
        return $"#{Mix(0xf7, 0x08, share):x2}{Mix(0xfb, 0x30, share):x2}{Mix(0xff, 0x6b, share):x2}";
    }

    // ---- per-class bars ---------------------------------------------------------------------------------------

    public static string PerClassBars(ClassificationMetrics metrics, string model)
    {
        var classes = metrics.PerClass;
        var n = classes.Count;
        var bar = n <= 3 ? 24.0 : n <= 8 ? 15 : 9;
        var gap = n <= 3 ? 28.0 : 18;
        var group = 3 * bar + gap;
        var shown = classes.Select(c => Truncate(c.Label, MaxLabelChars)).ToList();
        var rotate = shown.Any(l => TextWidth(l, 12) > group - 4);
        var labelWidth = shown.Select(l => TextWidth(l, 12)).DefaultIfEmpty(0).Max();
        const double top = 30;
        const double plotHeight = 170;
        var plotWidth = Math.Max(n * group, 250);
        var offset = (plotWidth - n * group) / 2;

        // Rotated labels hang down-left from their group's centre: leave room for the first one.
        var firstCentre = offset + gap / 2 + 1.5 * bar - 1;
        var left = rotate ? Math.Max(44, TextWidth(shown[0], 12) * 0.71 - firstCentre + 6) : 44;
        var width = left + plotWidth + 14;
        var height = top + plotHeight + (rotate ? labelWidth * 0.71 + 20 : 24);

        var svg = Begin(width, height, $"Precision, recall and F1 per class of {model}");
        double Y(double v) => top + plotHeight * (1 - Math.Clamp(v, 0, 1));

        for (var tick = 0; tick <= 5; tick++)
        {
            var v = tick / 5.0;
            svg.Append("<line x1=\"").Append(C(left)).Append("\" x2=\"").Append(C(left + plotWidth)).Append("\" y1=\"").Append(C(Y(v))).Append("\" y2=\"").Append(C(Y(v)))
                .Append("\" stroke=\"").Append(tick == 0 ? Muted : Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(left - 6)).Append("\" y=\"").Append(C(Y(v) + 4)).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(v, 0.2)).Append("</text>");
        }

        (string Name, string Colour, Func<ClassScores, double> Value)[] series =
        [
            ("Precision", PrecisionColour, c => c.Precision),
            ("Recall", RecallColour, c => c.Recall),
            ("F1", F1Colour, c => c.F1),
        ];

        for (var i = 0; i < n; i++)
        {
            var x0 = left + offset + i * group + gap / 2;
            for (var s = 0; s < series.Length; s++)
            {
                var value = series[s].Value(classes[i]);
                var x = x0 + s * bar;
                var y = Y(value);
                svg.Append("<rect x=\"").Append(C(x)).Append("\" y=\"").Append(C(y)).Append("\" width=\"").Append(C(bar - 2)).Append("\" height=\"").Append(C(top + plotHeight - y))
                    .Append("\" fill=\"").Append(series[s].Colour).Append("\"><title>")
                    .Append(HtmlText.Escape($"{classes[i].Label} {series[s].Name.ToLowerInvariant()} {Score(value)}")).Append("</title></rect>");
            }

            var cx = x0 + 1.5 * bar - 1;
            var ly = top + plotHeight + 15;
            svg.Append("<text x=\"").Append(C(cx)).Append("\" y=\"").Append(C(ly)).Append("\" font-size=\"12\" fill=\"").Append(Ink).Append('"');
            svg.Append(rotate ? $" text-anchor=\"end\" transform=\"rotate(-45 {C(cx)} {C(ly)})\">" : " text-anchor=\"middle\">");
            svg.Append(TitledLabel(classes[i].Label, shown[i])).Append("</text>");
        }

        // Legend, top left above the plot.
        var lx = left;
        foreach (var (name, colour, _) in series)
        {
            svg.Append("<rect x=\"").Append(C(lx)).Append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"").Append(colour).Append("\"/>");
            svg.Append("<text x=\"").Append(C(lx + 16)).Append("\" y=\"18\" font-size=\"12\" fill=\"").Append(Ink).Append("\">").Append(name).Append("</text>");
            lx += 16 + TextWidth(name, 12) + 16;
        }

        return End(svg);
    }

    // ---- multi-label per-label bars ---------------------------------------------------------------------------

    /// <summary>
    /// One row per label of a multi-label model: horizontal precision, recall and F1 bars (0 to 1) with the label's
    /// support (examples that have it) at the right. Each bar carries <c>data-label</c>, <c>data-series</c> and
    /// <c>data-value</c> (the score as in the tables), each support text <c>data-label</c> and <c>data-support</c>.
    /// </summary>
    public static string MultiLabelBars(MultiLabelMetrics metrics, string model)
    {
        const int maxLabelChars = 28;
        const double bar = 7;
        const double rowGap = 9;
        const double row = 3 * bar + rowGap;
        const double top = 34;
        const double plotWidth = 320;
        const double fontSize = 12;
        var labels = metrics.PerLabel;
        var shown = labels.Select(l => Truncate(l.Label, maxLabelChars)).ToList();
        var left = Math.Max(60, shown.Select(l => TextWidth(l, fontSize)).DefaultIfEmpty(0).Max() + 12);
        var supportWidth = labels.Select(l => TextWidth("n=" + Count(l.Support), 11)).DefaultIfEmpty(0).Max() + 16;
        var plotHeight = Math.Max(1, labels.Count) * row;
        var width = left + plotWidth + supportWidth;
        var height = top + plotHeight + 22;

        var svg = Begin(width, height, $"Precision, recall and F1 per label of {model}");
        double X(double v) => left + plotWidth * Math.Clamp(Finite(v, 0), 0, 1);

        for (var tick = 0; tick <= 5; tick++)
        {
            var v = tick / 5.0;
            svg.Append("<line x1=\"").Append(C(X(v))).Append("\" x2=\"").Append(C(X(v))).Append("\" y1=\"").Append(C(top)).Append("\" y2=\"").Append(C(top + plotHeight))
                .Append("\" stroke=\"").Append(tick == 0 ? Muted : Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(X(v))).Append("\" y=\"").Append(C(top + plotHeight + 15)).Append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"").Append(Muted)
                .Append("\">").Append(Tick(v, 0.2)).Append("</text>");
        }

        (string Name, string Colour, Func<LabelScores, double> Value)[] series =
        [
            ("Precision", PrecisionColour, l => l.Precision),
            ("Recall", RecallColour, l => l.Recall),
            ("F1", F1Colour, l => l.F1),
        ];

        for (var i = 0; i < labels.Count; i++)
        {
            var y0 = top + i * row + rowGap / 2;
            var label = HtmlText.Escape(labels[i].Label);
            for (var s = 0; s < series.Length; s++)
            {
                var value = series[s].Value(labels[i]);
                var name = series[s].Name.ToLowerInvariant();
                svg.Append("<rect x=\"").Append(C(left)).Append("\" y=\"").Append(C(y0 + s * bar)).Append("\" width=\"").Append(C(X(value) - left)).Append("\" height=\"").Append(C(bar - 1))
                    .Append("\" fill=\"").Append(series[s].Colour).Append("\" data-label=\"").Append(label).Append("\" data-series=\"").Append(name).Append("\" data-value=\"")
                    .Append(Score(value)).Append("\"><title>").Append(HtmlText.Escape($"{labels[i].Label} {name} {Score(value)}")).Append("</title></rect>");
            }

            var cy = y0 + 1.5 * bar + 4;
            svg.Append("<text x=\"").Append(C(left - 6)).Append("\" y=\"").Append(C(cy)).Append("\" text-anchor=\"end\" font-size=\"").Append(C(fontSize)).Append("\" fill=\"").Append(Ink).Append("\">")
                .Append(TitledLabel(labels[i].Label, shown[i])).Append("</text>");
            svg.Append("<text x=\"").Append(C(left + plotWidth + 8)).Append("\" y=\"").Append(C(cy)).Append("\" font-size=\"11\" fill=\"").Append(Muted).Append("\" data-label=\"")
                .Append(label).Append("\" data-support=\"").Append(Count(labels[i].Support)).Append("\">n=").Append(Count(labels[i].Support)).Append("</text>");
        }

        var lx = left;
        foreach (var (name, colour, _) in series)
        {
            svg.Append("<rect x=\"").Append(C(lx)).Append("\" y=\"8\" width=\"12\" height=\"12\" fill=\"").Append(colour).Append("\"/>");
            svg.Append("<text x=\"").Append(C(lx + 16)).Append("\" y=\"18\" font-size=\"12\" fill=\"").Append(Ink).Append("\">").Append(name).Append("</text>");
            lx += 16 + TextWidth(name, 12) + 16;
        }

        return End(svg);
    }

    // ---- latency histogram ------------------------------------------------------------------------------------

    public static string LatencyHistogram(LatencyRun run, string model)
    {
        const double width = 460;
        const double height = 240;
        const double left = 50;
        const double right = 18;
        const double top = 40;
        const double bottom = 42;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var title = $"Latency histogram of {model}, {run.Mode}, batch {Count(run.Batch)}, sequence {Sequence(run.Sequence)}";
        var latencies = run.LatenciesMs.Where(double.IsFinite).ToList();
        var svg = Begin(width, height, title);
        if (latencies.Count == 0)
        {
            svg.Append("<text x=\"").Append(C(width / 2)).Append("\" y=\"").Append(C(height / 2)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
                .Append("\">No raw latencies recorded</text>");
            return End(svg);
        }

        var min = Math.Min(latencies.Min(), Finite(run.P50Ms, latencies.Min()));
        var max = Math.Max(latencies.Max(), Finite(run.P95Ms, latencies.Max()));
        // About 2.5·√n bins (35 for 200 calls) before rounding the width to a round number: enough to show the shape of
        // the main mode even when a few slow outliers stretch the range.
        var targetBins = Math.Clamp((int)Math.Ceiling(2.5 * Math.Sqrt(latencies.Count)), 8, 60);
        var binWidth = NiceStep(Math.Max(max - min, Math.Max(Math.Abs(max) * 1e-3, 1e-6)) / targetBins);
        var start = Math.Floor(min / binWidth) * binWidth;
        var bins = Math.Max(1, (int)Math.Floor((max - start) / binWidth) + 1);
        var counts = new int[bins];
        foreach (var value in latencies)
        {
            counts[Math.Clamp((int)Math.Floor((value - start) / binWidth), 0, bins - 1)]++;
        }

        var end = start + bins * binWidth;
        double X(double v) => left + plotWidth * (v - start) / (end - start);
        var yTicks = NiceTicks(0, counts.Max() * 1.1, 4);
        var yMax = Math.Max(yTicks[^1], 1);
        double Y(double v) => top + plotHeight * (1 - v / yMax);

        foreach (var tick in yTicks)
        {
            svg.Append("<line x1=\"").Append(C(left)).Append("\" x2=\"").Append(C(left + plotWidth)).Append("\" y1=\"").Append(C(Y(tick))).Append("\" y2=\"").Append(C(Y(tick)))
                .Append("\" stroke=\"").Append(tick == 0 ? Muted : Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(left - 6)).Append("\" y=\"").Append(C(Y(tick) + 4)).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, Math.Max(1, yTicks.Length > 1 ? yTicks[1] - yTicks[0] : 1))).Append("</text>");
        }

        for (var b = 0; b < bins; b++)
        {
            if (counts[b] == 0)
            {
                continue;
            }

            var x = X(start + b * binWidth);
            var w = Math.Max(1, X(start + (b + 1) * binWidth) - x - 1);
            var y = Y(counts[b]);
            svg.Append("<rect x=\"").Append(C(x)).Append("\" y=\"").Append(C(y)).Append("\" width=\"").Append(C(w)).Append("\" height=\"").Append(C(top + plotHeight - y))
                .Append("\" fill=\"#8fb0d3\"><title>")
                .Append(HtmlText.Escape($"{Milliseconds(start + b * binWidth)} to {Milliseconds(start + (b + 1) * binWidth)} ms: {Count(counts[b])} calls"))
                .Append("</title></rect>");
        }

        var xTicks = NiceTicks(start, end, 5).Where(t => t >= start - 1e-9 && t <= end + 1e-9).ToArray();
        var xStep = xTicks.Length > 1 ? xTicks[1] - xTicks[0] : binWidth;
        foreach (var tick in xTicks)
        {
            var x = X(tick);
            svg.Append("<line x1=\"").Append(C(x)).Append("\" x2=\"").Append(C(x)).Append("\" y1=\"").Append(C(top + plotHeight)).Append("\" y2=\"").Append(C(top + plotHeight + 4))
                .Append("\" stroke=\"").Append(Muted).Append("\"/>");
            svg.Append("<text x=\"").Append(C(x)).Append("\" y=\"").Append(C(top + plotHeight + 16)).Append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, xStep)).Append("</text>");
        }

        svg.Append("<text x=\"").Append(C(left + plotWidth / 2)).Append("\" y=\"").Append(C(height - 6)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
            .Append("\">ms per call</text>");
        svg.Append("<text x=\"14\" y=\"").Append(C(top + plotHeight / 2)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
            .Append("\" transform=\"rotate(-90 14 ").Append(C(top + plotHeight / 2)).Append(")\">calls</text>");

        // Percentile markers; their labels sit on two rows above the plot so they never cover bars or each other.
        Marker(svg, "p50", run.P50Ms, P50Colour, dashed: false, labelY: 14);
        Marker(svg, "p95", run.P95Ms, P95Colour, dashed: true, labelY: 30);
        return End(svg);

        void Marker(StringBuilder sb, string name, double value, string colour, bool dashed, double labelY)
        {
            if (!double.IsFinite(value))
            {
                return;
            }

            var x = X(value);
            sb.Append("<line x1=\"").Append(C(x)).Append("\" x2=\"").Append(C(x)).Append("\" y1=\"").Append(C(labelY + 4)).Append("\" y2=\"").Append(C(top + plotHeight))
                .Append("\" stroke=\"").Append(colour).Append("\" stroke-width=\"2\"").Append(dashed ? " stroke-dasharray=\"5 3\"" : "").Append("/>");
            var text = $"{name} {Milliseconds(value)} ms";
            var fits = x + 5 + TextWidth(text, 11) <= width - 2;
            sb.Append("<text x=\"").Append(C(fits ? x + 5 : x - 5)).Append("\" y=\"").Append(C(labelY)).Append("\" text-anchor=\"").Append(fits ? "start" : "end")
                .Append("\" font-size=\"11\" font-weight=\"600\" fill=\"").Append(colour).Append("\">").Append(text).Append("</text>");
        }
    }

    // ---- accuracy vs latency ----------------------------------------------------------------------------------

    public static string LatencyAccuracyScatter(IReadOnlyList<LatencyAccuracyPoint> points)
    {
        const double width = 620;
        const double height = 340;
        const double left = 64;
        const double top = 18;
        const double bottom = 46;
        var sameBatch = points.Select(p => p.Batch).Distinct().Count() == 1;
        var names = points.Select(p => Truncate(p.Model, 24) + (sameBatch ? "" : $" (batch {Count(p.Batch)})")).ToList();
        var right = Math.Clamp(names.Select(n => TextWidth(n, 12)).DefaultIfEmpty(0).Max() + 24, 60, 220);
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;

        var xTicks = NiceTicks(0, Math.Max(points.Max(p => Finite(p.P50Ms, 0)) * 1.15, 1e-3), 5);
        var xEnd = xTicks[^1];
        var lo = points.Min(p => Finite(p.Accuracy, 0));
        var hi = points.Max(p => Finite(p.Accuracy, 1));
        var span = Math.Max(hi - lo, 0.004);
        var yTicks = NiceTicks(Math.Max(0, lo - span * 0.6), Math.Min(1, hi + span * 0.6), 5);
        var yStart = yTicks[0];
        var yEnd = yTicks[^1];
        double X(double v) => left + plotWidth * v / xEnd;
        double Y(double v) => top + plotHeight * (1 - (v - yStart) / (yEnd - yStart));

        var svg = Begin(width, height, "Accuracy against p50 latency per model");
        var yStep = yTicks.Length > 1 ? yTicks[1] - yTicks[0] : 0.001;
        foreach (var tick in yTicks)
        {
            svg.Append("<line x1=\"").Append(C(left)).Append("\" x2=\"").Append(C(left + plotWidth)).Append("\" y1=\"").Append(C(Y(tick))).Append("\" y2=\"").Append(C(Y(tick)))
                .Append("\" stroke=\"").Append(Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(left - 6)).Append("\" y=\"").Append(C(Y(tick) + 4)).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, yStep)).Append("</text>");
        }

        var xStep = xTicks.Length > 1 ? xTicks[1] - xTicks[0] : xEnd;
        foreach (var tick in xTicks)
        {
            svg.Append("<line x1=\"").Append(C(X(tick))).Append("\" x2=\"").Append(C(X(tick))).Append("\" y1=\"").Append(C(top)).Append("\" y2=\"").Append(C(top + plotHeight))
                .Append("\" stroke=\"").Append(Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(X(tick))).Append("\" y=\"").Append(C(top + plotHeight + 16)).Append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, xStep)).Append("</text>");
        }

        svg.Append("<rect x=\"").Append(C(left)).Append("\" y=\"").Append(C(top)).Append("\" width=\"").Append(C(plotWidth)).Append("\" height=\"").Append(C(plotHeight))
            .Append("\" fill=\"none\" stroke=\"").Append(Muted).Append("\" stroke-width=\"1\"/>");
        var xTitle = sameBatch && points.Count > 0 ? $"p50 ms per call at batch {Count(points[0].Batch)}" : "p50 ms per call at the smallest batch";
        svg.Append("<text x=\"").Append(C(left + plotWidth / 2)).Append("\" y=\"").Append(C(height - 8)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
            .Append("\">").Append(HtmlText.Escape(xTitle)).Append("</text>");
        svg.Append("<text x=\"16\" y=\"").Append(C(top + plotHeight / 2)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
            .Append("\" transform=\"rotate(-90 16 ").Append(C(top + plotHeight / 2)).Append(")\">accuracy</text>");

        // Points first, then labels placed greedily so they do not overlap each other.
        var placed = new List<(double X1, double Y1, double X2, double Y2)>();
        var order = Enumerable.Range(0, points.Count).OrderBy(i => Y(Finite(points[i].Accuracy, yStart))).ToList();
        var labels = new StringBuilder();
        foreach (var i in order)
        {
            var p = points[i];
            var px = X(Finite(p.P50Ms, 0));
            var py = Y(Finite(p.Accuracy, yStart));
            var colour = PointColours[i % PointColours.Length];
            svg.Append("<circle cx=\"").Append(C(px)).Append("\" cy=\"").Append(C(py)).Append("\" r=\"6\" fill=\"").Append(colour).Append("\" stroke=\"#ffffff\" stroke-width=\"1.5\"><title>")
                .Append(HtmlText.Escape($"{p.Model}: accuracy {Score(p.Accuracy)}, p50 {Milliseconds(p.P50Ms)} ms at batch {Count(p.Batch)}")).Append("</title></circle>");

            var name = names[i];
            var textWidth = TextWidth(name, 12);
            var toRight = px + 10 + textWidth <= width - 4;
            var x1 = toRight ? px + 10 : px - 10 - textWidth;
            var baseline = py + 4;
            foreach (var shift in new[] { 0.0, 15, -15, 30, -30, 45, -45, 60, -60 })
            {
                var candidate = (x1, py + 4 + shift - 11, x1 + textWidth, py + 4 + shift + 3);
                if (!placed.Any(b => b.X1 < candidate.Item3 && candidate.x1 < b.X2 && b.Y1 < candidate.Item4 && candidate.Item2 < b.Y2))
                {
                    baseline = py + 4 + shift;
                    placed.Add(candidate);
                    break;
                }
            }

            labels.Append("<text x=\"").Append(C(toRight ? px + 10 : px - 10)).Append("\" y=\"").Append(C(baseline)).Append("\" text-anchor=\"").Append(toRight ? "start" : "end")
                .Append("\" font-size=\"12\" font-weight=\"600\" fill=\"").Append(Ink).Append("\">").Append(HtmlText.Escape(name)).Append("</text>");
        }

        svg.Append(labels);
        return End(svg);
    }

    // ---- line chart -------------------------------------------------------------------------------------------

    /// <summary>
    /// Series over shared x values (epochs…): one <c>path</c> per series (class <c>series</c>, <c>data-series</c> its
    /// name) through its points, each also drawn as a circle with a tooltip. A missing (null or non-finite) value leaves
    /// a gap: the path starts a new segment after it. The y range is fitted to the values and clamped to
    /// [<paramref name="yLowest"/>, <paramref name="yHighest"/>]; <paramref name="fromLowest"/> starts it at
    /// <paramref name="yLowest"/> instead (losses from 0).
    /// </summary>
    public static string LineChart(
        string label,
        string xTitle,
        IReadOnlyList<double> x,
        IReadOnlyList<LineSeries> series,
        Func<double, string> format,
        double yLowest = double.NegativeInfinity,
        double yHighest = double.PositiveInfinity,
        bool fromLowest = false)
    {
        const double width = 460;
        const double height = 260;
        const double left = 56;
        const double right = 18;
        const double top = 40;
        const double bottom = 42;
        const double inset = 14;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var svg = Begin(width, height, label);

        var values = series.SelectMany(s => s.Values.Take(x.Count)).Where(v => v is { } d && double.IsFinite(d)).Select(v => v!.Value).ToList();
        if (values.Count == 0 || x.Count == 0)
        {
            svg.Append("<text x=\"").Append(C(width / 2)).Append("\" y=\"").Append(C(height / 2)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
                .Append("\">No values recorded</text>");
            return End(svg);
        }

        var yTicks = LineTicks(values.Min(), values.Max(), yLowest, yHighest, fromLowest);
        var yStart = yTicks[0];
        var yEnd = yTicks[^1];
        var yStep = yTicks.Length > 1 ? yTicks[1] - yTicks[0] : 1;
        var xMin = x.Min();
        var xMax = x.Max();
        double X(double v) => xMax > xMin ? left + inset + (plotWidth - 2 * inset) * (v - xMin) / (xMax - xMin) : left + plotWidth / 2;
        double Y(double v) => top + plotHeight * (1 - (v - yStart) / (yEnd - yStart));

        foreach (var tick in yTicks)
        {
            svg.Append("<line x1=\"").Append(C(left)).Append("\" x2=\"").Append(C(left + plotWidth)).Append("\" y1=\"").Append(C(Y(tick))).Append("\" y2=\"").Append(C(Y(tick)))
                .Append("\" stroke=\"").Append(tick == yStart ? Muted : Grid).Append("\" stroke-width=\"1\"/>");
            svg.Append("<text x=\"").Append(C(left - 6)).Append("\" y=\"").Append(C(Y(tick) + 4)).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, yStep)).Append("</text>");
        }

        foreach (var tick in XTicks(x))
        {
            svg.Append("<line x1=\"").Append(C(X(tick))).Append("\" x2=\"").Append(C(X(tick))).Append("\" y1=\"").Append(C(top + plotHeight)).Append("\" y2=\"").Append(C(top + plotHeight + 4))
                .Append("\" stroke=\"").Append(Muted).Append("\"/>");
            svg.Append("<text x=\"").Append(C(X(tick))).Append("\" y=\"").Append(C(top + plotHeight + 16)).Append("\" text-anchor=\"middle\" font-size=\"11\" fill=\"").Append(Muted).Append("\">")
                .Append(Tick(tick, 1)).Append("</text>");
        }

        svg.Append("<text x=\"").Append(C(left + plotWidth / 2)).Append("\" y=\"").Append(C(height - 6)).Append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"").Append(Muted)
            .Append("\">").Append(HtmlText.Escape(xTitle)).Append("</text>");

        foreach (var line in series)
        {
            var path = new StringBuilder();
            var points = new StringBuilder();
            var connected = false;
            for (var i = 0; i < x.Count; i++)
            {
                if (i >= line.Values.Count || line.Values[i] is not { } v || !double.IsFinite(v))
                {
                    connected = false;
                    continue;
                }

                path.Append(path.Length == 0 ? "" : " ").Append(connected ? 'L' : 'M').Append(C(X(x[i]))).Append(' ').Append(C(Y(v)));
                connected = true;
                points.Append("<circle cx=\"").Append(C(X(x[i]))).Append("\" cy=\"").Append(C(Y(v))).Append("\" r=\"3.5\" fill=\"").Append(line.Colour)
                    .Append("\" stroke=\"#ffffff\" stroke-width=\"1\"><title>").Append(HtmlText.Escape($"{line.Name}, {xTitle} {Tick(x[i], 1)}: {format(v)}"))
                    .Append("</title></circle>");
            }

            svg.Append("<path class=\"series\" data-series=\"").Append(HtmlText.Escape(line.Name)).Append("\" d=\"").Append(path).Append("\" fill=\"none\" stroke=\"")
                .Append(line.Colour).Append("\" stroke-width=\"2\" stroke-linejoin=\"round\"/>").Append(points);
        }

        // Legend, top left above the plot.
        var lx = left;
        foreach (var line in series)
        {
            svg.Append("<line x1=\"").Append(C(lx)).Append("\" x2=\"").Append(C(lx + 18)).Append("\" y1=\"14\" y2=\"14\" stroke=\"").Append(line.Colour).Append("\" stroke-width=\"2\"/>");
            svg.Append("<circle cx=\"").Append(C(lx + 9)).Append("\" cy=\"14\" r=\"3.5\" fill=\"").Append(line.Colour).Append("\"/>");
            svg.Append("<text x=\"").Append(C(lx + 24)).Append("\" y=\"18\" font-size=\"12\" fill=\"").Append(Ink).Append("\">").Append(HtmlText.Escape(line.Name)).Append("</text>");
            lx += 24 + TextWidth(line.Name, 12) + 18;
        }

        return End(svg);
    }

    /// <summary>
    /// Y ticks around the values with some headroom, clamped to the allowed range, so curves that move little (accuracy
    /// 0.97 to 0.99) are still readable instead of flat against a 0 to 1 axis.
    /// </summary>
    private static double[] LineTicks(double min, double max, double lowest, double highest, bool fromLowest)
    {
        var span = Math.Max(max - min, Math.Max(Math.Abs(max) * 0.02, 1e-3));
        var low = fromLowest && double.IsFinite(lowest) ? lowest : Math.Max(lowest, min - span * 0.25);
        var high = Math.Min(highest, max + span * 0.25);
        if (high <= low)
        {
            high = low + span;
        }

        return NiceTicks(low, high, 5);
    }

    /// <summary>Whole-number x ticks (epochs): every one up to 12, else round steps.</summary>
    private static IEnumerable<double> XTicks(IReadOnlyList<double> x)
    {
        var min = Math.Ceiling(x.Min());
        var max = Math.Floor(x.Max());
        var step = max - min <= 11 ? 1 : Math.Max(1, Math.Round(NiceStep((max - min) / 6)));
        for (var tick = Math.Ceiling(min / step) * step; tick <= max + 1e-9; tick += step)
        {
            yield return tick;
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static StringBuilder Begin(double width, double height, string label)
    {
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart\" width=\"").Append(C(Math.Ceiling(width))).Append("\" height=\"").Append(C(Math.Ceiling(height)))
            .Append("\" viewBox=\"0 0 ").Append(C(Math.Ceiling(width))).Append(' ').Append(C(Math.Ceiling(height)))
            .Append("\" role=\"img\" aria-label=\"").Append(HtmlText.Escape(label)).Append("\"><title>").Append(HtmlText.Escape(label)).Append("</title>");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</svg>").ToString();

    private static string C(double value) => Coordinate(value);

    private static double Finite(double value, double fallback) => double.IsFinite(value) ? value : fallback;

    /// <summary>A label as shown (maybe shortened), with the full label as tooltip when shortened.</summary>
    private static string TitledLabel(string full, string shown) =>
        shown == full ? HtmlText.Escape(full) : $"<tspan>{HtmlText.Escape(shown)}<title>{HtmlText.Escape(full)}</title></tspan>";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>Rough width of text in a proportional system sans-serif font.</summary>
    internal static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.6;

    internal static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalised = raw / magnitude;
        var nice = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 2.5 ? 2.5 : normalised <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>Round tick values covering [min, max] with about <paramref name="target"/> intervals.</summary>
    internal static double[] NiceTicks(double min, double max, int target)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            return [0, 1];
        }

        if (max <= min)
        {
            max = min + (min == 0 ? 1 : Math.Abs(min) * 0.1);
        }

        var step = NiceStep((max - min) / target);
        var first = Math.Floor(min / step + 1e-9) * step;
        var last = Math.Ceiling(max / step - 1e-9) * step;
        var count = (int)Math.Round((last - first) / step) + 1;
        return Enumerable.Range(0, Math.Max(2, count)).Select(i => Math.Round(first + i * step, 10)).ToArray();
    }
}

/// <summary>One line of <see cref="SvgCharts.LineChart"/>: a value (or null for none) per x value.</summary>
internal sealed record LineSeries(string Name, string Colour, IReadOnlyList<double?> Values);
