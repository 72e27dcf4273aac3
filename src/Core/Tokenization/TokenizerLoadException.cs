namespace FastBert.Tokenization;

/// <summary>
/// A tokenizer could not be built from a model folder or vocabulary stream: missing folder or vocab.txt,
/// empty or malformed vocabulary, a vocabulary without the BERT special tokens, or an unreadable tokenizer_config.json.
/// The message names the file and says what to fix.
/// </summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string message)
        : base(message)
    {
    }

    public TokenizerLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The file or folder the problem is about, when there is one.</summary>
    public string? Path { get; init; }
}
