namespace FastBert.Manifest;

/// <summary>
/// Where something is in a manifest's text: the absolute character range and its 0-based line/column positions
/// (the shape Roslyn's <c>TextSpan</c> and <c>LinePositionSpan</c> want). A value, so models that hold spans stay
/// value-equatable.
/// </summary>
/// <param name="StartIndex">0-based index of the first character (UTF-16 code units from the start of the text).</param>
/// <param name="Length">Number of characters; 0 marks a point.</param>
/// <param name="StartLine">0-based line of the first character.</param>
/// <param name="StartColumn">0-based column of the first character.</param>
/// <param name="EndLine">0-based line of the position just after the last character.</param>
/// <param name="EndColumn">0-based column of the position just after the last character.</param>
public readonly record struct ManifestSpan(int StartIndex, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    /// <summary>The start of the text, zero length (used for problems about the whole manifest).</summary>
    public static ManifestSpan DocumentStart { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Index just after the last character.</summary>
    public int EndIndex => StartIndex + Length;

    /// <summary>"(line,column)" 1-based, as compilers print positions.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"({StartLine + 1},{StartColumn + 1})-({EndLine + 1},{EndColumn + 1})");
}
