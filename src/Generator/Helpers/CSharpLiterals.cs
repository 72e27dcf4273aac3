using System.Globalization;
using System.Text;

namespace FastBert.Generator.Helpers;

/// <summary>Turns manifest text into C# string literals and XML documentation text, whatever characters it holds.</summary>
internal static class CSharpLiterals
{
    /// <summary>
    /// A regular C# string literal with quotes. Quotes and backslashes are escaped; control, format, line and
    /// paragraph separator, private-use and unpaired surrogate characters become <c>\uXXXX</c> escapes
    /// (so the literal stays on one line, shows no hidden bidirectional text and survives UTF-8); other characters,
    /// including surrogate pairs, are kept as written.
    /// </summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    continue;
                case '\\':
                    builder.Append("\\\\");
                    continue;
                case '\0':
                    builder.Append("\\0");
                    continue;
                case '\a':
                    builder.Append("\\a");
                    continue;
                case '\b':
                    builder.Append("\\b");
                    continue;
                case '\f':
                    builder.Append("\\f");
                    continue;
                case '\n':
                    builder.Append("\\n");
                    continue;
                case '\r':
                    builder.Append("\\r");
                    continue;
                case '\t':
                    builder.Append("\\t");
                    continue;
                case '\v':
                    builder.Append("\\v");
                    continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[i + 1]);
                i++;
                continue;
            }

            if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                continue;
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }

    /// <summary>Text for an XML doc comment: the C# literal form (so it is one safe line), with &amp;, &lt; and &gt; escaped.</summary>
    public static string XmlDoc(string value)
    {
        var literal = String(value);
        return literal.Substring(1, literal.Length - 2).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
    }

    private static bool NeedsEscape(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                or UnicodeCategory.Surrogate => true,
            _ => false,
        };
}
