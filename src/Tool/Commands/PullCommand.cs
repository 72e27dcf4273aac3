using System.CommandLine;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Models.Hub;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert pull hf:org/name[@rev] [--files a,b] [--json]</c>: downloads into the Hugging Face cache (shared with
/// Python's huggingface_hub) and prints the snapshot folder.
/// </summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var reference = new Argument<string>("reference") { Description = "hf:org/name[@revision] (revision defaults to main)." };
        var files = new Option<string?>("--files") { Description = "Comma-separated files (default: config.json, vocab.txt or tokenizer.json, tokenizer files, model.safetensors, pytorch_model.bin, model.onnx or onnx/model.onnx)." };
        var modelFile = new Option<string?>("--model-file") { Description = "The ONNX variant to pull instead of the weights, e.g. onnx/model_quantized.onnx (with config.json and the tokenizer files; no other model file)." };
        var json = new Option<bool>("--json") { Description = "Print {\"snapshot\",\"commit\",\"files\"} as JSON." };
        var command = new Command("pull", "Download a model from the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, HF_HUB_CACHE/HF_HOME).\nExample: fastbert pull hf:org/name@main")
        {
            reference,
            files,
            modelFile,
            json,
        };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetRequiredValue(reference), parse.GetValue(files), parse.GetValue(modelFile), parse.GetValue(json), parse.InvocationConfiguration, cancellation));
        return command;
    }

    private static async Task<int> RunAsync(string referenceText, string? files, string? modelFile, bool json, InvocationConfiguration io, CancellationToken cancellation)
    {
        HubReference reference;
        try
        {
            reference = HubReference.Parse(referenceText);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var fileList = files?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fileList is { Length: 0 })
        {
            throw new UsageException("--files is empty; name the files to pull, comma-separated (e.g. --files config.json,model.safetensors), or leave it out for the default set.");
        }

        foreach (var file in fileList ?? [])
        {
            if (HubClient.InvalidFilePathReason(file) is { } reason)
            {
                throw new UsageException($"--files: {reason}");
            }
        }

        if (modelFile is not null)
        {
            if (fileList is not null)
            {
                throw new UsageException("--model-file and --files cannot be combined: --model-file pulls that ONNX file with config.json and the tokenizer files, --files exactly the files named.");
            }

            if ((ModelFolder.InvalidOnnxFileReason(modelFile) ?? HubClient.InvalidFilePathReason(modelFile)) is { } reason)
            {
                throw new UsageException($"--model-file: {reason}");
            }
        }

        using var client = new HubClient(new HubOptions());
        var snapshot = await Io.DownloadProgressDisplay.RunAsync(io.Error, quiet: json, progress => modelFile is null
            ? client.PullAsync(reference, fileList, null, progress, cancellation)
            : client.PullModelAsync(reference, modelFile, null, progress, cancellation));
        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(new { snapshot = snapshot.Directory, commit = snapshot.Commit, files = snapshot.Files.Keys.Order(StringComparer.Ordinal) }));
        }
        else
        {
            io.Output.WriteLine(snapshot.Directory);
        }

        return ExitCodes.Success;
    }
}
