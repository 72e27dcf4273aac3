using FastBert.Models.Configuration;
using FastBert.Models.Onnx;

namespace FastBert.Training.Modeling;

/// <summary>How a weight starts when no checkpoint provides it (Hugging Face's <c>_init_weights</c>).</summary>
internal enum WeightInit
{
    /// <summary>Normal(0, initializer_range): linear weights and embeddings.</summary>
    Normal,

    /// <summary>Zeros: biases.</summary>
    Zeros,

    /// <summary>Ones: LayerNorm weights.</summary>
    Ones,
}

/// <summary>One weight of a sequence classifier: its Hugging Face name, shape and initialisation.</summary>
internal sealed record WeightSlot(string Name, long[] Shape, WeightInit Init, bool InHead);

/// <summary>
/// Every weight a BERT / DistilBERT / ELECTRA sequence classifier has, with the stored names of
/// <see cref="ArchitectureSpec"/> and the shapes implied by config.json. Linear weights are [out, in].
/// </summary>
internal static class ParameterLayout
{
    public static IReadOnlyList<WeightSlot> For(TransformerConfig config, ArchitectureSpec spec)
    {
        var slots = new List<WeightSlot>();
        long hidden = config.HiddenSize, embedding = config.EmbeddingSize, intermediate = config.IntermediateSize;
        var headLinears = spec.HeadLinears.ToHashSet();

        void Linear(LinearNames names, long outputs, long inputs)
        {
            var inHead = headLinears.Contains(names);
            slots.Add(new WeightSlot(names.Weight, [outputs, inputs], WeightInit.Normal, inHead));
            slots.Add(new WeightSlot(names.Bias, [outputs], WeightInit.Zeros, inHead));
        }

        void Norm(NormNames names, long size)
        {
            slots.Add(new WeightSlot(names.Weight, [size], WeightInit.Ones, false));
            slots.Add(new WeightSlot(names.Bias, [size], WeightInit.Zeros, false));
        }

        slots.Add(new WeightSlot(spec.WordEmbeddings, [config.VocabSize, embedding], WeightInit.Normal, false));
        slots.Add(new WeightSlot(spec.PositionEmbeddings, [config.MaxPositionEmbeddings, embedding], WeightInit.Normal, false));
        if (spec.TokenTypeEmbeddings is { } tokenTypes)
        {
            slots.Add(new WeightSlot(tokenTypes, [Math.Max(1, config.TypeVocabSize), embedding], WeightInit.Normal, false));
        }

        Norm(spec.EmbeddingNorm, embedding);
        if (spec.EmbeddingProjection is { } projection)
        {
            Linear(projection, hidden, embedding);
        }

        foreach (var layer in spec.Layers)
        {
            Linear(layer.Query, hidden, hidden);
            Linear(layer.Key, hidden, hidden);
            Linear(layer.Value, hidden, hidden);
            Linear(layer.AttentionOutput, hidden, hidden);
            Norm(layer.AttentionNorm, hidden);
            Linear(layer.Intermediate, intermediate, hidden);
            Linear(layer.Output, hidden, intermediate);
            Norm(layer.OutputNorm, hidden);
        }

        Linear(spec.HeadDense, hidden, hidden);
        Linear(spec.Classifier, config.NumLabels, hidden);
        return slots;
    }
}
