using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace FastBert.Manifest.Yaml;

/// <summary>A node of the small YAML tree the manifest parser validates; spans are character indexes into the text.</summary>
internal abstract class YamlValue
{
    protected YamlValue(int start, int end)
    {
        Start = start;
        End = end;
    }

    /// <summary>Index of the node's first character.</summary>
    public int Start { get; }

    /// <summary>Index just after the node's last character (trailing blank lines and comments excluded).</summary>
    public int End { get; internal set; }

    /// <summary>"a mapping", "a list", "empty", "the text 'abc'": how messages describe what was written.</summary>
    public abstract string Describe();

    /// <summary>A copy of this node located at an alias (<c>*name</c>), so problems are reported where the alias is.</summary>
    public abstract YamlValue At(int start, int end);
}

internal sealed class YamlScalarValue : YamlValue
{
    public YamlScalarValue(string value, ScalarStyle style, int start, int end)
        : base(start, end)
    {
        Value = value;
        Style = style;
    }

    public string Value { get; }

    public ScalarStyle Style { get; }

    /// <summary>True for unquoted scalars, whose text may mean a number, a boolean or null.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>True for YAML's null: nothing, <c>~</c> or <c>null</c>, unquoted.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() =>
        IsNull ? "empty"
        : IsPlain ? "the text '" + Value + "'"
        : "the quoted text '" + Value + "'";

    public override YamlValue At(int start, int end) => new YamlScalarValue(Value, Style, start, end);
}

internal sealed class YamlSequenceValue : YamlValue
{
    public YamlSequenceValue(bool isFlow, int start, List<YamlValue> items)
        : base(start, start)
    {
        IsFlow = isFlow;
        Items = items;
    }

    public bool IsFlow { get; }

    public List<YamlValue> Items { get; }

    public override string Describe() => "a list";

    public override YamlValue At(int start, int end) => new YamlSequenceValue(IsFlow, start, Items) { End = end };
}

internal sealed class YamlMappingValue : YamlValue
{
    public YamlMappingValue(bool isFlow, int start, List<KeyValuePair<YamlValue, YamlValue>> entries)
        : base(start, start)
    {
        IsFlow = isFlow;
        Entries = entries;
    }

    public bool IsFlow { get; }

    public List<KeyValuePair<YamlValue, YamlValue>> Entries { get; }

    public override string Describe() => "a mapping";

    public override YamlValue At(int start, int end) => new YamlMappingValue(IsFlow, start, Entries) { End = end };
}

/// <summary>
/// The text cannot be read as one YAML document: a syntax error from YamlDotNet, an alias without anchor or a second
/// document. Positions are indexes into the manifest text; the message is the user-facing FB0001 message.
/// </summary>
internal sealed class YamlReadException : Exception
{
    public YamlReadException(int start, int end, string message)
        : base(message)
    {
        Start = start;
        End = end;
    }

    public int Start { get; }

    public int End { get; }
}

