using System.Diagnostics;
using System.Runtime.InteropServices;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Tests;
using Xunit.Abstractions;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>The three shared models' real weight files.</summary>
public sealed class RealCheckpointTests(ITestOutputHelper output)
{
    public static TheoryData<string> ModelFolders => new()
    {
        "sms-spam-bert-tiny",
        "emotion-distilbert-tiny",
        "electra-random-parity",
    };

    [Theory]
    [MemberData(nameof(ModelFolders))]
    public void Safetensors_EveryTensorReads_WithTheShapeConfigJsonImplies(string folder)
    {
        var directory = Path.Combine(TestPaths.Models, folder);
        var config = TransformerConfig.Load(Path.Combine(directory, "config.json"));
        var expected = ExpectedShapes(config);

        using var checkpoint = SafetensorsCheckpoint.Open(Path.Combine(directory, "model.safetensors"));

        Assert.Equal(expected.Keys.Order(), checkpoint.Tensors.Keys.Order());
        Assert.Empty(checkpoint.SkippedTensors);
        foreach (var (name, info) in checkpoint.Tensors)
        {
            Assert.Equal(name, info.Name);
            Assert.Equal(TensorDataType.Float32, info.DataType);
            Assert.Equal(expected[name], info.Shape);
            var values = checkpoint.ReadFloat32(name);
            Assert.Equal(info.ElementCount, values.Length);
            Assert.All(values, v => Assert.True(float.IsFinite(v), $"{name} holds a non-finite value"));
        }

        Assert.Equal("pt", ((SafetensorsCheckpoint)checkpoint).Metadata["format"]);
    }

