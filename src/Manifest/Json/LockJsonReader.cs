using System.Globalization;
using System.Text;

namespace FastBert.Manifest.Json;

/// <summary>A lock file that is not the JSON the generator expects; the message is one sentence, positions are indexes into the text.</summary>
internal sealed class LockJsonException : Exception
{
    public LockJsonException(int start, int end, string message)
        : base(message)
    {
        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }
}

/// <summary>
/// A small strict JSON reader (RFC 8259: no comments, no trailing commas) that checks a whole lock file and keeps only
/// the top-level <c>"labels"</c> array of strings. The generator targets netstandard2.0 and bundles no JSON library, so
/// it reads the file itself. Nesting is limited (no stack overflow on hostile input).
/// </summary>
internal sealed class LockJsonReader
{
    private const int MaxDepth = 64;

    private readonly string _text;
    private int _position;

    private LockJsonReader(string text)
    {
        _text = text;
        _position = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
    }

    /// <summary>The top-level "labels" (empty when the object has none).</summary>
    /// <exception cref="LockJsonException">The text is not valid JSON, not an object, or "labels" is not an array of strings.</exception>
    public static EquatableArray<string> ReadLabels(string text)
    {
        var reader = new LockJsonReader(text);
        var labels = reader.ReadRoot();
        reader.SkipWhitespace();
        if (reader._position < text.Length)
        {
            throw reader.Error("there is more text after the closing '}'");
        }

        return labels;
    }

