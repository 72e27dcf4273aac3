using System.Text.Json;
using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>fastbert train</c>: its JSON contract, that its output feeds export/evaluate, and its usage errors.</summary>
public sealed class TrainCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-train", Guid.NewGuid().ToString("N"));

    public TrainCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The first rows of the real SMS collection (header kept), as a small TSV.</summary>
    private string SmsSample(int rows)
    {
        var path = Path.Combine(_root, $"sms-{rows}.tsv");
        File.WriteAllLines(path, File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(rows + 1));
        return path;
    }

    [Fact]
    public void Train_json_is_the_train_contract_and_the_output_exports_and_evaluates()
    {
        var data = SmsSample(120);
        var output = Path.Combine(_root, "lora");

        var (exit, stdout, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", data, "--split", "0.25", "--stratify",
            "--mode", "lora", "--lora-rank", "4", "--lora-targets", "query,value", "--epochs", "2", "--batch", "16", "--output", output, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("fastbert.train/v1", root.GetProperty("schema").GetString());
        Assert.Equal("lora", root.GetProperty("mode").GetString());
        Assert.Equal(2, root.GetProperty("epochs").GetArrayLength());
        Assert.Equal(30, root.GetProperty("validationData").GetProperty("examples").GetInt32());
        Assert.Equal(90, root.GetProperty("trainingData").GetProperty("examples").GetInt32());
        // Adapters on 2 layers × (query, value), rank 4: 4·4·(128+128); plus the kept 2-label classifier.
        Assert.Equal((4 * 4 * 256) + (2 * 128) + 2, root.GetProperty("trainableParameters").GetInt64());
        Assert.Equal(4, root.GetProperty("settings").GetProperty("loraTargets").GetArrayLength());
        Assert.Equal(stdout.Trim(), File.ReadAllText(Path.Combine(output, "train.json")).Trim());
        var report = Report.FromJson(File.ReadAllText(Path.Combine(output, "report.json")), "report.json");
        Assert.Equal("train", report.Kind);
        Assert.Equal(30, Assert.Single(report.Evaluations).Data.Examples);

        var exported = Path.Combine(_root, "exported");
        Assert.Equal(0, CliRunner.Run(string.Empty, "export", output, "--output", exported).Exit);
        var (evalExit, evalOut, evalError) = CliRunner.Run(string.Empty, "evaluate", exported, "--data", data);
        Assert.True(evalExit == 0, evalError);
        Assert.Contains("| 120 |", evalOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_output_lists_every_epoch_and_the_kept_one()
    {
        var (exit, stdout, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", SmsSample(40), "--mode", "head",
            "--epochs", "2", "--batch", "20", "--output", Path.Combine(_root, "head"));

        Assert.True(exit == 0, error);
        Assert.Contains("head: 258 of 4,386,178 parameters trained, completed", stdout, StringComparison.Ordinal);
        Assert.Contains("\n2* | ", stdout, StringComparison.Ordinal);
        Assert.Contains("epoch 1: train loss", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mode", "adapter", "--mode 'adapter' is not one of full, head, lora")]
    [InlineData("--stratify", null, "--stratify applies to --split")]
    [InlineData("--class-weights", "inverse", "--class-weights 'inverse' is not one of none, auto")]
    public void Usage_errors_exit_1_and_say_what_to_fix(string option, string? value, string message)
    {
        var args = new List<string> { "train", "--base", TestPaths.SmsModel, "--data", SmsSample(10), "--output", Path.Combine(_root, "x"), option };
        if (value is not null)
        {
            args.Add(value);
        }

        var (exit, _, error) = CliRunner.Run(string.Empty, args.ToArray());
        Assert.Equal(1, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_with_labels_the_base_lacks_asks_for_labels()
    {
        var data = Path.Combine(TestPaths.Data, "emotion", "val.txt");
        var (exit, _, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", data, "--output", Path.Combine(_root, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("The base model's labels are [ham, spam]; to train other labels, name them with --labels.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_folder_that_is_not_a_training_output_is_not_replaced()
    {
        var precious = Path.Combine(_root, "precious");
        Directory.CreateDirectory(precious);
        File.WriteAllText(Path.Combine(precious, "notes.txt"), "keep me");

        var (exit, _, error) = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", SmsSample(10), "--output", precious);

        Assert.Equal(3, exit);
        Assert.Contains("already holds files fastbert did not write (notes.txt; no train.json)", error, StringComparison.Ordinal);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(precious, "notes.txt")));
    }

    [Fact]
    public void A_base_folder_without_weights_names_the_files_it_needs()
    {
        var configOnly = Path.Combine(_root, "config-only");
        Directory.CreateDirectory(configOnly);
        File.Copy(Path.Combine(TestPaths.SmsModel, "config.json"), Path.Combine(configOnly, "config.json"));
        File.Copy(Path.Combine(TestPaths.SmsModel, "vocab.txt"), Path.Combine(configOnly, "vocab.txt"));

        var (exit, _, error) = CliRunner.Run(string.Empty, "train", "--base", configOnly, "--data", SmsSample(10), "--output", Path.Combine(_root, "out"));

        Assert.Equal(3, exit);
        Assert.Contains("model.safetensors", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    [Fact]
    public void A_trained_folder_quantizes_and_prepares_from_a_manifest()
    {
        var data = SmsSample(200);
        var trained = Path.Combine(_root, "trained");
        var train = CliRunner.Run(string.Empty, "train", "--base", TestPaths.SmsModel, "--data", data, "--mode", "head", "--epochs", "1", "--output", trained);
        Assert.True(train.Exit == 0, train.Error);

        var quantized = Path.Combine(_root, "int8");
        var (quantizeExit, _, quantizeError) = CliRunner.Run(string.Empty, "quantize", trained, "--output", quantized, "--data", data, "--max-accuracy-drop", "0.02");
        Assert.True(quantizeExit == 0, quantizeError);
        Assert.True(File.Exists(Path.Combine(quantized, "model.onnx")));

        // No labels in the manifest: they come from the trained config.json's id2label.
        var manifest = Path.Combine(_root, "spam.yaml");
        File.WriteAllText(manifest, $"""
            model:
              source: {trained}
            validate:
              data: {data}
              minAccuracy: 0.9
            """);
        var prepared = Path.Combine(_root, "prepared");
        var (prepareExit, _, prepareError) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", prepared);
        Assert.True(prepareExit == 0, prepareError);
        Assert.Contains("\"ham\"", File.ReadAllText(Path.Combine(prepared, "model.json")), StringComparison.Ordinal);
    }
}
