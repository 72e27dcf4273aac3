using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Tests.Checkpoints;
using FastBert.Tests;

namespace FastBert.Models.Tests.Quantization;

/// <summary>Labelled examples for the quantization tests, loaded here (labels as output indices).</summary>
internal static class QuantizationTestData
{
    /// <summary>The SMS held-out split (1114 messages), ham = 0, spam = 1 per the model's id2label.</summary>
    public static IReadOnlyList<(string Text, int Label)> SmsHeldOut()
    {
        var labels = TransformerConfig.Load(Path.Combine(TestPaths.SmsModel, "config.json")).Id2Label;
        return SmsData.HeldOut().Select(m => (m.Text, IndexOf(labels, m.Label))).ToList();
    }

    /// <summary>The emotion test split (2000 texts): <c>text;label_name</c> after a header, split on the last ';'.</summary>
    public static IReadOnlyList<(string Text, int Label)> EmotionTest()
    {
        var labels = TransformerConfig.Load(Path.Combine(TestPaths.EmotionModel, "config.json")).Id2Label;
        return File.ReadLines(Path.Combine(TestPaths.Data, "emotion", "test.txt")).Skip(1)
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                var split = line.LastIndexOf(';');
                return (line[..split], IndexOf(labels, line[(split + 1)..].Trim()));
            })
            .ToList();
    }

    /// <summary>
    /// A copy of the SMS checkpoint with an outlier input channel in every layer's attention output and FFN output
    /// projections: it changes nothing in float32 and wipes those projections out in int8. The channel read is
    /// forced to exactly 0 (value unit 0: zero weights and bias, so its attention context is 0; intermediate unit 0:
    /// zero weights, bias −100, GELU(−100) = 0) and every output channel reads it with weight 1e4, so each output
    /// channel's int8 scale becomes 1e4 / 127 and all its real weights round to 0.
    /// </summary>
    public static string OutlierCheckpoint(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { "config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, file), Path.Combine(folder, file));
        }

        var tensors = new List<SafetensorsBytes.Tensor>();
        using (var checkpoint = CheckpointLoader.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors")))
        {
            foreach (var (name, info) in checkpoint.Tensors.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var values = checkpoint.ReadFloat32(name);
                var shape = info.Shape.ToArray();
                if (name.EndsWith(".intermediate.dense.weight", StringComparison.Ordinal) || name.EndsWith(".attention.self.value.weight", StringComparison.Ordinal))
                {
                    values.AsSpan(0, (int)shape[1]).Clear(); // [out, in]: row 0 = output unit 0
                }
                else if (name.EndsWith(".intermediate.dense.bias", StringComparison.Ordinal))
                {
                    values[0] = -100f;
                }
                else if (name.EndsWith(".attention.self.value.bias", StringComparison.Ordinal))
                {
                    values[0] = 0f;
                }
                else if (name.EndsWith(".output.dense.weight", StringComparison.Ordinal))
                {
                    for (var o = 0; o < shape[0]; o++)
                    {
                        values[o * shape[1]] = 1e4f; // [out, in]: input 0 of every output channel
                    }
                }

                tensors.Add(new SafetensorsBytes.Tensor(name, "F32", shape, SafetensorsBytes.Float32(values)));
            }
        }

        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), SafetensorsBytes.Build(tensors));
        return folder;
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (string.Equals(labels[i], label, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new InvalidDataException($"label '{label}' is not one of {string.Join(", ", labels)}");
    }
}
