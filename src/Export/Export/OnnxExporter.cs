using System.Diagnostics;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;
using Google.Protobuf;

namespace FastBert.Models.Export;

/// <summary>Options of <see cref="OnnxExporter.Export"/>.</summary>
public sealed record ExportOptions
{
    /// <summary>Graph form; see <see cref="OnnxGraphForm"/>. Default: the measured faster exact one.</summary>
    public OnnxGraphForm Form { get; init; } = OnnxExporter.DefaultForm;

    /// <summary>
    /// Replace an existing output folder that fastbert did not write (no model.json). Default: false, such a folder
    /// is refused; fastbert's own earlier output is always replaced.
    /// </summary>
    public bool Force { get; init; }

    /// <summary>Progress messages (one line each), e.g. for the console.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>
    /// Also write what Hugging Face tools load (tokenizer.json and its config files, onnx/model.onnx; see
    /// <see cref="HubLayout"/>). Default: true. The export cache, read only by fastbert, turns it off.
    /// </summary>
    public bool HubLayout { get; init; } = true;

    /// <summary>
    /// Runs on the staged folder once model.onnx and model.json are written, before the Hub files are added and the
    /// folder is placed; its files are hashed into model.json with the rest. The tool writes model.ort here
    /// (ONNX Runtime's pre-optimised graph, which this ORT-free library cannot make).
    /// </summary>
    public Action<string>? CompleteFolder { get; init; }
}

/// <summary>What an export wrote.</summary>
public sealed record ExportResult(string OutputDirectory, ModelDescription Model, TimeSpan Elapsed);

/// <summary>
/// Turns a Hugging Face checkpoint folder (config.json + model.safetensors or pytorch_model.bin + vocab.txt) into
/// a runnable model folder: model.onnx, tokenizer files, config.json and model.json, written through an
/// <see cref="OutputFolder"/>: a failure or a kill never leaves a partial folder, and a folder of the user's is refused.
/// </summary>
public static class OnnxExporter
{
    // Measured (README, Benchmarks): plain ops that ONNX Runtime fuses at session creation beat the hand-emitted
    // contrib ops at batch 1 and 32, on the 2-layer SMS model and on a 4-layer TinyBERT shape.
    public const OnnxGraphForm DefaultForm = OnnxGraphForm.Standard;

    public static ExportResult Export(string checkpointDirectory, string outputDirectory, ExportOptions? options = null)
    {
        options ??= new ExportOptions();
        var stopwatch = Stopwatch.StartNew();
        var source = Path.GetFullPath(checkpointDirectory);
        if (!Directory.Exists(source))
        {
            throw new ExportException($"{source}: checkpoint folder not found.");
        }

        using var output = OutputFolder.Begin(outputDirectory, OutputKind.Model, [source], options.Force);
        var description = ExportInto(source, output.Directory, options);
        if (options.CompleteFolder is { } complete)
        {
            complete(output.Directory);
            description = ModelDescription.Read(Path.Combine(output.Directory, ModelDescription.FileName));
        }

        if (options.HubLayout)
        {
            FastBert.Models.Export.HubLayout.AddTo(output.Directory, ModelFolder.OnnxLayoutFile);
            description = ModelDescription.Read(Path.Combine(output.Directory, ModelDescription.FileName));
        }

        options.Progress?.Report($"Writing {output.Target}");
        output.Commit();
        return new ExportResult(output.Target, description, stopwatch.Elapsed);
    }

    /// <summary>Writes the model folder's files into <paramref name="folder"/> (empty, created by the caller, who owns its placement).</summary>
    internal static ModelDescription ExportInto(string source, string folder, ExportOptions options)
    {
        var config = TransformerConfig.Load(Path.Combine(source, ModelFolder.ConfigFile));
        CheckpointTokenizer.Verify(source, config);

        options.Progress?.Report($"Reading {config.ModelType} checkpoint from {source}");
        byte[] onnx;
        string weightsFile;
        using (var checkpoint = CheckpointLoader.Open(source))
        {
            weightsFile = checkpoint.Path;
            options.Progress?.Report($"Building ONNX graph ({options.Form}, {config.NumLayers} layers, hidden {config.HiddenSize}, {config.NumLabels} labels)");
            onnx = BuildOnnx(config, checkpoint, options.Form);
        }

        File.WriteAllBytes(Path.Combine(folder, ModelFolder.OnnxFile), onnx);
        foreach (var file in ModelFolder.CarriedFiles)
        {
            var from = Path.Combine(source, file);
            if (File.Exists(from))
            {
                OutputFiles.CopyWritable(from, Path.Combine(folder, file));
            }
        }

        var description = ModelDescriptions.Create(config, folder, Path.GetFileName(weightsFile), options.Form, source);
        description.Write(Path.Combine(folder, ModelDescription.FileName));
        return description;
    }

    /// <summary>The ONNX model bytes for a config and its weights; the same inputs give the same bytes.</summary>
    /// <exception cref="CheckpointFormatException">A tensor's stored shape disagrees with the config.</exception>
    /// <exception cref="ExportException">A tensor is missing or holds NaN or infinite values.</exception>
    public static byte[] BuildOnnx(TransformerConfig config, ICheckpoint checkpoint, OnnxGraphForm form)
    {
        ExpectedTensorShapes.Verify(config, checkpoint);
        var spec = ToSpec(config);
        var writer = new TransformerGraphWriter(spec, name => ReadWeight(checkpoint, name), form);
        var metadata = new Dictionary<string, string>
        {
            ["fastbert.model_type"] = config.ModelType.ToString().ToLowerInvariant(),
            ["fastbert.labels"] = JsonSerializer.Serialize(config.Id2Label),
            ["fastbert.graph_form"] = form.ToString().ToLowerInvariant(),
        };
        return writer.Write(typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0.0.0", metadata).ToByteArray();
    }

    internal static ArchitectureSpec ToSpec(TransformerConfig config) => ArchitectureSpec.For(config);

    /// <summary>
    /// A stored tensor by canonical name as float32; a missing tensor, or one holding NaN or infinity (which would
    /// make every prediction NaN), is an <see cref="ExportException"/>.
    /// </summary>
    internal static WeightTensor ReadWeight(ICheckpoint checkpoint, string name)
    {
        TensorInfo info;
        try
        {
            info = checkpoint.Get(name);
        }
        catch (KeyNotFoundException ex)
        {
            throw new ExportException(ex.Message, ex);
        }

        var values = checkpoint.ReadFloat32(info.Name);
        RequireFinite(checkpoint.Path, info.Name, values);
        return new WeightTensor(values, info.Shape.ToArray());
    }

    private static void RequireFinite(string weightsFile, string tensorName, float[] values)
    {
        var first = Array.FindIndex(values, v => !float.IsFinite(v));
        if (first < 0)
        {
            return;
        }

        var count = values.Count(v => !float.IsFinite(v));
        throw new ExportException(
            $"{weightsFile}: tensor '{tensorName}' holds {count} non-finite value(s) (the first, {values[first].ToString(System.Globalization.CultureInfo.InvariantCulture)}, at element {first}); " +
            "every prediction would be NaN. The checkpoint is corrupt or its training diverged: use a checkpoint saved before the loss became NaN.");
    }

}
