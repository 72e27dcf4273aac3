using FastBert.ModelFolders;
using System.CommandLine;
using System.Text;
using FastBert.Models.Configuration;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert init &lt;checkpoint-dir&gt; [--name spam] [--output DIR]</c>: writes a manifest for a model folder, with
/// the labels of its config.json, ready for <c>&lt;BertModel Include="spam.yaml" /&gt;</c>.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var model = new Argument<DirectoryInfo>("checkpoint-dir") { Description = "Checkpoint or model folder with config.json." };
        var name = new Option<string?>("--name") { Description = "Manifest file name without extension (default: the folder name)." };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Folder to write the manifest in (default: current folder)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing manifest." };
        var command = new Command("init", "Write a manifest (<name>.yaml) for a model folder.\nExample: fastbert init ./models/spam --name spam")
        {
            model, name, output, force,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetRequiredValue(model);
            var config = TransformerConfig.Load(Path.Combine(folder.FullName, ModelFolder.ConfigFile));
            var manifestName = parse.GetValue(name) ?? folder.Name;
            var directory = parse.GetValue(output)?.FullName ?? Environment.CurrentDirectory;
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, manifestName + ".yaml");
            if (File.Exists(path) && !parse.GetValue(force))
            {
                throw new UsageException($"{path} already exists; pass --force to overwrite it.");
            }

            var source = Path.GetRelativePath(directory, folder.FullName).Replace('\\', '/');
            var text = new StringBuilder()
                .AppendLine($"# fastbert manifest for {folder.FullName} ({config.ModelType}, {config.NumLayers} layers, hidden {config.HiddenSize}).")
                .AppendLine("model:")
                .AppendLine($"  source: {Quote(source)}")
                .AppendLine($"labels: [{string.Join(", ", config.Id2Label.Select(Quote))}]")
                .AppendLine("tokenizer:")
                .AppendLine("  maxTokens: 128")
                .ToString();
            File.WriteAllText(path, text);
            parse.InvocationConfiguration.Output.WriteLine(path);
            return ExitCodes.Success;
        });
        return command;
    }

    // Plain scalars stay plain; anything YAML could misread is double-quoted.
    private static string Quote(string value) =>
        value.Length > 0 && value.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '-' or '.' or '/') && !char.IsDigit(value[0]) && value[0] != '-'
            ? value
            : "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
