namespace FastBert.Manifest;

/// <summary>Finds the allowed key a mistyped key most likely meant ("lables" → "labels", "max_tokens" → "maxTokens").</summary>
internal static class KeySuggestions
{
    // Longer keys are not typos of the short schema keys; skipping them keeps huge keys cheap.
    private const int MaxKeyLength = 64;

    /// <summary>
    /// The allowed key closest to <paramref name="key"/>, compared ignoring case, '_', '-' and spaces, when it is at
    /// most one edit away (two for keys of five or more characters; a swap of neighbours is one edit); otherwise null.
    /// </summary>
    public static string? Closest(string key, IEnumerable<string> allowed)
    {
        if (key.Length > MaxKeyLength)
        {
            return null;
        }

        var normalized = Normalize(key);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            var distance = Distance(normalized, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = normalized.Length >= 5 ? 2 : 1;
        return bestDistance <= limit ? best : null;
    }

    private static string Normalize(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is not ('_' or '-' or ' '))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }

                d[i, j] = value;
            }
        }

        return d[a.Length, b.Length];
    }
}