    [Fact]
    public void SmsSafetensors_HasBertTinyShapes()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));

        Assert.Equal(41, checkpoint.Tensors.Count);
        Assert.Equal([30522L, 128L], checkpoint.Tensors["bert.embeddings.word_embeddings.weight"].Shape);
        Assert.Equal([512L, 128L], checkpoint.Tensors["bert.encoder.layer.1.intermediate.dense.weight"].Shape);
        Assert.Equal([2L, 128L], checkpoint.Tensors["classifier.weight"].Shape);
    }

    [Fact]
    public void SmsSafetensorsAndPytorchBin_HoldBitIdenticalTensors()
    {
        using var safetensors = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));
        using var pytorch = PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));

        Assert.Equal(safetensors.Tensors.Keys.Order(), pytorch.Tensors.Keys.Order());
        foreach (var (name, info) in safetensors.Tensors)
        {
            Assert.Equal(info.DataType, pytorch.Tensors[name].DataType);
            Assert.Equal(info.Shape, pytorch.Tensors[name].Shape);
            var a = safetensors.ReadFloat32(name);
            var b = pytorch.ReadFloat32(name);
            Assert.Equal(a.Length, b.Length);
            Assert.True(
                MemoryMarshal.Cast<float, uint>(a).SequenceEqual(MemoryMarshal.Cast<float, uint>(b)), // bit patterns
                $"{name} differs between model.safetensors and pytorch_model.bin");
        }
    }

    [Fact]
    public void ReadFloat32Into_FillsTheSameValuesAsReadFloat32_ForBothReaders()
    {
        const string name = "bert.encoder.layer.0.attention.self.query.weight";
        using var safetensors = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));
        using var pytorch = PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));
        var expected = safetensors.ReadFloat32(name);

        var fromSafetensors = new float[expected.Length];
        var fromPytorch = new float[expected.Length];
        safetensors.ReadFloat32Into(name, fromSafetensors);
        pytorch.ReadFloat32Into(name, fromPytorch);

        Assert.Equal(expected, fromSafetensors);
        Assert.Equal(expected, fromPytorch);
        Assert.Throws<ArgumentException>(() => safetensors.ReadFloat32Into(name, new float[3]));
        Assert.Throws<ArgumentException>(() => pytorch.ReadFloat32Into(name, new float[3]));
    }

    [Fact]
    public void CheckpointLoader_PrefersSafetensors_AndReadersAgreeOnTimings()
    {
        using (var checkpoint = CheckpointLoader.Open(TestPaths.SmsModel))
        {
            Assert.IsType<SafetensorsCheckpoint>(checkpoint);
        }

        // Rough timing, reported in the test output (not asserted: machines differ).
        output.WriteLine($"safetensors open+read all: {TimeAll(() => SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"))):F1} ms");
        output.WriteLine($"pytorch_model.bin open+read all: {TimeAll(() => PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"))):F1} ms");
    }

    [Fact]
    public void ReadingAfterDispose_Throws_ObjectDisposed()
    {
        var safetensors = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));
        var pytorch = PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));
        safetensors.Dispose();
        pytorch.Dispose();
        safetensors.Dispose(); // twice is fine

        Assert.Throws<ObjectDisposedException>(() => safetensors.ReadFloat32("classifier.bias"));
        Assert.Throws<ObjectDisposedException>(() => pytorch.ReadFloat32("classifier.bias"));
    }

    [Fact]
    public void UnknownTensorName_Throws_KeyNotFound()
    {
        using var checkpoint = SafetensorsCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "model.safetensors"));
        using var pytorch = PyTorchCheckpoint.Open(Path.Combine(TestPaths.SmsModel, "pytorch_model.bin"));

        Assert.Throws<KeyNotFoundException>(() => checkpoint.ReadFloat32("nope.weight"));
        Assert.Throws<KeyNotFoundException>(() => pytorch.ReadFloat32("nope.weight"));
    }

    private static double TimeAll(Func<ICheckpoint> open)
    {
        double best = double.MaxValue;
        for (var run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            using (var checkpoint = open())
            {
                foreach (var name in checkpoint.Tensors.Keys)
                {
                    checkpoint.ReadFloat32(name);
                }
            }

            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    /// <summary>Every tensor a Hugging Face *ForSequenceClassification state dict holds, with its shape.</summary>
    private static Dictionary<string, long[]> ExpectedShapes(TransformerConfig c)
    {
        long h = c.HiddenSize, i = c.IntermediateSize, e = c.EmbeddingSize, labels = c.NumLabels;
        var shapes = new Dictionary<string, long[]>();
        if (c.ModelType == ModelType.DistilBert)
        {
            const string p = "distilbert.";
            shapes[p + "embeddings.word_embeddings.weight"] = [c.VocabSize, h];
            shapes[p + "embeddings.position_embeddings.weight"] = [c.MaxPositionEmbeddings, h];
            shapes[p + "embeddings.LayerNorm.weight"] = [h];
            shapes[p + "embeddings.LayerNorm.bias"] = [h];
            for (var layer = 0; layer < c.NumLayers; layer++)
            {
                var l = $"{p}transformer.layer.{layer}.";
                foreach (var lin in new[] { "q_lin", "k_lin", "v_lin", "out_lin" })
                {
                    shapes[$"{l}attention.{lin}.weight"] = [h, h];
                    shapes[$"{l}attention.{lin}.bias"] = [h];
                }

                shapes[l + "ffn.lin1.weight"] = [i, h];
                shapes[l + "ffn.lin1.bias"] = [i];
                shapes[l + "ffn.lin2.weight"] = [h, i];
                shapes[l + "ffn.lin2.bias"] = [h];
                foreach (var norm in new[] { "sa_layer_norm", "output_layer_norm" })
                {
                    shapes[$"{l}{norm}.weight"] = [h];
                    shapes[$"{l}{norm}.bias"] = [h];
                }
            }

            shapes["pre_classifier.weight"] = [h, h];
            shapes["pre_classifier.bias"] = [h];
            shapes["classifier.weight"] = [labels, h];
            shapes["classifier.bias"] = [labels];
            return shapes;
        }

        var prefix = c.ModelType == ModelType.Bert ? "bert." : "electra.";
        shapes[prefix + "embeddings.word_embeddings.weight"] = [c.VocabSize, e];
        shapes[prefix + "embeddings.position_embeddings.weight"] = [c.MaxPositionEmbeddings, e];
        shapes[prefix + "embeddings.token_type_embeddings.weight"] = [c.TypeVocabSize, e];
        shapes[prefix + "embeddings.LayerNorm.weight"] = [e];
        shapes[prefix + "embeddings.LayerNorm.bias"] = [e];
        if (e != h)
        {
            shapes[prefix + "embeddings_project.weight"] = [h, e];
            shapes[prefix + "embeddings_project.bias"] = [h];
        }

        for (var layer = 0; layer < c.NumLayers; layer++)
        {
            var l = $"{prefix}encoder.layer.{layer}.";
            foreach (var proj in new[] { "self.query", "self.key", "self.value", "output.dense" })
            {
                shapes[$"{l}attention.{proj}.weight"] = [h, h];
                shapes[$"{l}attention.{proj}.bias"] = [h];
            }

            shapes[l + "attention.output.LayerNorm.weight"] = [h];
            shapes[l + "attention.output.LayerNorm.bias"] = [h];
            shapes[l + "intermediate.dense.weight"] = [i, h];
            shapes[l + "intermediate.dense.bias"] = [i];
            shapes[l + "output.dense.weight"] = [h, i];
            shapes[l + "output.dense.bias"] = [h];
            shapes[l + "output.LayerNorm.weight"] = [h];
            shapes[l + "output.LayerNorm.bias"] = [h];
        }

        if (c.ModelType == ModelType.Bert)
        {
            shapes["bert.pooler.dense.weight"] = [h, h];
            shapes["bert.pooler.dense.bias"] = [h];
            shapes["classifier.weight"] = [labels, h];
            shapes["classifier.bias"] = [labels];
        }
        else
        {
            shapes["classifier.dense.weight"] = [h, h];
            shapes["classifier.dense.bias"] = [h];
            shapes["classifier.out_proj.weight"] = [labels, h];
            shapes["classifier.out_proj.bias"] = [labels];
        }

        return shapes;
    }
}