    private EquatableArray<string> ReadRoot()
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("the file is empty; it must be a JSON object like { \"labels\": [\"ham\", \"spam\"] }");
        }

        if (_text[_position] != '{')
        {
            var start = _position;
            SkipValue(1);
            throw new LockJsonException(start, _position, "it must be a JSON object like { \"labels\": [\"ham\", \"spam\"] }, but it is " + Kind(_text[start]));
        }

        var open = _position;
        _position++;
        EquatableArray<string>? labels = null;
        SkipWhitespace();
        if (TryRead('}'))
        {
            return EquatableArray<string>.Empty;
        }

        while (true)
        {
            EnsureNotAtEnd(open, '{', '}');
            SkipWhitespace();
            var keyStart = _position;
            var key = ReadString("a property name in double quotes");
            var keyEnd = _position;
            SkipWhitespace();
            Expect(':');
            SkipWhitespace();
            if (key == ManifestLockFile.LabelsKey)
            {
                if (labels is not null)
                {
                    throw new LockJsonException(keyStart, keyEnd, "\"labels\" appears twice");
                }

                labels = ReadLabelArray();
            }
            else
            {
                SkipValue(1);
            }

            if (AfterItem(open, '{', '}'))
            {
                return labels ?? EquatableArray<string>.Empty;
            }
        }
    }

    private EquatableArray<string> ReadLabelArray()
    {
        if (_position >= _text.Length || _text[_position] != '[')
        {
            var start = _position;
            var kind = _position < _text.Length ? Kind(_text[_position]) : "missing";
            SkipValue(1);
            throw new LockJsonException(start, _position, "\"labels\" must be an array of strings like [\"ham\", \"spam\"], but it is " + kind);
        }

        var open = _position;
        _position++;
        var labels = new List<string>();
        SkipWhitespace();
        if (TryRead(']'))
        {
            return EquatableArray<string>.Empty;
        }

        while (true)
        {
            EnsureNotAtEnd(open, '[', ']');
            if (_text[_position] != '"')
            {
                var start = _position;
                var kind = Kind(_text[_position]);
                SkipValue(2);
                throw new LockJsonException(
                    start,
                    _position,
                    "item " + (labels.Count + 1).ToString(CultureInfo.InvariantCulture) + " of \"labels\" is " + kind + ", but labels must be strings");
            }

            labels.Add(ReadString("a label in double quotes"));
            if (AfterItem(open, '[', ']'))
            {
                return labels.ToEquatableArray();
            }
        }
    }

    private void SkipValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("arrays and objects are nested more than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " levels deep");
        }

        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("a value is missing at the end of the file");
        }

        switch (_text[_position])
        {
            case '"':
                ReadString("a value");
                return;
            case '{':
            {
                var open = _position;
                _position++;
                SkipWhitespace();
                if (TryRead('}'))
                {
                    return;
                }

                while (true)
                {
                    EnsureNotAtEnd(open, '{', '}');
                    ReadString("a property name in double quotes");
                    SkipWhitespace();
                    Expect(':');
                    SkipValue(depth + 1);
                    if (AfterItem(open, '{', '}'))
                    {
                        return;
                    }
                }
            }

            case '[':
            {
                var open = _position;
                _position++;
                SkipWhitespace();
                if (TryRead(']'))
                {
                    return;
                }

                while (true)
                {
                    EnsureNotAtEnd(open, '[', ']');
                    SkipValue(depth + 1);
                    if (AfterItem(open, '[', ']'))
                    {
                        return;
                    }
                }
            }

            case 't':
                ExpectWord("true");
                return;
            case 'f':
                ExpectWord("false");
                return;
            case 'n':
                ExpectWord("null");
                return;
            default:
                SkipNumber();
                return;
        }
    }

    private string ReadString(string expected)
    {
        if (_position >= _text.Length || _text[_position] != '"')
        {
            throw ErrorAtToken("expected " + expected);
        }

        var start = _position;
        _position++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw new LockJsonException(start, _position, "this string is not closed with '\"'");
            }

            var c = _text[_position];
            if (c == '"')
            {
                _position++;
                return builder.ToString();
            }

            if (c < ' ')
            {
                throw Error("a string contains a control character; write it escaped (\\n, \\t, \\u0000)");
            }

            if (c != '\\')
            {
                builder.Append(c);
                _position++;
                continue;
            }

            _position++;
            if (_position >= _text.Length)
            {
                throw new LockJsonException(start, _position, "this string is not closed with '\"'");
            }

            var escape = _text[_position];
            _position++;
            switch (escape)
            {
                case '"' or '\\' or '/':
                    builder.Append(escape);
                    break;
                case 'b':
                    builder.Append('\b');
                    break;
                case 'f':
                    builder.Append('\f');
                    break;
                case 'n':
                    builder.Append('\n');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'u':
                    if (_position + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new LockJsonException(_position - 2, Math.Min(_text.Length, _position + 4), "'\\u' must be followed by four hexadecimal digits");
                    }

                    builder.Append((char)code);
                    _position += 4;
                    break;
                default:
                    throw new LockJsonException(_position - 2, _position, "'\\" + escape + "' is not a JSON escape");
            }
        }
    }

    private void SkipNumber()
    {
        var start = _position;
        TryRead('-');
        var digits = SkipDigits();
        if (digits == 0 || (digits > 1 && _text[start + (_text[start] == '-' ? 1 : 0)] == '0'))
        {
            _position = start;
            throw ErrorAtToken("expected a value (a string, number, object, array, true, false or null)");
        }

        if (TryRead('.') && SkipDigits() == 0)
        {
            throw Error("expected digits after '.'");
        }

        if (_position < _text.Length && _text[_position] is 'e' or 'E')
        {
            _position++;
            if (!TryRead('+'))
            {
                TryRead('-');
            }

            if (SkipDigits() == 0)
            {
                throw Error("expected digits in the exponent");
            }
        }
    }

    private int SkipDigits()
    {
        var start = _position;
        while (_position < _text.Length && _text[_position] is >= '0' and <= '9')
        {
            _position++;
        }

        return _position - start;
    }

    private void ExpectWord(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            throw ErrorAtToken("expected a value (a string, number, object, array, true, false or null)");
        }

        _position += word.Length;
    }

    /// <summary>
    /// After an item of the object or array opened at <paramref name="open"/>: reads the closing bracket (true) or a
    /// comma that another item follows (false).
    /// </summary>
    private bool AfterItem(int open, char opening, char closing)
    {
        SkipWhitespace();
        if (TryRead(closing))
        {
            return true;
        }

        EnsureNotAtEnd(open, opening, closing);
        if (_text[_position] != ',')
        {
            throw ErrorAtToken("expected ',' or '" + closing + "'");
        }

        var comma = _position;
        _position++;
        SkipWhitespace();
        if (_position < _text.Length && _text[_position] == closing)
        {
            throw new LockJsonException(comma, comma + 1, "remove this ',' before '" + closing + "'; JSON allows no trailing comma");
        }

        return false;
    }

    private void EnsureNotAtEnd(int open, char opening, char closing)
    {
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw new LockJsonException(open, open + 1, "this '" + opening + "' is not closed; add '" + closing + "' after its last item");
        }
    }

    private void Expect(char c)
    {
        if (!TryRead(c))
        {
            throw _position >= _text.Length
                ? Error("the file ends early; expected '" + c + "'")
                : ErrorAtToken("expected '" + c + "'");
        }
    }

    private bool TryRead(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\r' or '\n')
        {
            _position++;
        }
    }

    private LockJsonException Error(string message) =>
        new(_position, Math.Min(_text.Length, _position + 1), message);

    // The token at the position: a word or one character.
    private LockJsonException ErrorAtToken(string message)
    {
        var end = _position;
        while (end < _text.Length && (char.IsLetterOrDigit(_text[end]) || _text[end] is '_' or '-' or '+' or '.'))
        {
            end++;
        }

        return new LockJsonException(_position, Math.Max(end, Math.Min(_text.Length, _position + 1)), message);
    }

    private static string Kind(char first) => first switch
    {
        '{' => "an object",
        '[' => "an array",
        '"' => "a string",
        't' or 'f' => "a boolean",
        'n' => "null",
        _ => "a number",
    };
}
