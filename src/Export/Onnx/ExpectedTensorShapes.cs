using System.Text.RegularExpressions;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;

namespace FastBert.Models.Onnx;

/// <summary>One tensor's shape as config.json implies it, with the config fields it comes from (for messages).</summary>
public sealed record ExpectedTensor(string Name, long[] Shape, string Because);

/// <summary>
/// The shape config.json implies for every tensor of an architecture, checked against a checkpoint's header before
/// any tensor data is read: a checkpoint and a config.json that disagree are refused up front, naming the tensor.
/// </summary>
public static partial class ExpectedTensorShapes
{
    /// <summary>Every tensor of <paramref name="spec"/> with its expected shape; the classification head last.</summary>
    public static IReadOnlyList<ExpectedTensor> For(TransformerConfig config, ArchitectureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(spec);
        long hidden = config.HiddenSize, embedding = config.EmbeddingSize, intermediate = config.IntermediateSize;
        var expected = new List<ExpectedTensor>
        {
            new(spec.WordEmbeddings, [config.VocabSize, embedding], "vocab_size × embedding width"),
            new(spec.PositionEmbeddings, [config.MaxPositionEmbeddings, embedding], "max_position_embeddings × embedding width"),
            new(spec.EmbeddingNorm.Weight, [embedding], "embedding width"),
            new(spec.EmbeddingNorm.Bias, [embedding], "embedding width"),
        };
        if (spec.TokenTypeEmbeddings is { } tokenTypes)
        {
            expected.Add(new(tokenTypes, [config.TypeVocabSize, embedding], "type_vocab_size × embedding width"));
        }

        if (spec.EmbeddingProjection is { } projection)
        {
            AddLinear(expected, projection, hidden, embedding, "hidden_size × embedding_size");
        }

        foreach (var layer in spec.Layers)
        {
            foreach (var square in new[] { layer.Query, layer.Key, layer.Value, layer.AttentionOutput })
            {
                AddLinear(expected, square, hidden, hidden, "hidden_size × hidden_size");
            }

            AddNorm(expected, layer.AttentionNorm, hidden);
            AddLinear(expected, layer.Intermediate, intermediate, hidden, "intermediate_size × hidden_size");
            AddLinear(expected, layer.Output, hidden, intermediate, "hidden_size × intermediate_size");
            AddNorm(expected, layer.OutputNorm, hidden);
        }

        AddLinear(expected, spec.HeadDense, hidden, hidden, "hidden_size × hidden_size");
        AddLinear(expected, spec.Classifier, spec.LabelCount, hidden, "labels (id2label / num_labels) × hidden_size");
        return expected;
    }

    /// <summary>
    /// Refuses a checkpoint whose header disagrees with config.json: a tensor of another shape, or another number of
    /// encoder layers than <c>num_hidden_layers</c>. Other tensors the checkpoint lacks are left to the reader that
    /// needs them (training initialises a missing head).
    /// </summary>
    /// <param name="includeHead">False when the classification head is replaced anyway (training with new labels).</param>
    /// <exception cref="CheckpointFormatException">The message names the tensor, the expected and the stored shape.</exception>
    public static void Verify(TransformerConfig config, ICheckpoint checkpoint, bool includeHead = true)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var spec = ArchitectureSpec.For(config);
        var configFile = config.SourcePath ?? "config.json";
        foreach (var tensor in For(config, spec))
        {
            if (!includeHead && spec.HeadLinears.Any(l => l.Weight == tensor.Name || l.Bias == tensor.Name))
            {
                continue;
            }

            var stored = checkpoint.Find(tensor.Name);
            if (stored is null || stored.Shape.SequenceEqual(tensor.Shape))
            {
                continue;
            }

            throw new CheckpointFormatException(
                checkpoint.Path,
                $"tensor '{stored.Name}' has shape {Format(stored.Shape)}, but {configFile} implies {Format(tensor.Shape)} ({tensor.Because}).",
                "The weights and config.json come from different models, or one of them was edited: use the config.json saved with these weights.");
        }

        VerifyLayerCount(config, checkpoint, configFile);
    }

    private static void VerifyLayerCount(TransformerConfig config, ICheckpoint checkpoint, string configFile)
    {
        var deepest = -1;
        string? example = null;
        foreach (var name in checkpoint.Tensors.Keys)
        {
            var match = EncoderLayerIndex().Match(name);
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, out var index) && index > deepest)
            {
                deepest = index;
                example = name;
            }
        }

        // No layer-numbered tensors at all is left to the readers: their "no tensor" message lists what there is.
        if (deepest >= 0 && deepest + 1 != config.NumLayers)
        {
            var key = config.ModelType == ModelType.DistilBert ? "n_layers" : "num_hidden_layers";
            throw new CheckpointFormatException(
                checkpoint.Path,
                $"the weights hold {deepest + 1} encoder layers (e.g. '{example}'), but {configFile} says {key} is {config.NumLayers}.",
                "Use the config.json saved with these weights.");
        }
    }

    private static void AddLinear(List<ExpectedTensor> expected, LinearNames linear, long outputs, long inputs, string because)
    {
        expected.Add(new(linear.Weight, [outputs, inputs], because));
        expected.Add(new(linear.Bias, [outputs], because[..because.IndexOf(' ')]));
    }

    private static void AddNorm(List<ExpectedTensor> expected, NormNames norm, long width)
    {
        expected.Add(new(norm.Weight, [width], "hidden_size"));
        expected.Add(new(norm.Bias, [width], "hidden_size"));
    }

    private static string Format(IEnumerable<long> shape) => $"[{string.Join(", ", shape)}]";

    [GeneratedRegex(@"(?:^|\.)(?:encoder|transformer)\.layer\.(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex EncoderLayerIndex();
}
