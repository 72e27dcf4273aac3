namespace FastBert.Manifest.Yaml;

/// <summary>
/// Turns character indexes into 0-based line/column positions with the same line breaks Roslyn's SourceText uses
/// ("\r\n", "\r", "\n", U+0085, U+2028, U+2029), so spans line up with what the IDE shows.
/// </summary>
internal sealed class LineMap
{
    private readonly int[] _lineStarts;
    private readonly int _length;

    public LineMap(string text)
    {
        _length = text.Length;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                starts.Add(i + 1);
            }
            else if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                starts.Add(i + 1);
            }
        }

        _lineStarts = starts.ToArray();
    }

    /// <summary>The span from <paramref name="start"/> to <paramref name="end"/>, clamped to the text.</summary>
    public ManifestSpan Span(int start, int end)
    {
        start = Clamp(start);
        end = Math.Max(start, Clamp(end));
        var (startLine, startColumn) = Position(start);
        var (endLine, endColumn) = Position(end);
        return new ManifestSpan(start, end - start, startLine, startColumn, endLine, endColumn);
    }

    /// <summary>0-based line index of <paramref name="index"/>.</summary>
    public int LineOf(int index) => Position(Clamp(index)).Line;

    private int Clamp(int index) => index < 0 ? 0 : index > _length ? _length : index;

    private (int Line, int Column) Position(int index)
    {
        var line = Array.BinarySearch(_lineStarts, index);
        if (line < 0)
        {
            line = ~line - 1;
        }

        return (line, index - _lineStarts[line]);
    }
}
