using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace FastBert.Service.Tests.Triton;

/// <summary>
/// Protocol Buffers text format (what Triton reads config.pbtxt as) parsed against a message's descriptor: every
/// field name must exist in the schema, repeated fields may repeat or take a [list], maps take key/value entries,
/// enum fields take value names. The result goes through Google.Protobuf's JSON parser into the generated message
/// (C# Google.Protobuf has no text-format parser), which checks the value types.
/// </summary>
internal static class TextFormat
{
    public static T Parse<T>(string text)
        where T : IMessage<T>, new()
    {
        var tokens = new Tokens(text);
        var json = ParseFields(tokens, new T().Descriptor, endToken: null);
        return JsonParser.Default.Parse<T>(json.ToJsonString());
    }

    private static JsonObject ParseFields(Tokens tokens, MessageDescriptor descriptor, string? endToken)
    {
        var json = new JsonObject();
        while (true)
        {
            var token = tokens.Next();
            if (token is null)
            {
                if (endToken is not null)
                {
                    throw new FormatException($"missing '{endToken}' at the end of {descriptor.Name}");
                }

                return json;
            }

            if (token == endToken)
            {
                return json;
            }

            var field = descriptor.FindFieldByName(token)
                ?? throw new FormatException($"{descriptor.FullName} has no field '{token}' (line {tokens.Line})");
            var isMessage = field.FieldType == FieldType.Message;
            if (tokens.Peek() == ":")
            {
                tokens.Next();
            }
            else if (!isMessage)
            {
                throw new FormatException($"expected ':' after '{token}' (line {tokens.Line})");
            }

            var values = new List<JsonNode?>();
            if (tokens.Peek() == "[")
            {
                if (!field.IsRepeated)
                {
                    throw new FormatException($"'{token}' is not repeated; it cannot take a list (line {tokens.Line})");
                }

                tokens.Next();
                while (tokens.Peek() != "]")
                {
                    values.Add(ParseValue(tokens, field));
                    if (tokens.Peek() == ",")
                    {
                        tokens.Next();
                    }
                }

                tokens.Next();
            }
            else
            {
                values.Add(ParseValue(tokens, field));
            }

            Add(json, field, values);
        }
    }

    private static void Add(JsonObject json, FieldDescriptor field, List<JsonNode?> values)
    {
        if (field.IsMap)
        {
            var map = json[field.Name] as JsonObject ?? [];
            json[field.Name] = map;
            foreach (var entry in values.Cast<JsonObject>())
            {
                var key = entry["key"]?.ToString() ?? throw new FormatException($"a '{field.Name}' entry has no key");
                map[key] = entry["value"]?.DeepClone();
            }
        }
        else if (field.IsRepeated)
        {
            var list = json[field.Name] as JsonArray ?? [];
            json[field.Name] = list;
            foreach (var value in values)
            {
                list.Add(value);
            }
        }
        else
        {
            if (json.ContainsKey(field.Name) || values.Count != 1)
            {
                throw new FormatException($"'{field.Name}' is not repeated but is given more than once");
            }

            json[field.Name] = values[0];
        }
    }

    private static JsonNode? ParseValue(Tokens tokens, FieldDescriptor field)
    {
        if (field.FieldType == FieldType.Message)
        {
            var open = tokens.Next();
            var close = open switch
            {
                "{" => "}",
                "<" => ">",
                _ => throw new FormatException($"expected '{{' for '{field.Name}' (line {tokens.Line})"),
            };
            return ParseFields(tokens, field.MessageType, close);
        }

        var token = tokens.Next() ?? throw new FormatException($"missing value of '{field.Name}'");
        switch (field.FieldType)
        {
            case FieldType.String:
                return tokens.LastWasString ? JsonValue.Create(token) : throw new FormatException($"'{field.Name}' takes a quoted string, not {token} (line {tokens.Line})");
            case FieldType.Enum:
                return field.EnumType.FindValueByName(token) is not null
                    ? JsonValue.Create(token)
                    : throw new FormatException($"{field.EnumType.FullName} has no value '{token}' (line {tokens.Line})");
            case FieldType.Bool:
                return token is "true" or "false" ? JsonValue.Create(token == "true") : throw new FormatException($"'{field.Name}' takes true or false (line {tokens.Line})");
            default:
                if (tokens.LastWasString || !decimal.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new FormatException($"'{field.Name}' takes a number, not {token} (line {tokens.Line})");
                }

                return JsonNode.Parse(token);
        }
    }

    private sealed class Tokens(string text)
    {
        private int _position;
        private string? _peeked;
        private bool _peekedString;

        public int Line { get; private set; } = 1;

        public bool LastWasString { get; private set; }

        public string? Peek()
        {
            if (_peeked is null)
            {
                _peeked = Read(out _peekedString);
            }

            return _peeked;
        }

        public string? Next()
        {
            var token = Peek();
            LastWasString = _peekedString;
            _peeked = null;
            return token;
        }

        private string? Read(out bool isString)
        {
            isString = false;
            while (_position < text.Length)
            {
                var c = text[_position];
                if (c == '\n')
                {
                    Line++;
                    _position++;
                }
                else if (char.IsWhiteSpace(c))
                {
                    _position++;
                }
                else if (c == '#')
                {
                    while (_position < text.Length && text[_position] != '\n')
                    {
                        _position++;
                    }
                }
                else
                {
                    break;
                }
            }

            if (_position >= text.Length)
            {
                return null;
            }

            var first = text[_position];
            if ("{}[]:,<>".Contains(first, StringComparison.Ordinal))
            {
                _position++;
                return first.ToString();
            }

            if (first is '"' or '\'')
            {
                isString = true;
                var value = new StringBuilder();
                _position++;
                while (_position < text.Length && text[_position] != first)
                {
                    if (text[_position] == '\\')
                    {
                        _position++;
                    }

                    value.Append(text[_position]);
                    _position++;
                }

                if (_position >= text.Length)
                {
                    throw new FormatException($"unterminated string (line {Line})");
                }

                _position++;
                return value.ToString();
            }

            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '-' or '+' or '.'))
            {
                _position++;
            }

            if (start == _position)
            {
                throw new FormatException($"unexpected '{first}' (line {Line})");
            }

            return text[start.._position];
        }
    }
}
