using System.CommandLine;

namespace FastBert.Tool.Commands;

internal static class CommonOptions
{
    public static Option<DirectoryInfo> Model() => new("--model", "-m")
    {
        Description = "Model folder (model.onnx, vocab.txt, config.json) or Hugging Face checkpoint folder (config.json, model.safetensors or pytorch_model.bin, vocab.txt).",
        Required = true,
    };

    /// <summary>--model-file: which ONNX file of the model folder to run (predict, explain, evaluate, benchmark).</summary>
    public static Option<string?> ModelFile() => new("--model-file")
    {
        Description = "The ONNX file of the model folder to run, relative to it, e.g. onnx/model_quantized.onnx. Default: a checkpoint is exported; else model.onnx, else onnx/model.onnx.",
    };

    public static Option<int?> MaxTokens(string description) => new("--max-tokens")
    {
        Description = description,
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 2) { r.AddError("--max-tokens must be at least 2 ([CLS] and [SEP])."); } } },
    };
}
