using System.CommandLine;
using System.Text.Json;
using FastBert.Models.Export;
using FastBert.Models.Onnx;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert export &lt;checkpoint-dir&gt; --output &lt;dir&gt; [--form fused|standard] [--force] [--json]</c>: a Hugging Face
/// checkpoint folder to model.onnx + tokenizer files + config.json + model.json, in pure C#. With
/// <c>--format triton|kserve</c> (from a checkpoint or a model folder): a model repository for Triton / KServe.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<DirectoryInfo>("checkpoint-dir") { Description = "Checkpoint folder: config.json, model.safetensors or pytorch_model.bin, vocab.txt." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder to write (an earlier export there is replaced atomically; a folder of other files needs --force).", Required = true };
        var force = ForceOption.Create("model.json");
        var form = new Option<OnnxGraphForm>("--form") { Description = "Graph form: standard (plain ONNX ops that ONNX Runtime fuses at load; default, measured faster) or fused (ONNX Runtime contrib ops emitted directly).", DefaultValueFactory = _ => OnnxExporter.DefaultForm };
        var json = new Option<bool>("--json") { Description = "Print a machine-readable summary on stdout instead of progress lines." };
        var format = new Option<string>("--format") { Description = "onnx (a model folder; default), triton (a Triton model repository: <output>/<name>/config.pbtxt and 1/model.onnx) or kserve (that repository plus inferenceservice.yaml).", DefaultValueFactory = _ => "onnx" };
        format.AcceptOnlyFromAmong("onnx", "triton", "kserve");
        var name = new Option<string?>("--name") { Description = "triton/kserve: the served model's name (default the model folder's name)." };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "triton/kserve: max_batch_size of Triton's dynamic batcher.", DefaultValueFactory = _ => 32 };
        var threads = new Option<int>("--intra-op-threads") { Description = "triton/kserve: ONNX Runtime intra-op threads per model instance.", DefaultValueFactory = _ => 1 };
        var storage = new Option<string?>("--storage-uri") { Description = "kserve: where the cluster finds the repository (s3://…, gs://…, pvc://…)." };
        var command = new Command("export", "Export a Hugging Face BERT / DistilBERT / ELECTRA checkpoint to ONNX.\nExample: fastbert export ./my-checkpoint --output ./my-model")
        {
            checkpoint,
            output,
            form,
            force,
            json,
            format,
            name,
            maxBatch,
            threads,
            storage,
        };
        command.SetAction(parse => parse.GetValue(format) is "triton" or "kserve"
            ? RunServing(parse.GetRequiredValue(checkpoint), parse.GetRequiredValue(output), parse.GetValue(format) == "triton" ? ServingFormat.Triton : ServingFormat.KServe, new ServingRepositoryOptions
            {
                Name = parse.GetValue(name),
                MaxBatchSize = parse.GetValue(maxBatch),
                IntraOpThreads = parse.GetValue(threads),
                StorageUri = parse.GetValue(storage),
                Force = parse.GetValue(force),
                Progress = new SynchronousProgress(parse.InvocationConfiguration.Error, parse.GetValue(json)),
            }, parse.GetValue(json), parse.InvocationConfiguration)
            : Run(parse.GetRequiredValue(checkpoint), parse.GetRequiredValue(output), parse.GetValue(form), parse.GetValue(force), parse.GetValue(json), parse.InvocationConfiguration));
        return command;
    }

    private static int Run(DirectoryInfo checkpoint, DirectoryInfo output, OnnxGraphForm form, bool force, bool json, InvocationConfiguration io)
    {
        var progress = new SynchronousProgress(io.Error, json);
        var result = OnnxExporter.Export(checkpoint.FullName, output.FullName, new ExportOptions { Form = form, Force = force, Progress = progress, CompleteFolder = folder => RuntimeGraph.Write(folder, progress) });
        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(new
            {
                output = result.OutputDirectory,
                architecture = result.Model.Architecture,
                modelType = result.Model.ModelType,
                labels = result.Model.Labels,
                inputs = result.Model.Inputs,
                graphForm = result.Model.GraphForm,
                files = result.Model.Files,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            }));
        }
        else
        {
            io.Output.WriteLine($"Exported {result.Model.Architecture} ({string.Join(", ", result.Model.Labels)}) to {result.OutputDirectory} in {result.Elapsed.TotalSeconds:0.00} s");
        }
        return ExitCodes.Success;
    }

    private static int RunServing(DirectoryInfo source, DirectoryInfo output, ServingFormat format, ServingRepositoryOptions options, bool json, InvocationConfiguration io)
    {
        var result = ServingRepository.Write(source.FullName, output.FullName, format, options);
        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(new
            {
                output = result.Repository,
                format = format == ServingFormat.Triton ? "triton" : "kserve",
                name = result.Name,
                labels = result.Labels,
                files = result.Files,
            }));
        }
        else
        {
            io.Output.WriteLine($"Wrote {(format == ServingFormat.Triton ? "a Triton" : "a KServe + Triton")} repository for {result.Name} ({string.Join(", ", result.Labels)}) to {result.Repository}");
        }

        return ExitCodes.Success;
    }

    // Progress<T> posts to the thread pool; console progress must keep its order.
    private sealed class SynchronousProgress(TextWriter writer, bool quiet) : IProgress<string>
    {
        public void Report(string value)
        {
            if (!quiet)
            {
                writer.WriteLine(value);
            }
        }
    }
}
