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
        foreach (var name in new[] { "model.onnx", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(System.IO.Path.Combine(TestPaths.SmsModel, name), System.IO.Path.Combine(Path, name));
        }

        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(TestPaths.SmsModel, "config.json")))!.AsObject();
        config["problem_type"] = "multi_label_classification";
        File.WriteAllText(System.IO.Path.Combine(Path, "config.json"), config.ToJsonString());
    }

    public string Path { get; }

    public static double Sigmoid(double logit) => 1 / (1 + Math.Exp(-logit));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
