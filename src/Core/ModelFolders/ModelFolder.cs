namespace FastBert.ModelFolders;

/// <summary>What a model folder holds: a Hugging Face checkpoint, a runnable ONNX model, both, or neither.</summary>
[Flags]
public enum ModelFolderContents
{
    None = 0,

    /// <summary>config.json and model.safetensors or pytorch_model.bin: something to export or quantize from.</summary>
    Checkpoint = 1,

    /// <summary>model.onnx or onnx/model.onnx: something ONNX Runtime can load as it is.</summary>
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

    /// <summary>The pre-optimised ONNX Runtime–format graph fastbert writes beside model.onnx (see model.json's runtimeGraph).</summary>
    public const string RuntimeGraphFile = "model.ort";
    public const string SafetensorsFile = "model.safetensors";
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>The ONNX file of the Optimum / transformers.js layout (its variants sit beside it, e.g. onnx/model_quantized.onnx).</summary>
    public const string OnnxLayoutFile = "onnx/model.onnx";

    /// <summary>ONNX files used when none is named, in order: fastbert's root model.onnx, else onnx/model.onnx.</summary>
    public static IReadOnlyList<string> DefaultOnnxFiles { get; } = [OnnxFile, OnnxLayoutFile];

    /// <summary>Weight files of a checkpoint, in order of preference.</summary>
    public static IReadOnlyList<string> WeightFiles { get; } = [SafetensorsFile, PyTorchFile];

    /// <summary>Tokenizer files; vocab.txt is the one the tokenizer needs.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } = [VocabularyFile, TokenizerConfigFile, SpecialTokensMapFile, TokenizerJsonFile];

    /// <summary>Files carried unchanged from a checkpoint into the model folder made from it (when present).</summary>
    public static IReadOnlyList<string> CarriedFiles { get; } = [ConfigFile, .. TokenizerFiles];

    /// <summary>Every file an export reads: its result depends on these and nothing else.</summary>
    public static IReadOnlyList<string> CheckpointFiles { get; } = [.. CarriedFiles, .. WeightFiles];

    /// <summary>Files a runnable model folder must have (its tokenizer may be tokenizer.json instead of vocab.txt,
    /// its ONNX file onnx/model.onnx or a named variant instead of model.onnx: see <see cref="MissingRuntimeFiles"/>).</summary>
    public static IReadOnlyList<string> RequiredRuntimeFiles { get; } = [OnnxFile, VocabularyFile, ConfigFile];

    /// <summary>Tokenizer files the runtime can build its tokenizer from, in order of preference.</summary>
    public static IReadOnlyList<string> TokenizerSources { get; } = [VocabularyFile, TokenizerJsonFile];

    /// <summary>Every file the runtime reads (required or optional); nothing else in a folder ships with an app.</summary>
    public static IReadOnlyList<string> RuntimeFiles { get; } = [.. RequiredRuntimeFiles, TokenizerConfigFile, SpecialTokensMapFile, TokenizerJsonFile, DescriptionFile, RuntimeGraphFile];

    /// <summary>
    /// The int8 model where transformers.js (dtype q8) and Optimum look for it. export writes a copy of its model.onnx
    /// as <see cref="OnnxLayoutFile"/>, quantize as this file, so Hugging Face tools load fastbert's folders as they are.
    /// </summary>
    public const string QuantizedOnnxLayoutFile = "onnx/model_quantized.onnx";

    /// <summary>Every file any fastbert command reads from a model folder, for build inputs and hashing.</summary>
    public static IReadOnlyList<string> AllFiles { get; } = [.. CheckpointFiles, .. DefaultOnnxFiles];

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

        if (FindOnnx(directory) is not null)
        {
            contents |= ModelFolderContents.Onnx;
        }

        return contents;
    }

    /// <summary>
    /// The full path of the ONNX file to run: <paramref name="onnxFile"/> (a path relative to the folder, e.g.
    /// onnx/model_quantized.onnx) when named, else the first of <see cref="DefaultOnnxFiles"/> present; null when absent.
    /// </summary>
    public static string? FindOnnx(string directory, string? onnxFile = null)
    {
        if (onnxFile is not null)
        {
            string named = Path.Combine(directory, onnxFile);
            return File.Exists(named) ? named : null;
        }

        return DefaultOnnxFiles.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Why <paramref name="onnxFile"/> cannot name a model file inside a folder, or null when it can.</summary>
    public static string? InvalidOnnxFileReason(string onnxFile)
    {
        var segments = onnxFile.Split('/');
        if (string.IsNullOrWhiteSpace(onnxFile) || onnxFile.Contains('\\') || Path.IsPathRooted(onnxFile)
            || segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl)))
        {
            return $"'{onnxFile}' is not a relative path inside the model folder; write it with '/' like onnx/model_quantized.onnx.";
        }

        return onnxFile.EndsWith(".onnx", StringComparison.Ordinal) ? null : $"'{onnxFile}' is not an .onnx file; name one such as onnx/model_quantized.onnx.";
    }

    /// <summary>The ONNX files of <paramref name="directory"/> (at its root and under onnx/), as relative paths with '/', sorted.</summary>
    public static IReadOnlyList<string> OnnxFilesIn(string directory)
    {
        var found = new List<string>();
        foreach (var folder in new[] { string.Empty, "onnx" })
        {
            var full = Path.Combine(directory, folder);
            if (Directory.Exists(full))
            {
                found.AddRange(Directory.GetFiles(full, "*.onnx").Select(f => (folder.Length == 0 ? string.Empty : folder + "/") + Path.GetFileName(f)));
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>
    /// Why the ONNX file named <paramref name="onnxFile"/> cannot be run from <paramref name="directory"/> (not a
    /// relative .onnx path, or absent: then the message lists the ONNX files the folder does hold), or null when it can.
    /// </summary>
    public static string? NamedOnnxFileProblem(string directory, string onnxFile)
    {
        if (InvalidOnnxFileReason(onnxFile) is { } invalid)
        {
            return invalid;
        }

        if (FindOnnx(directory, onnxFile) is not null)
        {
            return null;
        }

        var variants = OnnxFilesIn(directory);
        return $"{directory} has no {onnxFile}; "
            + (variants.Count == 0 ? "it holds no ONNX file." : $"its ONNX files are: {string.Join(", ", variants)}.");
    }

    /// <summary>
    /// What a runnable folder lacks, as names to show: its ONNX file (<paramref name="onnxFile"/>, else model.onnx or
    /// onnx/model.onnx), a tokenizer (vocab.txt or tokenizer.json) and config.json.
    /// </summary>
    public static IReadOnlyList<string> MissingRuntimeFiles(string directory, string? onnxFile = null)
    {
        var missing = new List<string>();
        if (FindOnnx(directory, onnxFile) is null)
        {
            missing.Add(onnxFile ?? string.Join(" or ", DefaultOnnxFiles));
        }

        if (!TokenizerSources.Any(name => File.Exists(Path.Combine(directory, name))))
        {
            missing.Add(string.Join(" or ", TokenizerSources));
        }

        if (!File.Exists(Path.Combine(directory, ConfigFile)))
        {
            missing.Add(ConfigFile);
        }

        return missing;
    }

    /// <summary>The first weight file present in <paramref name="directory"/>, or null.</summary>
    public static string? FindWeights(string directory) =>
        WeightFiles.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    /// <summary>Names of <paramref name="names"/> missing from <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Missing(string directory, IEnumerable<string> names) =>
        names.Where(name => !File.Exists(Path.Combine(directory, name))).ToList();
}
