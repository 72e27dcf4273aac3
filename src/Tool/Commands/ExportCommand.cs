using System.CommandLine;
using System.Text.Json;
using FastBert.Models.Export;
using FastBert.Models.Onnx;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert export &lt;checkpoint-dir&gt; --output &lt;dir&gt; [--form fused|standard] [--force] [--json]</c>: a Hugging Face
/// checkpoint folder to model.onnx + tokenizer files + config.json + model.json, in pure C#.
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
        var command = new Command("export", "Export a Hugging Face BERT / DistilBERT / ELECTRA checkpoint to ONNX.\nExample: fastbert export ./my-checkpoint --output ./my-model")
        {
            checkpoint,
            output,
            form,
            force,
            json,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(checkpoint), parse.GetRequiredValue(output), parse.GetValue(form), parse.GetValue(force), parse.GetValue(json), parse.InvocationConfiguration));
        return command;
    }

    private static int Run(DirectoryInfo checkpoint, DirectoryInfo output, OnnxGraphForm form, bool force, bool json, InvocationConfiguration io)
    {
        var result = OnnxExporter.Export(checkpoint.FullName, output.FullName, new ExportOptions { Form = form, Force = force, Progress = new SynchronousProgress(io.Error, json) });
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
