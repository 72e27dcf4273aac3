using System.Text.Json.Nodes;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Reports;
using FastBert.Training.Modeling;

namespace FastBert.Training;

/// <summary>
/// Writes a trained classifier as a Hugging Face checkpoint folder that export, quantize, prepare and a manifest
/// read directly: config.json (the base's, with the new id2label/label2id and the sequence-classification
/// architecture), model.safetensors (LoRA merged), the tokenizer files, train.json, and with adapters kept
/// adapter_model.safetensors + adapter_config.json (PEFT's layout).
/// </summary>
internal static class TrainedCheckpoint
{
    public const string SummaryFileName = "train.json";
    public const string AdapterWeightsFileName = "adapter_model.safetensors";
    public const string AdapterConfigFileName = "adapter_config.json";


    public static void Write(string folder, string baseDirectory, TransformerClassifier model, TrainingSummary summary, bool keepAdapters)
    {
        File.WriteAllText(Path.Combine(folder, ModelFolder.ConfigFile), ConfigJson(Path.Combine(baseDirectory, ModelFolder.ConfigFile), model.Config, ClassificationProblems.TryParse(summary.Problem) ?? ClassificationProblem.SingleLabel));
        SafetensorsWriter.Write(Path.Combine(folder, ModelFolder.SafetensorsFile), model.ExportWeights(), new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var file in ModelFolder.TokenizerFiles)
        {
            var source = Path.Combine(baseDirectory, file);
            if (File.Exists(source))
            {
                OutputFiles.CopyWritable(source, Path.Combine(folder, file));
            }
        }

        if (keepAdapters && model.Adapters.Count > 0)
        {
            SafetensorsWriter.Write(Path.Combine(folder, AdapterWeightsFileName), model.ExportAdapters(), new Dictionary<string, string> { ["format"] = "pt" });
            File.WriteAllText(Path.Combine(folder, AdapterConfigFileName), AdapterConfigJson(model, baseDirectory));
        }

        WriteSummary(folder, summary);
    }

    public static void WriteSummary(string folder, TrainingSummary summary) =>
        File.WriteAllText(Path.Combine(folder, SummaryFileName), JsonSerializer.Serialize(summary, Report.JsonOptions) + "\n");

    private static string ConfigJson(string baseConfigPath, TransformerConfig config, ClassificationProblem problem)
    {
        var root = JsonNode.Parse(File.ReadAllText(baseConfigPath)) as JsonObject
            ?? throw new TrainingException($"{baseConfigPath}: the top level is not a JSON object.");
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (var i = 0; i < config.Id2Label.Count; i++)
        {
            id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = config.Id2Label[i];
            label2id[config.Id2Label[i]] = i;
        }

        root["id2label"] = id2label;
        root["label2id"] = label2id;
        root.Remove("num_labels");
        root["architectures"] = new JsonArray(config.ModelType switch
        {
            ModelType.DistilBert => "DistilBertForSequenceClassification",
            ModelType.Electra => "ElectraForSequenceClassification",
            _ => "BertForSequenceClassification",
        });
        root["problem_type"] = problem.ConfigName();
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static string AdapterConfigJson(TransformerClassifier model, string baseDirectory)
    {
        var first = model.Adapters.Values.First();
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "SEQ_CLS",
            ["base_model_name_or_path"] = Path.GetFullPath(baseDirectory),
            ["r"] = first.Rank,
            ["lora_alpha"] = first.Scale * first.Rank,
            ["lora_dropout"] = first.Dropout,
            ["target_modules"] = new JsonArray(model.Adapters.Keys.Select(k => (JsonNode)k).ToArray()),
            ["modules_to_save"] = new JsonArray(model.Spec.HeadLinears.Select(l => (JsonNode)l.Module).ToArray()),
            ["merged_into"] = ModelFolder.SafetensorsFile,
        };
        return config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
