using System.Text;

namespace FastBert.Generator.Helpers;

/// <summary>
/// A small indented writer for generated C#: four-space indents, "\n" line ends (the same output on every OS),
/// blocks opened and closed with braces.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes <paramref name="line"/> at the current indentation (an empty line stays empty).</summary>
    public SourceWriter WriteLine(string line)
    {
        if (line.Length > 0)
        {
            for (var i = 0; i < _indent; i++)
            {
                _builder.Append(IndentUnit);
            }

            _builder.Append(line);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes an empty line.</summary>
    public SourceWriter WriteLine() => WriteLine(string.Empty);

    /// <summary>Writes "{" and indents what follows.</summary>
    public SourceWriter OpenBlock()
    {
        WriteLine("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes "}" followed by <paramref name="suffix"/> (e.g. "," or ";").</summary>
    public SourceWriter CloseBlock(string suffix = "")
    {
        Unindent();
        return WriteLine("}" + suffix);
    }

    /// <summary>Indents the following lines one level more.</summary>
    public SourceWriter Indent()
    {
        _indent++;
        return this;
    }

    /// <summary>Indents the following lines one level less.</summary>
    public SourceWriter Unindent()
    {
        if (_indent == 0)
        {
            throw new InvalidOperationException("More blocks were closed than opened.");
        }

        _indent--;
        return this;
    }

    /// <summary>The text written so far.</summary>
    public override string ToString() => _builder.ToString();
}
