using System.Globalization;
using FastBert.ModelFolders;

namespace FastBert;

/// <summary>Where a multi-label model's per-label thresholds come from: the caller's, else model.json's, else 0.5.</summary>
internal static class MultiLabelThresholds
{
    public static float[] Resolve(string directory, IReadOnlyList<string> labelNames, IReadOnlyList<float>? given, ModelDescription? description)
    {
        if (given is not null)
        {
            if (given.Count != labelNames.Count)
            {
                throw new ModelLoadException(directory, $"{given.Count} thresholds were given for the model's {labelNames.Count} labels; give one per label, in output order.");
            }

            for (var i = 0; i < given.Count; i++)
            {
                Check(directory, labelNames[i], given[i]);
            }

            return given.ToArray();
        }

        var thresholds = new float[labelNames.Count];
        for (var i = 0; i < thresholds.Length; i++)
        {
            thresholds[i] = ClassificationProblems.DefaultThreshold;
            if (description?.Thresholds is { } recorded && recorded.TryGetValue(labelNames[i], out var value))
            {
                Check(Path.Combine(directory, ModelDescription.FileName), labelNames[i], value);
                thresholds[i] = (float)value;
            }
        }

        return thresholds;
    }

    private static void Check(string path, string label, double threshold)
    {
        if (!(threshold is >= 0 and <= 1))
        {
            throw new ModelLoadException(path, string.Create(CultureInfo.InvariantCulture, $"the threshold of label '{label}' is {threshold}; a threshold is a probability between 0 and 1."));
        }
    }
}
