using FastBert.ModelFolders;

namespace FastBert;

/// <summary>The runtime's view of a model folder's config.json (read by <see cref="ConfigJson"/>, the one reader).</summary>
internal sealed record ModelConfig(string? ModelType, IReadOnlyList<string>? Id2Label, int? MaxPositionEmbeddings, ClassificationProblem Problem = ClassificationProblem.SingleLabel)
{
    public const string FileName = ModelFolder.ConfigFile;

    /// <summary>Reads the folder's config.json; a folder without one (a bare ONNX export) has no labels or limits.</summary>
    /// <exception cref="ModelLoadException">The file exists but is unreadable or holds invalid values.</exception>
    public static ModelConfig Read(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path))
        {
            return new ModelConfig(null, null, null);
        }

        try
        {
            var json = ConfigJson.Load(path);
            return new ModelConfig(
                json.String("model_type"),
                json.Id2Label(),
                json.OptionalInt("max_position_embeddings", min: 1, max: ConfigJson.Limits.PositionEmbeddings),
                json.Problem());
        }
        catch (ConfigException ex)
        {
            throw new ModelLoadException(path, ex.Reason, ex);
        }
    }
}
