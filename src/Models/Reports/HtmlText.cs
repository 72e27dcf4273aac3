using System.Text;

namespace FastBert.Models.Reports;

/// <summary>Escaping for text and attribute values in report.html (including its inline SVG).</summary>
internal static class HtmlText
{
    /// <summary>
    /// Escapes markup characters (&amp; &lt; &gt; " ') so labels and example texts stay text. Also writes ':' '(' and
    /// '@' as character references: the browser shows the same characters, but the file itself then never contains
    /// a URL scheme, <c>url(</c> or <c>@import</c>, not even inside an SMS example such as "visit http://…", which
    /// keeps the "nothing external" check on the file simple and strict. Control characters become U+FFFD.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case ':': sb.Append("&#58;"); break;
                case '(': sb.Append("&#40;"); break;
                case '@': sb.Append("&#64;"); break;
                case '\t' or '\n' or '\r': sb.Append(c); break;
                default: sb.Append(char.IsControl(c) ? '\uFFFD' : c); break;
            }
        }

        return sb.ToString();
    }
}
