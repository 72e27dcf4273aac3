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
    private readonly bool _multiLabel;
    private readonly bool _normalize;

    public LabelMatcher(IReadOnlyList<string> modelLabels, DataReadOptions options)
    {
        Labels = modelLabels;
        for (var i = 0; i < modelLabels.Count; i++)
        {
            _byName.TryAdd(modelLabels[i].Trim(), i);
        }

        _skip = new HashSet<string>(options.SkipLabels.Select(s => s.Trim()), StringComparer.OrdinalIgnoreCase);
        _dropMultiLabel = options.DropMultiLabel;
        _multiLabel = options.MultiLabel;
        _normalize = options.NormalizeLabels;
    }

    /// <summary>fast-bert's label normalisation: a label that starts with digits and '_' (<c>0_not_relevant</c>) is those digits.</summary>
    public static string Normalize(string raw)
    {
        var value = raw.Trim();
        var digits = 0;
        while (digits < value.Length && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        return digits > 0 && digits < value.Length && value[digits] == '_' ? value[..digits] : value;
    }

    public IReadOnlyList<string> Labels { get; }

    public LabelMatch Match(string raw, out int index)
    {
        index = -1;
        var value = _normalize ? Normalize(raw) : raw.Trim();
        if (_skip.Contains(raw.Trim()) || _skip.Contains(value) || (_dropMultiLabel && value.Contains('|')))
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

    /// <summary>
    /// A multi-label cell: labels separated by '|' (<c>use::editing|works-with::text</c>), each matched as by
    /// <see cref="Match"/>; an empty cell is the empty set. Duplicates collapse; the set is in label order.
    /// </summary>
    public LabelMatch MatchSet(IEnumerable<string> parts, out int[] set, out string? unknown)
    {
        var indices = new SortedSet<int>();
        unknown = null;
        foreach (var part in parts)
        {
            if (part.Trim().Length == 0)
            {
                continue;
            }

            if (Match(part, out var index) != LabelMatch.Label)
            {
                set = [];
                unknown = part.Trim();
                return _skip.Contains(unknown) ? LabelMatch.Skipped : LabelMatch.Unknown;
            }

            indices.Add(index);
        }

        set = indices.ToArray();
        return LabelMatch.Label;
    }

    public static IEnumerable<string> SplitCell(string raw) => raw.Split('|');

    /// <summary>True for a value that is a label or a value the options drop: what a label column holds.</summary>
    public bool LooksLikeLabel(string raw) => _multiLabel
        ? raw.Trim().Length > 0 && MatchSet(SplitCell(raw), out _, out _) != LabelMatch.Unknown
        : Match(raw, out _) != LabelMatch.Unknown;
}
