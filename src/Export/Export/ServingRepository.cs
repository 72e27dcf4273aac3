using System.Globalization;
using System.Text;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Models.Onnx;

namespace FastBert.Models.Export;

/// <summary>Which model server a repository is laid out for.</summary>
public enum ServingFormat
{
    /// <summary>A Triton Inference Server model repository for the ONNX Runtime backend.</summary>
    Triton,

    /// <summary>The Triton repository plus a KServe InferenceService manifest that serves it (modelFormat onnx, protocol v2).</summary>
    KServe,
}

/// <summary>Settings of <see cref="ServingRepository.Write"/>.</summary>
public sealed class ServingRepositoryOptions
{
    /// <summary>The model's name in the repository (its folder, Triton's and KServe's name); default the source folder's name.</summary>
    public string? Name { get; init; }

    /// <summary>Triton's max_batch_size: the largest batch its dynamic batcher forms (default 32).</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>How long Triton's dynamic batcher waits to fill a batch (default 2000 µs).</summary>
    public int MaxQueueDelayMicroseconds { get; init; } = 2000;

    /// <summary>ONNX Runtime's intra-op threads per model instance (Triton's intra_op_thread_count; default 1, so instances scale with cores).</summary>
    public int IntraOpThreads { get; init; } = 1;

    /// <summary>CPU instances of the model per server (default 1).</summary>
    public int Instances { get; init; } = 1;

    /// <summary>KServe only: where the cluster finds the repository (<c>s3://bucket/repo</c>, <c>gs://…</c>, <c>pvc://claim/path</c>).</summary>
    public string? StorageUri { get; init; }

    /// <summary>Replace a folder fastbert did not write.</summary>
    public bool Force { get; init; }

    /// <summary>Progress lines.</summary>
    public IProgress<string>? Progress { get; init; }
}

/// <summary>What <see cref="ServingRepository.Write"/> wrote.</summary>
/// <param name="Repository">The repository folder.</param>
/// <param name="Name">The model's name.</param>
/// <param name="ModelDirectory">repository/name: config.pbtxt, labels.txt, the tokenizer files and config.json.</param>
/// <param name="Labels">Label names in output order.</param>
/// <param name="Files">Every file written, relative to <paramref name="Repository"/>.</param>
public sealed record ServingRepositoryResult(string Repository, string Name, string ModelDirectory, IReadOnlyList<string> Labels, IReadOnlyList<string> Files);

/// <summary>
/// Lays a model out for model servers: <c>repo/&lt;name&gt;/config.pbtxt</c> (Triton, ONNX Runtime backend, dynamic
/// batching, CPU instances) and <c>repo/&lt;name&gt;/1/model.onnx</c>, with the tokenizer files, config.json and
/// labels.txt beside config.pbtxt for clients (Triton ignores them); for KServe also <c>repo/inferenceservice.yaml</c>.
/// </summary>
public static class ServingRepository
{
    /// <summary>The repository's stamp: marks a folder as one fastbert wrote (and may replace).</summary>
    public const string StampFile = "fastbert-repository.json";

    internal const string SchemaPrefix = "fastbert.serving-repository/";

    /// <summary>Triton's model configuration file.</summary>
    public const string ConfigFile = "config.pbtxt";

    /// <summary>Label names, one a line in output order (Triton's label_filename for the classification extension).</summary>
    public const string LabelsFile = "labels.txt";

    /// <summary>KServe's manifest, at the repository's root.</summary>
    public const string InferenceServiceFile = "inferenceservice.yaml";

