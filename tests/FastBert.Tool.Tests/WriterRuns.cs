using System.Security.Cryptography;
using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>The commands that write a folder, each with small real inputs: the SMS checkpoint and a slice of its data.</summary>
internal static class WriterRuns
{
    public static readonly string[] Names = ["export", "quantize", "prepare", "train"];

    private static readonly string[] CheckpointFiles = ["config.json", "vocab.txt", "model.safetensors", "tokenizer_config.json", "special_tokens_map.json", "PROVENANCE.txt"];

    /// <summary>A writable copy of the SMS checkpoint (no model.onnx), so no test can touch the shared assets.</summary>
    public static string CopyCheckpoint(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var name in CheckpointFiles)
        {
            var copy = Path.Combine(destination, name);
            File.Copy(Path.Combine(TestPaths.SmsModel, name), copy);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return destination;
    }

    /// <summary>The command line that makes <paramref name="writer"/> write <paramref name="output"/>; its data and manifest go in <paramref name="work"/>.</summary>
    public static string[] Arguments(string writer, string checkpoint, string work, string output) => writer switch
    {
        "export" => ["export", checkpoint, "--output", output],
        "quantize" => ["quantize", checkpoint, "--output", output],
        "prepare" => ["prepare", Manifest(checkpoint, work), "--output", output],
        "train" => ["train", "--base", checkpoint, "--data", SmsSlice(work, 40), "--mode", "head", "--epochs", "1", "--batch", "20", "--output", output],
        _ => throw new ArgumentOutOfRangeException(nameof(writer), writer, null),
    };

    /// <summary>Asserts that <paramref name="folder"/> is a whole output of <paramref name="writer"/>: every file its stamp lists, with that content.</summary>
    public static void AssertComplete(string writer, string folder)
    {
        if (writer == "train")
        {
            using var train = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "train.json")));
            Assert.Equal("fastbert.train/v1", train.RootElement.GetProperty("schema").GetString());
            Assert.NotEqual("running", train.RootElement.GetProperty("outcome").GetString());
            foreach (var name in new[] { "config.json", "model.safetensors", "vocab.txt", "report.json", "report.md", "report.html" })
            {
                Assert.True(File.Exists(Path.Combine(folder, name)), $"{folder} lacks {name}");
            }

            return;
        }

        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json")));
        var files = model.RootElement.GetProperty("files").EnumerateObject().ToList();
        Assert.Contains(files, f => f.Name == "model.onnx");
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file.Name);
            Assert.True(File.Exists(path), $"{folder} lacks {file.Name}, listed in its model.json");
            Assert.Equal(file.Value.GetString(), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant());
        }

        if (writer == "quantize")
        {
            Assert.Equal("int8", model.RootElement.GetProperty("quantization").GetString());
        }

        if (writer == "prepare")
        {
            Assert.True(File.Exists(Path.Combine(folder, "report.json")));
        }
    }

    private static string Manifest(string checkpoint, string work)
    {
        var path = Path.Combine(work, "spam.yaml");
        File.WriteAllText(path, $"model:\n  source: {checkpoint}\n");
        return path;
    }

    private static string SmsSlice(string work, int rows)
    {
        var path = Path.Combine(work, $"sms-{rows}.tsv");
        File.WriteAllLines(path, File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(rows + 1));
        return path;
    }
}
