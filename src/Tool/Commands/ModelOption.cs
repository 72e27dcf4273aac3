using System.CommandLine;

namespace FastBert.Tool.Commands;

internal static class CommonOptions
{
    public static Option<DirectoryInfo> Model() => new("--model", "-m")
    {
        Description = "Model folder (model.onnx, vocab.txt, config.json) or Hugging Face checkpoint folder (config.json, model.safetensors or pytorch_model.bin, vocab.txt).",
        Required = true,
    };

    public static Option<int?> MaxTokens(string description) => new("--max-tokens")
    {
        Description = description,
        Validators = { r => { if (r.GetValueOrDefault<int?>() is < 2) { r.AddError("--max-tokens must be at least 2 ([CLS] and [SEP])."); } } },
    };
}
