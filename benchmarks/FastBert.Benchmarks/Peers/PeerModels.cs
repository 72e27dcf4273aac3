using System.Text.Json;
using System.Text.Json.Nodes;
using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Models.Quantization;
using FastBert.Tests;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// The models and texts every runner gets: the test helpers' seeded TinyBERT-shaped checkpoint (4 layers, hidden 312,
/// 12 heads, FFN 1200), exported by fastbert (fp32) and quantized by fastbert (int8), the fp32 file also laid out as a
/// transformers.js model folder, and the first held-out SMS messages.
/// </summary>
internal sealed record PeerModels(string Root, string Fp32, string Int8, string TransformersJsRoot, string TransformersJsName, string TextsFile)
{
    /// <summary>The fp32 export in the graph form that is not the default (for side-by-side form comparisons).</summary>
    public string OtherFormFp32 => Path.Combine(Root, "fastbert-fp32-other-form");

    public const int Seed = 20241124;

    public static OnnxGraphForm OtherForm => OnnxExporter.DefaultForm == OnnxGraphForm.Standard ? OnnxGraphForm.Fused : OnnxGraphForm.Standard;

    public static PeerModels Create(string root, int messages)
    {
        var checkpoint = RandomTinyBert.Write(Path.Combine(root, "checkpoint"), Seed);
        var fp32 = Path.Combine(root, "fastbert-fp32");
        // As `fastbert export` writes it: with model.ort, the pre-optimised graph the runtime loads (int8's comes from quantize).
        OnnxExporter.Export(checkpoint, fp32, new ExportOptions { CompleteFolder = folder => RuntimeGraph.Write(folder) });
        OnnxExporter.Export(checkpoint, Path.Combine(root, "fastbert-fp32-other-form"), new ExportOptions { Form = OtherForm });
        var int8 = Path.Combine(root, "fastbert-int8");
        var quantized = Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = int8 });
        if (!quantized.Accepted)
        {
            throw new InvalidOperationException($"int8 quantization was refused: {quantized.Summary.Reason}");
        }

        // transformers.js reads <root>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx}.
        const string name = "tinybert-fp32";
        var js = Path.Combine(root, "transformersjs", name);
        Directory.CreateDirectory(Path.Combine(js, "onnx"));
        File.Copy(Path.Combine(fp32, "model.onnx"), Path.Combine(js, "onnx", "model.onnx"));
        File.Copy(Path.Combine(checkpoint, "config.json"), Path.Combine(js, "config.json"));
        var sharedTokenizer = Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased");
        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(sharedTokenizer, "tokenizer.json")))!;
        tokenizer["truncation"] = null; // the shared file bakes in truncation 300 and padding; the pipeline sets its own
        tokenizer["padding"] = null;
        File.WriteAllText(Path.Combine(js, "tokenizer.json"), tokenizer.ToJsonString());
        var tokenizerConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(sharedTokenizer, "tokenizer_config.json")))!;
        tokenizerConfig["model_max_length"] = 128; // the same token limit as the .NET runners
        File.WriteAllText(Path.Combine(js, "tokenizer_config.json"), tokenizerConfig.ToJsonString());

        var texts = SmsData.HeldOut().Take(messages).Select(m => m.Text).ToArray();
        var textsFile = Path.Combine(root, "texts.json");
        File.WriteAllText(textsFile, JsonSerializer.Serialize(texts));
        return new PeerModels(root, fp32, int8, Path.Combine(root, "transformersjs"), name, textsFile);
    }

    /// <summary>A copy of a model folder without model.ort, so the runtime loads model.onnx as it did before it had one.</summary>
    public static string OnnxOnly(string folder)
    {
        var copy = folder + "-onnx-only";
        if (!Directory.Exists(copy))
        {
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != ModelFolder.RuntimeGraphFile))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }
        }

        return copy;
    }

    public static long ModelBytes(string folder) => new FileInfo(Path.Combine(folder, "model.onnx")).Length;
}
