using System.Globalization;

namespace FastBert.Models.Reports;

/// <summary>
/// How every number in report.md and report.html is written: invariant culture, fixed decimals. The HTML puts the
/// same strings in its <c>data-metric</c> cells, so a reader (or a test) can match them against the JSON.
/// </summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Scores in [0, 1]: accuracy, precision, recall, F1, AUROC, agreement, log loss, accuracy drops (4 decimals).</summary>
    public static string Score(double value) => Number(value, "0.0000");

    /// <summary>Signed differences between a variant and the baseline (4 decimals, always with a sign unless zero).</summary>
    public static string Delta(double value) => Number(value, "+0.0000;-0.0000;0.0000");

    /// <summary>Milliseconds (3 decimals).</summary>
    public static string Milliseconds(double value) => Number(value, "0.000");

    /// <summary>Bytes as decimal megabytes (1 MB = 1,000,000 bytes; 2 decimals).</summary>
    public static string Megabytes(long bytes) => Number(bytes / 1_000_000.0, "0.00");

    /// <summary>Throughput in items per second (1 decimal).</summary>
    public static string Rate(double value) => Number(value, "0.0");

    /// <summary>Durations in seconds (1 decimal).</summary>
    public static string Seconds(double value) => Number(value, "0.0");

    /// <summary>Learning rates in scientific notation, up to 4 significant digits ("5e-5", "1.667e-5").</summary>
    public static string LearningRate(double value) => Number(value, "0.###e+0");

    /// <summary>Other hyper-parameters (weight decay, warmup ratio, clip norm, class weights…): as set, up to 6 decimals.</summary>
    public static string Setting(double value) => Number(value, "0.######");

    /// <summary>
    /// The trainable share of the parameters as a percentage: one decimal from 1% up, else up to three so a head or
    /// LoRA run's small share does not read as "0.0%".
    /// </summary>
    public static string Share(double share) => Number(share * 100, share >= 0.01 ? "0.0" : "0.0##") + "%";

    public static string Count(int value) => value.ToString(Invariant);

    public static string Count(long value) => value.ToString(Invariant);

    /// <summary>Share written as a percentage with one decimal ("98.3%"), for chart annotations only.</summary>
    public static string Percent(double share) => Number(share * 100, "0.0") + "%";

    /// <summary>Placeholder for a value the report does not have (AUROC undefined, a refused quantization's int8 size…).</summary>
    public const string Missing = "n/a";

    /// <summary>
    /// Placeholder in the per-epoch training table for a value an epoch does not have (validation metrics of a run
    /// without validation data, an undefined AUROC).
    /// </summary>
    public const string NotMeasured = "-";

    public static string Optional(double? value, Func<double, string> format) =>
        value is { } v ? format(v) : Missing;

    public static string Optional(long? value, Func<long, string> format) =>
        value is { } v ? format(v) : Missing;

    /// <summary>A fixed-sequence run's length, or "dynamic" for runs on real data with dynamic padding.</summary>
    public static string Sequence(int? sequence) => sequence is { } s ? Count(s) : "dynamic";

    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>Chart coordinates: at most two decimals, no exponent.</summary>
    public static string Coordinate(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", Invariant) : "0";

    /// <summary>An axis tick label with just enough decimals for the tick step.</summary>
    public static string Tick(double value, double step)
    {
        var decimals = 0;
        while (decimals < 6 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6)
        {
            decimals++;
        }

        return Number(value, decimals == 0 ? "0" : "0." + new string('0', decimals));
    }

    private static string Number(double value, string format)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var text = value.ToString(format, Invariant);

        // .NET writes negative values that round to zero as "-0.0000"; a report should say "0.0000".
        if (text.Length > 1 && text[0] == '-' && text.AsSpan(1).IndexOfAnyExcept("0.") < 0)
        {
            text = text[1..];
        }

        return text;
    }
}