/// <summary>
/// Builds a <see cref="YamlValue"/> tree from YamlDotNet's parser events, keeping every node's position.
/// Iterative (no recursion, so deeply nested input cannot overflow the stack); aliases resolve to copies of the
/// anchored node placed at the alias, never expanded recursively.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>Deepest nesting of '[' and '{' accepted; a manifest needs three levels at most.</summary>
    internal const int MaxFlowNesting = 100;

    /// <summary>Reads the manifest's single document.</summary>
    /// <returns>The root node, or <see langword="null"/> when the text has no document (empty or only comments).</returns>
    /// <exception cref="YamlReadException">The text is not valid YAML, has an unknown alias or a second document.</exception>
    public static YamlValue? Read(string text)
    {
        CheckFlowNesting(text);
        try
        {
            return ReadCore(text);
        }
        catch (YamlException exception)
        {
            var offset = BomLength(text);
            var start = (int)exception.Start.Index + offset;
            var end = (int)exception.End.Index + offset;

            // YamlDotNet reports a tab used as indentation at the start of the text; point at the tab instead.
            if (start <= offset && exception.Message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                var tab = FindTabIndentation(text);
                if (tab >= 0)
                {
                    start = tab;
                    end = tab + 1;
                }
            }

            throw new YamlReadException(start, end, ManifestMessages.YamlSyntaxError(exception.Message));
        }
    }

    /// <summary>
    /// YamlDotNet's scanner takes time quadratic in the nesting depth of flow collections ('[' and '{'), so deeply
    /// nested input is refused before parsing. The scan is approximate (it skips comments and quoted text) and the
    /// limit is far above what a manifest needs.
    /// </summary>
    private static void CheckFlowNesting(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var previous = i == 0 ? '\n' : text[i - 1];
            var startsNode = previous is ' ' or '\t' or '\n' or '\r' or '[' or '{' or ',' or ':' or '\uFEFF';
            switch (c)
            {
                case '#' when previous is ' ' or '\t' or '\n' or '\r' or '\uFEFF':
                    i = SkipUntilLineEnd(text, i);
                    break;
                case '"' when startsNode:
                    i = SkipDoubleQuoted(text, i);
                    break;
                case '\'' when startsNode:
                    i = SkipSingleQuoted(text, i);
                    break;
                case '[' or '{':
                    depth++;
                    if (depth > MaxFlowNesting)
                    {
                        throw new YamlReadException(i, i + 1, ManifestMessages.TooDeeplyNested(MaxFlowNesting));
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }
    }

    private static int SkipUntilLineEnd(string text, int i)
    {
        while (i + 1 < text.Length && text[i + 1] is not ('\n' or '\r'))
        {
            i++;
        }

        return i;
    }

    private static int SkipDoubleQuoted(string text, int i)
    {
        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return text.Length;
    }

    private static int SkipSingleQuoted(string text, int i)
    {
        for (i++; i < text.Length; i++)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return text.Length;
    }

    /// <summary>Index of the first tab in a line's indentation (before its first other character), or -1.</summary>
    private static int FindTabIndentation(string text)
    {
        var lineStart = true;
        var tab = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                lineStart = true;
                tab = -1;
            }
            else if (lineStart && c == '\t')
            {
                tab = tab < 0 ? i : tab;
            }
            else if (lineStart && c is not (' ' or '\uFEFF'))
            {
                if (tab >= 0)
                {
                    return tab;
                }

                lineStart = false;
            }
        }

        return -1;
    }

    private static int BomLength(string text) => text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

    private static YamlValue? ReadCore(string text)
    {
        // YamlDotNet keeps a byte order mark as content ("\uFEFFclassifier" would be an unknown key), so skip it and
        // shift every position back by one.
        var offset = BomLength(text);
        var parser = new Parser(new StringReader(offset == 0 ? text : text.Substring(offset)));
        var anchors = new Dictionary<string, YamlValue>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        YamlValue? root = null;
        var documents = 0;

        var lastEnd = offset;
        while (MoveNext(parser, text, stack, lastEnd))
        {
            var current = parser.Current!;
            lastEnd = (int)current.End.Index + offset;
            var start = (int)current.Start.Index + offset;
            switch (current)
            {
                case DocumentStart:
                    documents++;
                    if (documents > 1)
                    {
                        throw new YamlReadException(start, (int)current.End.Index + offset, ManifestMessages.SecondDocument());
                    }

                    break;

                case Scalar scalar:
                    {
                        var node = new YamlScalarValue(scalar.Value, scalar.Style, start, (int)scalar.End.Index + offset);
                        Remember(anchors, scalar, node);
                        Add(stack, node, ref root);
                        break;
                    }

                case AnchorAlias alias:
                    {
                        var name = alias.Value.Value;
                        var end = (int)alias.End.Index + offset;
                        if (!anchors.TryGetValue(name, out var target))
                        {
                            throw new YamlReadException(start, end, ManifestMessages.UnknownAlias(name));
                        }

                        Add(stack, target.At(start, end), ref root);
                        break;
                    }

                case SequenceStart sequenceStart:
                    {
                        var node = new YamlSequenceValue(sequenceStart.Style == SequenceStyle.Flow, start, new List<YamlValue>());
                        Remember(anchors, sequenceStart, node);
                        stack.Push(new Frame(node));
                        break;
                    }

                case MappingStart mappingStart:
                    {
                        var node = new YamlMappingValue(mappingStart.Style == MappingStyle.Flow, start, new List<KeyValuePair<YamlValue, YamlValue>>());
                        Remember(anchors, mappingStart, node);
                        stack.Push(new Frame(node));
                        break;
                    }

                case SequenceEnd:
                case MappingEnd:
                    {
                        var frame = stack.Pop();
                        var node = frame.Node;
                        node.End = ContentEnd(text, node, start);
                        Add(stack, node, ref root);
                        break;
                    }
            }
        }

        return root;
    }

    /// <summary>
    /// Advances the parser. YamlDotNet throws <see cref="YamlException"/> for syntax errors, but on some invalid input
    /// (an unclosed '[' followed by a new key) it fails with other exceptions; those are syntax errors too, reported
    /// at the unclosed bracket when there is one, else after the last node read.
    /// </summary>
    private static bool MoveNext(Parser parser, string text, Stack<Frame> stack, int lastEnd)
    {
        try
        {
            return parser.MoveNext();
        }
        catch (Exception exception) when (exception is not YamlException)
        {
            foreach (var frame in stack)
            {
                if (frame.Node is YamlSequenceValue { IsFlow: true } or YamlMappingValue { IsFlow: true }
                    && frame.Node.Start < text.Length
                    && text[frame.Node.Start] is '[' or '{')
                {
                    var bracket = text[frame.Node.Start];
                    throw new YamlReadException(frame.Node.Start, frame.Node.Start + 1, ManifestMessages.UnclosedBracket(bracket, bracket == '[' ? ']' : '}'));
                }
            }

            throw new YamlReadException(lastEnd, lastEnd, ManifestMessages.YamlSyntaxError(exception.Message));
        }
    }

    private static void Remember(Dictionary<string, YamlValue> anchors, NodeEvent nodeEvent, YamlValue node)
    {
        if (!nodeEvent.Anchor.IsEmpty)
        {
            anchors[nodeEvent.Anchor.Value] = node;
        }
    }

    private static void Add(Stack<Frame> stack, YamlValue node, ref YamlValue? root)
    {
        if (stack.Count == 0)
        {
            root = node;
            return;
        }

        var frame = stack.Peek();
        switch (frame.Node)
        {
            case YamlSequenceValue sequence:
                sequence.Items.Add(node);
                break;
            case YamlMappingValue mapping when frame.PendingKey is null:
                frame.PendingKey = node;
                break;
            case YamlMappingValue mapping:
                mapping.Entries.Add(new KeyValuePair<YamlValue, YamlValue>(frame.PendingKey!, node));
                frame.PendingKey = null;
                break;
        }
    }

    // Block collections "end" where the next token starts (often the next line), so a block collection ends with
    // its last child; flow collections end after their closing bracket.
    private static int ContentEnd(string text, YamlValue node, int endEventStart)
    {
        var isFlow = node is YamlSequenceValue { IsFlow: true } or YamlMappingValue { IsFlow: true };
        if (isFlow && endEventStart < text.Length && text[endEventStart] is ']' or '}')
        {
            return endEventStart + 1;
        }

        var last = node switch
        {
            YamlSequenceValue sequence when sequence.Items.Count > 0 => sequence.Items[sequence.Items.Count - 1],
            YamlMappingValue mapping when mapping.Entries.Count > 0 => mapping.Entries[mapping.Entries.Count - 1].Value,
            _ => null,
        };

        return Math.Max(node.Start, last?.End ?? node.Start);
    }

    private sealed class Frame
    {
        public Frame(YamlValue node) => Node = node;

        public YamlValue Node { get; }

        public YamlValue? PendingKey { get; set; }
    }
}
