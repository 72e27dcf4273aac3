namespace FastBert.Tokenization;

/// <summary>
/// Text normalisation switches of a BERT WordPiece tokenizer, mirroring Hugging Face <c>BertTokenizer</c>
/// (<c>do_lower_case</c>, <c>strip_accents</c>, <c>tokenize_chinese_chars</c> in tokenizer_config.json).
/// </summary>
/// <param name="Lowercase">Lowercase the text before WordPiece (uncased vocabularies need this).</param>
/// <param name="StripAccents">
/// Remove accents (NFD, then drop non-spacing marks). <see langword="null"/> follows <paramref name="Lowercase"/>,
/// exactly as Hugging Face does.
/// </param>
/// <param name="TokenizeChineseChars">Make every CJK ideograph its own word.</param>
public sealed record TokenizerSettings(bool Lowercase = true, bool? StripAccents = null, bool TokenizeChineseChars = true)
{
    /// <summary>Whether accents are actually stripped once <see cref="StripAccents"/> = null is resolved.</summary>
    public bool EffectiveStripAccents => StripAccents ?? Lowercase;
}
