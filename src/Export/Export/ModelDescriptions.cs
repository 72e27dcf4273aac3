using FastBert.ModelFolders;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;

namespace FastBert.Models.Export;

/// <summary>Builds the model.json of a folder the exporter or quantizer wrote.</summary>
public static class ModelDescriptions
{
    public static ModelDescription Create(TransformerConfig config, string folder, string sourceWeights, OnnxGraphForm form, string? sourceDirectory = null, string? quantization = null) =>
        new()
        {
            Architecture = config.Architectures.FirstOrDefault() ?? $"{config.ModelType}ForSequenceClassification",
            ModelType = config.ModelType.ToString().ToLowerInvariant(),
            Labels = config.Id2Label,
            Inputs = config.ModelType == ModelType.DistilBert
                ? ["input_ids", "attention_mask"]
                : ["input_ids", "attention_mask", "token_type_ids"],
            Output = "logits",
            MaxPositionEmbeddings = config.MaxPositionEmbeddings,
            GraphForm = form.ToString().ToLowerInvariant(),
            SourceWeights = sourceWeights,
            SourceDirectory = sourceDirectory,
            Source = sourceDirectory,
            Problem = config.Problem == ClassificationProblem.MultiLabel ? config.Problem.Name() : null,
            Quantization = quantization,
            Files = FileHashes.OfFolder(folder, ModelDescription.FileName),
        };

    /// <summary>model.json for a folder holding a model.onnx fastbert did not export (e.g. from the PyTorch exporter).</summary>
    public static ModelDescription ForReadyModel(TransformerConfig config, string folder) =>
        Create(config, folder, ModelFolder.OnnxFile, OnnxGraphForm.Standard) with { GraphForm = "imported" };
}
