using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastBert.Tests;

/// <summary>Writes a seeded random BERT checkpoint (config.json, model.safetensors, vocab.txt) of TinyBERT's size.</summary>
internal static class RandomTinyBert
{
    private const int Hidden = 312;
    private const int Layers = 4;
    private const int Heads = 12;
    private const int Intermediate = 1200;
    private const int Vocab = 30522;
    private const int Positions = 512;

    public static string Write(string folder, int seed)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestPaths.SmsModel, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "config.json"), string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "architectures": ["BertForSequenceClassification"],
              "model_type": "bert",
              "hidden_size": {{Hidden}},
              "num_hidden_layers": {{Layers}},
              "num_attention_heads": {{Heads}},
              "intermediate_size": {{Intermediate}},
              "hidden_act": "gelu",
              "max_position_embeddings": {{Positions}},
              "type_vocab_size": 2,
              "vocab_size": {{Vocab}},
              "layer_norm_eps": 1e-12,
              "pad_token_id": 0,
              "id2label": { "0": "negative", "1": "positive" },
              "label2id": { "negative": 0, "positive": 1 }
            }
            """));

        var random = new Random(seed);
        var tensors = new List<(string Name, long[] Shape, float[] Values)>();
        void Normal(string name, params long[] shape) => tensors.Add((name, shape, Gaussian(random, (int)shape.Aggregate(1L, (a, b) => a * b), 0.02)));
        void Constant(string name, float value, params long[] shape) => tensors.Add((name, shape, Enumerable.Repeat(value, (int)shape.Aggregate(1L, (a, b) => a * b)).ToArray()));
        void Linear(string prefix, int output, int input)
        {
            Normal($"{prefix}.weight", output, input);
            Constant($"{prefix}.bias", 0f, output);
        }

        void Norm(string prefix)
        {
            Constant($"{prefix}.weight", 1f, Hidden);
            Constant($"{prefix}.bias", 0f, Hidden);
        }

        Normal("bert.embeddings.word_embeddings.weight", Vocab, Hidden);
        Normal("bert.embeddings.position_embeddings.weight", Positions, Hidden);
        Normal("bert.embeddings.token_type_embeddings.weight", 2, Hidden);
        Norm("bert.embeddings.LayerNorm");
        for (var i = 0; i < Layers; i++)
        {
            var p = $"bert.encoder.layer.{i}";
            Linear($"{p}.attention.self.query", Hidden, Hidden);
            Linear($"{p}.attention.self.key", Hidden, Hidden);
            Linear($"{p}.attention.self.value", Hidden, Hidden);
            Linear($"{p}.attention.output.dense", Hidden, Hidden);
            Norm($"{p}.attention.output.LayerNorm");
            Linear($"{p}.intermediate.dense", Intermediate, Hidden);
            Linear($"{p}.output.dense", Hidden, Intermediate);
            Norm($"{p}.output.LayerNorm");
        }

        Linear("bert.pooler.dense", Hidden, Hidden);
        Linear("classifier", 2, Hidden);
        WriteSafetensors(Path.Combine(folder, "model.safetensors"), tensors);
        return folder;
    }

    private static float[] Gaussian(Random random, int count, double std)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box–Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }

    // safetensors: u64 LE header length, JSON header (name → dtype, shape, data_offsets), then the raw data.
    private static void WriteSafetensors(string path, List<(string Name, long[] Shape, float[] Values)> tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            var end = offset + (values.Length * 4L);
            header.Append(CultureInfo.InvariantCulture, $"{(header.Length > 1 ? "," : string.Empty)}\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{end}]}}");
            offset = end;
        }

        header.Append('}');
        while (header.Length % 8 != 0)
        {
            header.Append(' ');
        }

        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(Encoding.UTF8.GetBytes(header.ToString()));
        foreach (var (_, _, values) in tensors)
        {
            var bytes = new byte[values.Length * 4];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }

            stream.Write(bytes);
        }
    }
}
