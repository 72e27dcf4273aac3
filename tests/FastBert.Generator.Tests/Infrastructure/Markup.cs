using Microsoft.CodeAnalysis.Text;

namespace FastBert.Generator.Tests.Infrastructure;

/// <summary>
/// Test fixtures mark the expected diagnostic span with <c>[|</c> and <c>|]</c> (Roslyn's convention);
/// <c>[||]</c> marks an empty span.
/// </summary>
internal static class Markup
{
    public static (string Text, TextSpan Span) Parse(string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = start < 0 ? -1 : markup.IndexOf("|]", start + 2, StringComparison.Ordinal);
        if (start < 0 || end < 0 || markup.IndexOf("[|", end + 2, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException("The fixture needs exactly one [| |] span.", nameof(markup));
        }

        var text = markup.Remove(end, 2).Remove(start, 2);
        return (text, TextSpan.FromBounds(start, end - 2));
    }
}
