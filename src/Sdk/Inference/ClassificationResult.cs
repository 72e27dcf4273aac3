namespace FastBert;

/// <summary>Untyped outcome of one text: softmax probabilities in output order and the argmax.</summary>
public sealed record ClassificationResult(int Index, float[] Probabilities, float[] Logits, int TokenCount, bool Truncated)
{
    public float Confidence => Probabilities[Index];
}