    /// <summary>
    /// Writes the repository from a model folder (model.onnx) or a checkpoint (exported to ONNX first). The output is
    /// staged and swapped in whole (<see cref="OutputFolder"/>).
    /// </summary>
    /// <exception cref="ExportException">The source is neither, or a setting is out of range.</exception>
    public static ServingRepositoryResult Write(string sourceDirectory, string repository, ServingFormat format, ServingRepositoryOptions? options = null)
    {
        options ??= new ServingRepositoryOptions();
        var source = Path.GetFullPath(sourceDirectory);
        if (!Directory.Exists(source))
        {
            throw new ExportException($"{source}: model folder not found.");
        }

        var name = options.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
        CheckSettings(name, format, options);

        using var output = OutputFolder.Begin(repository, OutputKind.ServingRepository, [source], options.Force);
        var model = ModelFolder.FindOnnx(source) is null ? ExportCheckpoint(source, output.ScratchDirectory, options) : source;
        var onnx = ModelFolder.FindOnnx(model)!;
        var labels = ConfigJson.Load(Path.Combine(model, ModelFolder.ConfigFile)).LabelsOrDefault();

        var modelDirectory = Path.Combine(output.Directory, name);
        Directory.CreateDirectory(Path.Combine(modelDirectory, "1"));
        OutputFiles.CopyWritable(onnx, Path.Combine(modelDirectory, "1", ModelFolder.OnnxFile));
        foreach (var file in ModelFolder.CarriedFiles)
        {
            var from = Path.Combine(model, file);
            if (File.Exists(from))
            {
                OutputFiles.CopyWritable(from, Path.Combine(modelDirectory, file));
            }
        }

        File.WriteAllText(Path.Combine(modelDirectory, LabelsFile), string.Join('\n', labels) + "\n", new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(modelDirectory, ConfigFile), TritonConfig(name, labels.Count, options), new UTF8Encoding(false));
        if (format == ServingFormat.KServe)
        {
            File.WriteAllText(Path.Combine(output.Directory, InferenceServiceFile), InferenceService(name, options.StorageUri!), new UTF8Encoding(false));
        }

        File.WriteAllText(Path.Combine(output.Directory, StampFile), JsonSerializer.Serialize(new
        {
            schema = SchemaPrefix + "1",
            format = format == ServingFormat.Triton ? "triton" : "kserve",
            model = name,
            source,
        }));

        var files = Directory.EnumerateFiles(output.Directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(output.Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        options.Progress?.Report($"Writing {output.Target}");
        output.Commit();
        return new ServingRepositoryResult(output.Target, name, Path.Combine(output.Target, name), labels, files);
    }

    /// <summary>
    /// Triton's config.pbtxt for a BERT classifier: the three int64 inputs of variable length (the batch dimension is
    /// implied by max_batch_size), logits of width <paramref name="labelCount"/>, dynamic batching and CPU instances.
    /// </summary>
    public static string TritonConfig(string name, int labelCount, ServingRepositoryOptions options)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"# Written by fastbert export --format triton. Tokenize with the files beside this one (FastBert.Sdk's TritonClassifierClient does).");
        Line($"name: \"{name}\"");
        Line("platform: \"onnxruntime_onnx\"");
        Line(Invariant($"max_batch_size: {options.MaxBatchSize}"));
        foreach (var input in new[] { "input_ids", "attention_mask", "token_type_ids" })
        {
            Line("input {");
            Line($"  name: \"{input}\"");
            Line("  data_type: TYPE_INT64");
            Line("  dims: [ -1 ]");
            Line("}");
        }

        Line("output {");
        Line("  name: \"logits\"");
        Line("  data_type: TYPE_FP32");
        Line(Invariant($"  dims: [ {labelCount} ]"));
        Line($"  label_filename: \"{LabelsFile}\"");
        Line("}");
        Line("dynamic_batching {");
        Line(Invariant($"  max_queue_delay_microseconds: {options.MaxQueueDelayMicroseconds}"));
        Line("}");
        Line("instance_group {");
        Line(Invariant($"  count: {options.Instances}"));
        Line("  kind: KIND_CPU");
        Line("}");
        Line("parameters {");
        Line("  key: \"intra_op_thread_count\"");
        Line(Invariant($"  value: {{ string_value: \"{options.IntraOpThreads}\" }}"));
        Line("}");
        return text.ToString();
    }

    /// <summary>A KServe InferenceService serving the repository at <paramref name="storageUri"/> (ONNX, protocol v2, so Triton).</summary>
    public static string InferenceService(string name, string storageUri)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line("# Written by fastbert export --format kserve: serves the Triton model repository beside this file once it is");
        Line("# uploaded to storageUri. kubectl apply -f inferenceservice.yaml");
        Line("apiVersion: serving.kserve.io/v1beta1");
        Line("kind: InferenceService");
        Line("metadata:");
        Line($"  name: {name}");
        Line("spec:");
        Line("  predictor:");
        Line("    model:");
        Line("      modelFormat:");
        Line("        name: onnx");
        Line("      protocolVersion: v2");
        Line($"      storageUri: {JsonSerializer.Serialize(storageUri)}");
        Line("      resources:");
        Line("        requests:");
        Line("          cpu: \"1\"");
        Line("          memory: 1Gi");
        return text.ToString();
    }

    private static string ExportCheckpoint(string source, string scratch, ServingRepositoryOptions options)
    {
        if (ModelFolder.FindWeights(source) is null)
        {
            throw new ExportException($"{source}: neither a model folder (model.onnx, vocab.txt, config.json) nor a checkpoint (config.json, model.safetensors or pytorch_model.bin). Point export at one of those.");
        }

        var exported = Path.Combine(scratch, "model");
        Directory.CreateDirectory(exported);
        OnnxExporter.ExportInto(source, exported, new ExportOptions { Progress = options.Progress });
        return exported;
    }

    private static void CheckSettings(string name, ServingFormat format, ServingRepositoryOptions options)
    {
        // Triton and Kubernetes both take the name: a DNS label (lowercase letters, digits, '-') fits both.
        if (name.Length is 0 or > 63 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || name[0] == '-' || name[^1] == '-')
        {
            throw new ExportException($"'{name}' cannot name a served model: use 1-63 lowercase letters, digits and '-' (not first or last), e.g. --name sms-spam.");
        }

        if (options.MaxBatchSize < 1 || options.IntraOpThreads < 1 || options.Instances < 1 || options.MaxQueueDelayMicroseconds < 0)
        {
            throw new ExportException("--max-batch-size, --intra-op-threads and instance counts must be 1 or more.");
        }

        if (format == ServingFormat.KServe && string.IsNullOrWhiteSpace(options.StorageUri))
        {
            throw new ExportException("--format kserve needs --storage-uri: where the cluster will find this repository (s3://bucket/path, gs://bucket/path or pvc://claim/path).");
        }
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
