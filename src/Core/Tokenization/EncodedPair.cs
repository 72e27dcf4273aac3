namespace FastBert.Tokenization;

/// <summary>A sentence pair encoded as [CLS] first [SEP] second [SEP].</summary>
/// <param name="InputIds">The ids, [CLS] first and [SEP] last.</param>
/// <param name="TokenTypeIds">0 for [CLS], the first text and its [SEP]; 1 for the second text and the final [SEP].</param>
/// <param name="Truncated">True when word pieces were dropped to fit the token limit.</param>
public sealed record EncodedPair(int[] InputIds, int[] TokenTypeIds, bool Truncated);
