using System.Text.Json.Nodes;
using FastBert.ModelFolders;
using FastBert.Tests;
using Microsoft.ML.OnnxRuntime;

namespace FastBert.Sdk.Tests;

/// <summary>
/// model.ort, the pre-optimised ONNX Runtime graph: written from model.onnx, recorded in model.json, loaded in its
/// place only when it matches, and never a reason for a load to fail.
/// </summary>
public sealed class RuntimeGraphTests : IDisposable
{
    private const float GoldenTolerance = 1e-4f;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fastbert-runtime-graph-" + Guid.NewGuid().ToString("N"));

    public RuntimeGraphTests()
    {
        Directory.CreateDirectory(_folder);
        foreach (var name in new[] { ModelFolder.OnnxFile, ModelFolder.VocabularyFile, ModelFolder.ConfigFile, ModelFolder.TokenizerConfigFile, ModelFolder.SpecialTokensMapFile })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, name), Path.Combine(_folder, name));
        }

        new ModelDescription
        {
            Architecture = "BertForSequenceClassification", ModelType = "bert", Labels = ["ham", "spam"],
            Inputs = ["input_ids", "attention_mask", "token_type_ids"], Output = "logits", MaxPositionEmbeddings = 512,
            GraphForm = "imported", SourceWeights = "model.onnx", Files = FileHashes.OfFolder(_folder),
        }.Write(DescriptionPath);
    }

    private string DescriptionPath => Path.Combine(_folder, ModelDescription.FileName);

    private string GraphPath => Path.Combine(_folder, ModelFolder.RuntimeGraphFile);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Write_RecordsTheGraphInModelJson()
    {
        var description = RuntimeGraph.Write(_folder)!;

        Assert.True(File.Exists(GraphPath));
        Assert.False(File.Exists(GraphPath + ".partial"));
        var graph = description.RuntimeGraph!;
        Assert.Equal(new RuntimeGraphDescription("model.ort", "ort", OrtEnv.Instance().GetVersionString(), "extended", "model.onnx",
            new FileInfo(Path.Combine(_folder, ModelFolder.OnnxFile)).Length), graph);
        Assert.Equal(FileHashes.Sha256(GraphPath), description.Files["model.ort"]);
        Assert.Equal(FileHashes.Sha256(Path.Combine(_folder, ModelFolder.OnnxFile)), description.Files["model.onnx"]);
        Assert.Equal(description, ModelDescription.Read(DescriptionPath) with { Files = description.Files, Labels = description.Labels, Inputs = description.Inputs });
    }

    [Fact]
    public void Write_OnAGraphOnnxRuntimeCannotLoad_WritesNothingAndSaysWhy()
    {
        File.WriteAllBytes(Path.Combine(_folder, ModelFolder.OnnxFile), [0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0x0f, 0x41]);
        var before = File.ReadAllText(DescriptionPath);
        var messages = new List<string>();

        var description = RuntimeGraph.Write(_folder, new Recorder(messages));

        Assert.Null(description);
        Assert.False(File.Exists(GraphPath));
        Assert.False(File.Exists(GraphPath + ".partial"));
        Assert.Equal(before, File.ReadAllText(DescriptionPath));
        var message = Assert.Single(messages);
        Assert.StartsWith($"model.ort not written: ONNX Runtime could not optimise {Path.Combine(_folder, ModelFolder.OnnxFile)} (", message);
        Assert.EndsWith("the model runs from model.onnx.", message);
    }

    [Fact]
    public void Load_RunsModelOrt_AndReproducesTheReferenceLogits()
    {
        RuntimeGraph.Write(_folder);
        var goldens = GoldenExample.Load(TestPaths.SmsModel);

        using var model = BertModel.Load(_folder);
        using var onnxModel = BertModel.Load(TestPaths.SmsModel);

        Assert.Equal(GraphPath, model.Info.RuntimeGraphFile);
        Assert.Null(onnxModel.Info.RuntimeGraphFile);
        var batch = model.ComputeLogits(goldens.Select(g => g.InputIds).ToList());
        var onnxBatch = onnxModel.ComputeLogits(goldens.Select(g => g.InputIds).ToList());
        for (var i = 0; i < batch.Length; i++)
        {
            Assert.InRange(batch[i], onnxBatch[i] - 1e-5f, onnxBatch[i] + 1e-5f);
            Assert.InRange(batch[i], goldens[i / 2].Logits[i % 2] - GoldenTolerance, goldens[i / 2].Logits[i % 2] + GoldenTolerance);
        }

        foreach (var golden in goldens)
        {
            Assert.Equal(golden.Pred, model.Info.LabelNames[model.Classify(golden.Text).Index]);
        }
    }

    [Fact]
    public void ModelOnnxReplacedAfterwards_LoadsModelOnnx()
    {
        RuntimeGraph.Write(_folder);
        // model.onnx rewritten (here: an unknown top-level protobuf field appended, field 100 = 1): a different
        // length, so the graph may no longer be its.
        using (var stream = new FileStream(Path.Combine(_folder, ModelFolder.OnnxFile), FileMode.Append))
        {
            stream.Write([0xA0, 0x06, 0x01]);
        }

        AssertRunsModelOnnx(BertModel.Load(_folder));
    }

    [Fact]
    public void GraphOfAnotherOrtVersion_LoadsModelOnnx()
    {
        RuntimeGraph.Write(_folder);
        EditRuntimeGraph(graph => graph["ortVersion"] = "0.9.0");

        AssertRunsModelOnnx(BertModel.Load(_folder));
    }

    [Fact]
    public void CorruptModelOrt_LoadsModelOnnx()
    {
        RuntimeGraph.Write(_folder);
        File.WriteAllBytes(GraphPath, File.ReadAllBytes(GraphPath)[..4096]);

        AssertRunsModelOnnx(BertModel.Load(_folder));
    }

    [Fact]
    public void NamedOnnxVariant_DoesNotRunTheGraphOfModelOnnx()
    {
        RuntimeGraph.Write(_folder);
        Directory.CreateDirectory(Path.Combine(_folder, "onnx"));
        File.Copy(Path.Combine(_folder, ModelFolder.OnnxFile), Path.Combine(_folder, ModelFolder.OnnxLayoutFile));

        AssertRunsModelOnnx(BertModel.Load(_folder, new BertModelOptions { OnnxFile = ModelFolder.OnnxLayoutFile }));
    }

    [Fact]
    public void GraphNamingAnotherFile_IsNotOpened()
    {
        RuntimeGraph.Write(_folder);
        File.Move(GraphPath, Path.Combine(_folder, "elsewhere.ort"));
        EditRuntimeGraph(graph => graph["file"] = "../elsewhere.ort");

        AssertRunsModelOnnx(BertModel.Load(_folder));
    }

    // The ONNX file ran, and it is the SMS model: its logits are the PyTorch reference's.
    private static void AssertRunsModelOnnx(BertModel loaded)
    {
        using var model = loaded;
        Assert.Null(model.Info.RuntimeGraphFile);
        foreach (var golden in GoldenExample.Load(TestPaths.SmsModel).Take(4))
        {
            var logits = model.Classify(golden.Text).Logits;
            for (var k = 0; k < logits.Length; k++)
            {
                Assert.InRange(logits[k], golden.Logits[k] - GoldenTolerance, golden.Logits[k] + GoldenTolerance);
            }
        }
    }

    private sealed class Recorder(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }

    private void EditRuntimeGraph(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(DescriptionPath))!.AsObject();
        edit(json["runtimeGraph"]!.AsObject());
        File.WriteAllText(DescriptionPath, json.ToJsonString());
    }
}
