namespace FastBert.ModelFolders;

/// <summary>What a model folder holds: a Hugging Face checkpoint, a runnable ONNX model, both, or neither.</summary>
[Flags]
public enum ModelFolderContents
{
    None = 0,

    /// <summary>config.json and model.safetensors or pytorch_model.bin: something to export or quantize from.</summary>
    Checkpoint = 1,

    /// <summary>model.onnx: something ONNX Runtime can load as it is.</summary>
    Onnx = 2,

    Both = Checkpoint | Onnx,
}

/// <summary>
/// The one description of a model folder's layout, shared by the runtime, the exporter, the quantizer, the build
/// tasks and the tool: which files make a checkpoint, which make a runnable model, which are carried along.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string VocabularyFile = "vocab.txt";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";
    public const string TokenizerJsonFile = "tokenizer.json";
    public const string OnnxFile = "model.onnx";
    public const string DescriptionFile = "model.json";
    public const string SafetensorsFile = "model.safetensors";
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>Weight files of a checkpoint, in order of preference.</summary>
    public static IReadOnlyList<string> WeightFiles { get; } = [SafetensorsFile, PyTorchFile];

    /// <summary>Tokenizer files; vocab.txt is the one the tokenizer needs.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } = [VocabularyFile, TokenizerConfigFile, SpecialTokensMapFile, TokenizerJsonFile];

    /// <summary>Files carried unchanged from a checkpoint into the model folder made from it (when present).</summary>
    public static IReadOnlyList<string> CarriedFiles { get; } = [ConfigFile, .. TokenizerFiles];

    /// <summary>Every file an export reads: its result depends on these and nothing else.</summary>
    public static IReadOnlyList<string> CheckpointFiles { get; } = [.. CarriedFiles, .. WeightFiles];

    /// <summary>Files a runnable model folder must have.</summary>
    public static IReadOnlyList<string> RequiredRuntimeFiles { get; } = [OnnxFile, VocabularyFile, ConfigFile];

    /// <summary>Every file the runtime reads (required or optional); nothing else in a folder ships with an app.</summary>
    public static IReadOnlyList<string> RuntimeFiles { get; } = [.. RequiredRuntimeFiles, TokenizerConfigFile, SpecialTokensMapFile, TokenizerJsonFile, DescriptionFile];

    /// <summary>Every file any fastbert command reads from a model folder, for build inputs and hashing.</summary>
    public static IReadOnlyList<string> AllFiles { get; } = [.. CheckpointFiles, OnnxFile];

    /// <summary>What <paramref name="directory"/> holds; <see cref="ModelFolderContents.None"/> when it does not exist.</summary>
    public static ModelFolderContents Inspect(string directory)
    {
        var contents = ModelFolderContents.None;
        if (!Directory.Exists(directory))
        {
            return contents;
        }

        if (File.Exists(Path.Combine(directory, ConfigFile)) && WeightFiles.Any(name => File.Exists(Path.Combine(directory, name))))
        {
            contents |= ModelFolderContents.Checkpoint;
        }

        if (File.Exists(Path.Combine(directory, OnnxFile)))
        {
            contents |= ModelFolderContents.Onnx;
        }

        return contents;
    }

    /// <summary>The first weight file present in <paramref name="directory"/>, or null.</summary>
    public static string? FindWeights(string directory) =>
        WeightFiles.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    /// <summary>Names of <paramref name="names"/> missing from <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Missing(string directory, IEnumerable<string> names) =>
        names.Where(name => !File.Exists(Path.Combine(directory, name))).ToList();
}
