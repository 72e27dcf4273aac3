using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Folders written by <c>fastbert export</c> and <c>quantize</c> load in transformers.js (the npm package, local files
/// only) as they are, and it classifies the SMS golden texts with the probabilities fastbert's predict gives.
/// </summary>
public sealed class TransformersJsParityTests : IDisposable
{
    private const double Tolerance = 1e-4;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-transformersjs", Guid.NewGuid().ToString("N"));

    public TransformersJsParityTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [NodeFact]
    public void ExportedFolder_LoadsInTransformersJs_WithFastbertsProbabilities()
    {
        var output = Path.Combine(_root, "sms-export");
        var (exit, _, error) = CliRunner.Run(string.Empty, "export", TestPaths.SmsModel, "--output", output);
        Assert.True(exit == 0, error);

        // The checkpoint has no tokenizer.json: export writes it; transformers.js (dtype fp32) reads onnx/model.onnx.
        Assert.False(File.Exists(Path.Combine(TestPaths.SmsModel, "tokenizer.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "model.onnx")), File.ReadAllBytes(Path.Combine(output, "onnx", "model.onnx")));
        AssertRunsTheRuntimeGraph(output);
        AssertSameProbabilities(output, "fp32");
    }

    [NodeFact]
    public void QuantizedFolder_LoadsInTransformersJsAsQ8_WithFastbertsProbabilities()
    {
        var output = Path.Combine(_root, "sms-int8");
        var (exit, _, error) = CliRunner.Run(
            string.Empty,
            "quantize", TestPaths.SmsModel, "--output", output,
            "--data", Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection"),
            "--indices", Path.Combine(TestPaths.Data, "sms-spam", "sms_test_indices.txt"));
        Assert.True(exit == 0, error);

        Assert.False(File.Exists(Path.Combine(output, "onnx", "model.onnx")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "model.onnx")), File.ReadAllBytes(Path.Combine(output, "onnx", "model_quantized.onnx")));
        AssertRunsTheRuntimeGraph(output);
        AssertSameProbabilities(output, "q8");
    }

    // fastbert runs the folder's model.ort (made from model.onnx, recorded with its hash); transformers.js the ONNX file.
    private static void AssertRunsTheRuntimeGraph(string folder)
    {
        var description = FastBert.ModelFolders.ModelDescription.Read(Path.Combine(folder, "model.json"));
        Assert.Equal(new FileInfo(Path.Combine(folder, "model.onnx")).Length, description.RuntimeGraph!.OnnxBytes);
        Assert.Equal(FastBert.ModelFolders.FileHashes.Sha256(Path.Combine(folder, "model.ort")), description.Files["model.ort"]);
        using var model = BertModel.Load(folder);
        Assert.Equal(Path.Combine(folder, "model.ort"), model.Info.RuntimeGraphFile);
    }

    [NodeFact]
    public void SentencePairs_ClassifyInTransformersJs_WithFastbertsProbabilities()
    {
        var output = Path.Combine(_root, "sms-export");
        var (exit, _, error) = CliRunner.Run(string.Empty, "export", TestPaths.SmsModel, "--output", output);
        Assert.True(exit == 0, error);

        // Held-out SMS pairs (tests/fixtures/sms-pairs), and pairs with an empty side; transformers.js encodes each
        // as [CLS] text [SEP] text_pair [SEP] with token types 0/1, as fastbert predict does for text_pair lines.
        var pairs = File.ReadLines(Path.Combine(TestPaths.SmsPairs, "sms_pairs_test.tsv")).Skip(1).Take(40)
            .Select(line => line.Split('\t'))
            .Select(columns => (object)new { text = columns[0], text_pair = columns[1] })
            .Append(new { text = "WINNER!! Claim your prize now", text_pair = "" })
            .Append(new { text = "", text_pair = "see you at the station at 6" })
            .ToList();

        AssertSameProbabilities(output, "fp32", pairs);
    }

    private void AssertSameProbabilities(string modelFolder, string dtype) =>
        AssertSameProbabilities(modelFolder, dtype, GoldenExample.Load(TestPaths.SmsModel).Select(g => (object)new { text = g.Text }).ToList());

    private void AssertSameProbabilities(string modelFolder, string dtype, IReadOnlyList<object> texts)
    {
        var (peerLabels, peer) = TransformersJs(modelFolder, dtype, texts);
        var (ours, labels) = FastbertPredict(modelFolder, texts);

        Assert.Equal(labels, peerLabels);
        Assert.Equal(texts.Count, peer.Count);
        var worst = 0.0;
        for (var i = 0; i < texts.Count; i++)
        {
            for (var k = 0; k < labels.Count; k++)
            {
                worst = Math.Max(worst, Math.Abs(peer[i][k] - ours[i][k]));
            }
        }

        Assert.True(worst <= Tolerance, $"max |Δp| between transformers.js ({dtype}) and fastbert predict over {texts.Count} texts is {worst:E2} (tolerance {Tolerance:E0}).");
    }

    private (List<string> Labels, List<double[]> Probabilities) TransformersJs(string modelFolder, string dtype, IReadOnlyList<object> texts)
    {
        var textsFile = Path.Combine(_root, "texts.json");
        File.WriteAllText(textsFile, JsonSerializer.Serialize(texts));
        var result = NodeTools.Run("transformers-classify.mjs", [modelFolder, dtype, textsFile]);
        Assert.True(result.ExitCode == 0, $"transformers.js exited with {result.ExitCode}:\n{result.All}");
        using var document = JsonDocument.Parse(result.Output);
        var labels = document.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
        var probabilities = document.RootElement.GetProperty("probabilities").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(p => p.GetDouble()).ToArray()).ToList();
        return (labels, probabilities);
    }

    private static (List<double[]> Probabilities, List<string> Labels) FastbertPredict(string modelFolder, IReadOnlyList<object> lines)
    {
        var input = string.Concat(lines.Select(line => JsonSerializer.Serialize(line) + "\n"));
        var (exit, output, error) = CliRunner.Run(input, "predict", "--model", modelFolder);
        Assert.True(exit == 0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line)).ToList();
        try
        {
            var labels = rows[0].RootElement.GetProperty("probabilities").EnumerateObject().Select(p => p.Name).ToList();
            var probabilities = rows.Select(row => labels.Select(l => row.RootElement.GetProperty("probabilities").GetProperty(l).GetDouble()).ToArray()).ToList();
            return (probabilities, labels);
        }
        finally
        {
            rows.ForEach(row => row.Dispose());
        }
    }
}
