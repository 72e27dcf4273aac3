using System.Text.Json.Nodes;

namespace FastBert.Tests;

/// <summary>
/// The shared SMS model's runnable files in a temporary folder whose config.json says
/// <c>problem_type: multi_label_classification</c>: its two logits then read as two independent labels, and the
/// reference logits in golden_outputs.json give the expected sigmoid probabilities.
/// </summary>
internal sealed class MultiLabelModelFolder : IDisposable
{
    public MultiLabelModelFolder()
    {
        Path = Directory.CreateTempSubdirectory("fastbert-multilabel-").FullName;
        CopySmsModelAsMultiLabel(Path, "model.onnx");
    }

    public string Path { get; }

    public static double Sigmoid(double logit) => 1 / (1 + Math.Exp(-logit));

    /// <summary>
    /// Writes the SMS checkpoint (model.safetensors and tokenizer files) into <paramref name="directory"/> as a
    /// multi-label checkpoint, ham and spam as two independent sigmoids, for commands that export it.
    /// </summary>
    public static void WriteCheckpoint(string directory)
    {
        Directory.CreateDirectory(directory);
        CopySmsModelAsMultiLabel(directory, "model.safetensors");
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    private static void CopySmsModelAsMultiLabel(string directory, string weightsFile)
    {
        foreach (var name in new[] { weightsFile, "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(System.IO.Path.Combine(TestPaths.SmsModel, name), System.IO.Path.Combine(directory, name));
        }

        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(TestPaths.SmsModel, "config.json")))!.AsObject();
        config["problem_type"] = "multi_label_classification";
        File.WriteAllText(System.IO.Path.Combine(directory, "config.json"), config.ToJsonString());
    }
}
