using FastBert.ModelFolders;
using Microsoft.ML.OnnxRuntime;

namespace FastBert;

/// <summary>
/// model.ort: the model's graph optimised once by ONNX Runtime and saved in its own format, so that loading skips
/// parsing the ONNX protobuf, copying the weights and optimising the graph (measured: README, Benchmarks). fastbert's
/// export, quantize and prepare write it beside model.onnx; <see cref="BertModel.Load"/> memory-maps it when
/// model.json says it was made from that model.onnx by the running ONNX Runtime version, and loads model.onnx
/// otherwise. model.onnx stays the portable model every other tool reads.
/// </summary>
public static class RuntimeGraph
{
    public const string Format = "ort";

    /// <summary>Hardware-independent fusions for the CPU provider; "all" adds layout changes tied to the CPU it ran on.</summary>
    public const string Optimization = "extended";

    /// <summary>The ONNX Runtime version this process runs.</summary>
    public static string OrtVersion => OrtEnv.Instance().GetVersionString();

    /// <summary>
    /// Writes model.ort from the folder's model.onnx and records it (runtimeGraph, its sha256) in the folder's
    /// model.json. The folder is one fastbert is writing (staged, not yet placed).
    /// </summary>
    /// <returns>
    /// The folder's model.json as now written; null when ONNX Runtime could not optimise or save the graph — then
    /// nothing is written and <paramref name="progress"/> says why: model.ort is an optimisation, never a reason for
    /// an export to fail.
    /// </returns>
    public static ModelDescription? Write(string folder, IProgress<string>? progress = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var onnx = Path.Combine(folder, ModelFolder.OnnxFile);
        var target = Path.Combine(folder, ModelFolder.RuntimeGraphFile);
        var partial = target + ".partial";
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, IntraOpNumThreads = 1, OptimizedModelFilePath = partial })
            {
                options.AddSessionConfigEntry("session.save_model_format", "ORT");
                using (new InferenceSession(onnx, options))
                {
                }
            }

            File.Move(partial, target, overwrite: true);
        }
        catch (OnnxRuntimeException ex)
        {
            progress?.Report($"model.ort not written: ONNX Runtime could not optimise {onnx} ({ex.Message}); the model runs from model.onnx.");
            return null;
        }
        finally
        {
            File.Delete(partial);
        }

        var graph = new RuntimeGraphDescription(ModelFolder.RuntimeGraphFile, Format, OrtVersion, Optimization, ModelFolder.OnnxFile, new FileInfo(onnx).Length);
        var descriptionPath = Path.Combine(folder, ModelDescription.FileName);
        var description = ModelDescription.Read(descriptionPath);
        var files = new SortedDictionary<string, string>(description.Files.ToDictionary(), StringComparer.Ordinal)
        {
            [ModelFolder.RuntimeGraphFile] = FileHashes.Sha256(target),
        };
        description = description with { RuntimeGraph = graph, Files = files };
        description.Write(descriptionPath);
        return description;
    }

    /// <summary>
    /// The folder's model.ort when it may stand in for <paramref name="modelFile"/>: recorded in model.json as made
    /// from that file, by this ONNX Runtime version, and the file still has the length it had then; else null.
    /// </summary>
    internal static string? UsableFor(string directory, string modelFile, ModelDescription? description)
    {
        if (description?.RuntimeGraph is not { } graph
            || graph.Format != Format
            || graph.File != ModelFolder.RuntimeGraphFile
            || !string.Equals(Path.GetFullPath(Path.Combine(directory, graph.OnnxFile)), Path.GetFullPath(modelFile), StringComparison.Ordinal)
            || graph.OrtVersion != OrtVersion)
        {
            return null;
        }

        var path = Path.Combine(directory, graph.File);
        return File.Exists(path) && new FileInfo(modelFile).Length == graph.OnnxBytes ? path : null;
    }

    /// <summary>Session settings that load model.ort as it is: memory-mapped, weights used in place, no optimisation.</summary>
    internal static void ConfigureLoad(SessionOptions options)
    {
        options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        options.AddSessionConfigEntry("session.load_model_format", "ORT");
        options.AddSessionConfigEntry("session.use_memory_mapped_ort_model", "1");
        options.AddSessionConfigEntry("session.use_ort_model_bytes_for_initializers", "1");
    }
}
