using System.Text;

namespace FastBert.Tokenization;

/// <summary>
/// A parsed and validated vocab.txt (one token per line, id = 0-based line number), read the way Hugging Face's
/// <c>load_vocab</c> reads it: UTF-8, universal newlines, only the line break removed (no trimming), and for a token
/// listed twice the later line wins.
/// </summary>
internal sealed class BertVocabulary
{
    internal static readonly string[] RequiredTokens = ["[CLS]", "[SEP]", "[PAD]", "[UNK]"];

    private BertVocabulary(string[] lines, Dictionary<string, int> ids)
    {
        Lines = lines;
        Ids = ids;
    }

    /// <summary>The tokens by id (line number).</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>Token → id (the last line holding the token).</summary>
    public IReadOnlyDictionary<string, int> Ids { get; }

    /// <param name="bytes">The raw file.</param>
    /// <param name="source">File path or description, for error messages.</param>
    /// <param name="path">File path for <see cref="TokenizerLoadException.Path"/>, when there is one.</param>
    public static BertVocabulary Parse(ReadOnlySpan<byte> bytes, string source, string? path)
    {
        if (bytes.IsEmpty)
        {
            throw Error(path, $"The vocabulary {source} is empty. It must be a BERT WordPiece vocab.txt: UTF-8 text, one token per line, line number = token id (e.g. the vocab.txt saved with the Hugging Face model).");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..]; // tolerate a UTF-8 byte order mark
        }

        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Error(path, $"The vocabulary {source} is not valid UTF-8 text (is it a binary file or another encoding?). Save it as UTF-8 with one WordPiece token per line.", ex);
        }

        if (text.Contains('\0'))
        {
            throw Error(path, $"The vocabulary {source} contains NUL characters, so it is not a vocab.txt (binary file?). Use the model's WordPiece vocab.txt: UTF-8 text, one token per line.");
        }

        var lines = SplitLines(text);
        if (lines.Count == 0 || lines.TrueForAll(string.IsNullOrWhiteSpace))
        {
            throw Error(path, $"The vocabulary {source} holds no tokens. It must list one WordPiece token per line (line number = token id).");
        }

        return FromTokens(lines, source, path);
    }

    /// <summary>A vocabulary from its tokens by id (e.g. a tokenizer.json's model.vocab), checked like a vocab.txt.</summary>
    public static BertVocabulary FromTokens(IReadOnlyList<string> lines, string source, string? path)
    {
        var ids = new Dictionary<string, int>(lines.Count, StringComparer.Ordinal);
        for (int i = 0; i < lines.Count; i++)
        {
            ids[lines[i]] = i;
        }

        var missing = RequiredTokens.Where(t => !ids.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw Error(path, $"The vocabulary {source} lacks the BERT special token(s) {string.Join(", ", missing)} ({lines.Count} tokens read). It must be a BERT WordPiece vocabulary that lists [PAD], [UNK], [CLS] and [SEP] (bert-base-uncased has them at ids 0, 100, 101, 102); check that the right file was used.");
        }

        return new BertVocabulary(lines.ToArray(), ids);
    }

    /// <summary>Python text-mode <c>readlines()</c>: \n, \r\n and \r end lines; a final line break adds no line.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>(text.Length / 6);
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\n' && c != '\r')
            {
                continue;
            }

            lines.Add(text[start..i]);
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }

            start = i + 1;
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    private static TokenizerLoadException Error(string? path, string message, Exception? inner = null) =>
        inner is null ? new TokenizerLoadException(message) { Path = path } : new TokenizerLoadException(message, inner) { Path = path };
}
