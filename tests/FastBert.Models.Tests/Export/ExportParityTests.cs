using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Tests;

namespace FastBert.Models.Tests.Export;

/// <summary>Exported models reproduce the reference PyTorch logits (golden_outputs.json) within 1e-4.</summary>
public sealed class ExportParityTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-export-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    public static TheoryData<string, string, OnnxGraphForm> Checkpoints()
    {
        var data = new TheoryData<string, string, OnnxGraphForm>();
        foreach (var form in new[] { OnnxGraphForm.Standard, OnnxGraphForm.Fused })
        {
            data.Add("sms-spam-bert-tiny", "model.safetensors", form);
            data.Add("sms-spam-bert-tiny", "pytorch_model.bin", form);
            data.Add("emotion-distilbert-tiny", "model.safetensors", form);
            data.Add("electra-random-parity", "model.safetensors", form);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void ExportedModel_ReproducesGoldenLogits_AtBatchOneAndInAPaddedBatch(string model, string weights, OnnxGraphForm form)
    {
        var checkpoint = CheckpointWith(model, weights);
        var output = Path.Combine(_root, "out");

        OnnxExporter.Export(checkpoint, output, new ExportOptions { Form = form });

        var goldens = GoldenExample.Load(Path.Combine(TestPaths.Models, model));
        using var exported = BertModel.Load(output);
        var labels = goldens[0].Logits.Length;
        foreach (var golden in goldens)
        {
            AssertClose(golden.Logits, exported.ComputeLogits([golden.InputIds]), $"{model} batch 1: {golden.Text}");
        }

        var batch = exported.ComputeLogits(goldens.Select(g => g.InputIds).ToList());
        for (var i = 0; i < goldens.Count; i++)
        {
            AssertClose(goldens[i].Logits, batch.AsSpan(i * labels, labels).ToArray(), $"{model} padded batch row {i}");
        }
    }

    // A folder holding only the files an export needs, with just one weights file.
    private string CheckpointWith(string model, string weights)
    {
        var source = Path.Combine(TestPaths.Models, model);
        var folder = Path.Combine(_root, "checkpoint");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(source))
        {
            var name = Path.GetFileName(file);
            if (name is "model.onnx" or "model.safetensors" or "pytorch_model.bin" && name != weights)
            {
                continue;
            }

            File.Copy(file, Path.Combine(folder, name));
        }

        return folder;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}: logit {i} expected {expected[i]}, got {actual[i]}");
        }
    }
}
