using System.Text.RegularExpressions;

namespace FastBert.ModelFolders;

/// <summary>
/// Whether the labels an app declares (a manifest's <c>labels:</c>) fit the model: one label per output score, and
/// when config.json names its labels, the same names in the same order. One rule for the build (an FB error at the
/// manifest's <c>labels</c> line) and the runtime (a <c>ModelLoadException</c>), so the build catches what
/// the app would otherwise hit.
/// </summary>
public static partial class LabelAgreement
{
    /// <summary>Null when <paramref name="declared"/> fits the model; else what is wrong and how to fix it.</summary>
    /// <param name="declared">The labels the manifest lists, in order.</param>
    /// <param name="modelLabels">config.json's id2label in index order; null when it has none.</param>
    /// <param name="outputWidth">How many scores model.onnx outputs; null when unknown (checkpoint not yet exported, dynamic shape).</param>
    public static string? Problem(IReadOnlyList<string> declared, IReadOnlyList<string>? modelLabels, int? outputWidth)
    {
        var count = outputWidth ?? modelLabels?.Count;
        var named = modelLabels is null ? string.Empty : $" (config.json's id2label: {string.Join(", ", modelLabels)})";
        if (count is { } expected && declared.Count != expected)
        {
            return $"the manifest lists {declared.Count} labels ({string.Join(", ", declared)}) but the model outputs {expected} scores{named}. "
                + "List exactly one label per model output, in output order.";
        }

        if (modelLabels is null || modelLabels.Count != declared.Count || AreGeneric(modelLabels)
            || modelLabels.SequenceEqual(declared, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var sameSet = modelLabels.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(declared.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        return sameSet
            ? $"the manifest's labels [{string.Join(", ", declared)}] are config.json's id2label [{string.Join(", ", modelLabels)}] in another order, which would swap predictions. Write labels: [{string.Join(", ", modelLabels)}]."
            : $"the manifest's labels [{string.Join(", ", declared)}] are not the model's [{string.Join(", ", modelLabels)}] (config.json's id2label). Write labels: [{string.Join(", ", modelLabels)}], or fix id2label in config.json if the model's names are wrong.";
    }

    /// <summary>Null when config.json's id2label fits the model's output width; else the problem.</summary>
    public static string? ModelProblem(IReadOnlyList<string>? modelLabels, int? outputWidth) =>
        modelLabels is not null && outputWidth is { } width && modelLabels.Count != width
            ? $"config.json's id2label has {modelLabels.Count} labels but model.onnx outputs {width} scores."
            : null;

    /// <summary>True for names transformers makes up when a model has none (LABEL_0, LABEL_1, …): they say nothing.</summary>
    public static bool AreGeneric(IReadOnlyList<string> labels) =>
        labels.Select((label, index) => (label, index)).All(x => GenericPattern().Match(x.label) is { Success: true } m && m.Groups[1].Value == x.index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex("^LABEL_([0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex GenericPattern();
}
