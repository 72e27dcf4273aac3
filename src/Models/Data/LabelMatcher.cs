using System.Globalization;

namespace FastBert.Models.Data;

internal enum LabelMatch
{
    Label,
    Skipped,
    Unknown,
}

/// <summary>
/// Maps a label as written in a file onto the model's label index: first by name (case-insensitive, surrounding
/// whitespace ignored), then as an integer index 0..n-1. Values listed in <see cref="DataReadOptions.SkipLabels"/> and,
/// with <see cref="DataReadOptions.DropMultiLabel"/>, values holding '|' are reported as skipped before that.
/// </summary>
internal sealed class LabelMatcher
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _skip;
    private readonly bool _dropMultiLabel;

    public LabelMatcher(IReadOnlyList<string> modelLabels, DataReadOptions options)
    {
        Labels = modelLabels;
        for (var i = 0; i < modelLabels.Count; i++)
        {
            _byName.TryAdd(modelLabels[i].Trim(), i);
        }

        _skip = new HashSet<string>(options.SkipLabels.Select(s => s.Trim()), StringComparer.OrdinalIgnoreCase);
        _dropMultiLabel = options.DropMultiLabel;
    }

    public IReadOnlyList<string> Labels { get; }

    public LabelMatch Match(string raw, out int index)
    {
        index = -1;
        var value = raw.Trim();
        if (_skip.Contains(value) || (_dropMultiLabel && value.Contains('|')))
        {
            return LabelMatch.Skipped;
        }

        if (_byName.TryGetValue(value, out index))
        {
            return LabelMatch.Label;
        }

        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) &&
            number >= 0 && number < Labels.Count)
        {
            index = number;
            return LabelMatch.Label;
        }

        index = -1;
        return LabelMatch.Unknown;
    }

    /// <summary>True for a value that is a label or a value the options drop: what a label column holds.</summary>
    public bool LooksLikeLabel(string raw) => Match(raw, out _) != LabelMatch.Unknown;
}
