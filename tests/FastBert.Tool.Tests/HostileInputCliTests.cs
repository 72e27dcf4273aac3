using System.Diagnostics;
using System.Text.Json.Nodes;
using FastBert.Models.Checkpoints;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Every command on every broken or hostile model folder, run as the real <c>fastbert</c> process: a non-zero exit
/// code, a message naming the problem, no stack trace, no output folder, and little time spent.
/// </summary>
public sealed class HostileInputCliTests(HostileInputCliTests.Folders folders) : IClassFixture<HostileInputCliTests.Folders>
{
    private static readonly string[] ConfigCommands = ["export", "quantize", "predict", "evaluate", "benchmark", "prepare"];
    private static readonly string[] AllCommands = [.. ConfigCommands, "tokenize"];

    /// <summary>Each bad input: how to break a copy of the SMS checkpoint, the commands it concerns, what the message must name.</summary>
    private static readonly IReadOnlyDictionary<string, (Action<string> Break, string[] Commands, string[] Names)> Cases =
        new Dictionary<string, (Action<string>, string[], string[])>
        {
            ["huge-layers"] = (f => EditConfig(f, c => c["num_hidden_layers"] = 10_000_000), ConfigCommands, ["config.json", "num_hidden_layers", "10000000"]),
            ["huge-hidden"] = (f => EditConfig(f, c => c["hidden_size"] = 1_000_000_000), ConfigCommands, ["config.json", "hidden_size"]),
            ["heads-not-dividing"] = (f => EditConfig(f, c => c["num_attention_heads"] = 3), ConfigCommands, ["config.json", "num_attention_heads"]),
            ["shape-mismatch"] = (f => EditConfig(f, c => c["intermediate_size"] = 256), ConfigCommands, ["bert.encoder.layer.0.intermediate.dense.weight", "[512, 128]", "[256, 128]"]),
            ["position-table-too-small"] = (f => EditConfig(f, c => c["max_position_embeddings"] = 1024), ConfigCommands, ["position_embeddings", "[512, 128]", "[1024, 128]"]),
            ["truncated-safetensors"] = (f => Truncate(Path.Combine(f, "model.safetensors")), ConfigCommands, ["model.safetensors"]),
            ["nan-weights"] = (f => PoisonTensor(f, "bert.encoder.layer.1.output.dense.weight"), ConfigCommands, ["bert.encoder.layer.1.output.dense.weight", "non-finite"]),
            ["empty-vocab"] = (f => File.WriteAllBytes(Path.Combine(f, "vocab.txt"), []), AllCommands, ["vocab.txt", "empty"]),
            ["binary-vocab"] = (f => File.WriteAllBytes(Path.Combine(f, "vocab.txt"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray()), AllCommands, ["vocab.txt", "binary"]),
            ["vocab-without-special-tokens"] = (f => EditVocab(f), AllCommands, ["vocab.txt", "[CLS]"]),
            ["missing-config"] = (f => File.Delete(Path.Combine(f, "config.json")), ConfigCommands, ["config.json"]),
            ["corrupt-model-onnx"] = (f => File.WriteAllBytes(Path.Combine(f, "model.onnx"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 31)).ToArray()), ["predict", "evaluate", "benchmark"], ["model.onnx"]),
        };

    public static TheoryData<string, string> CommandsOnBadInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, (_, commands, _)) in Cases)
        {
            foreach (var command in commands)
            {
                data.Add(name, command);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CommandsOnBadInputs))]
    public void BadInput_IsRefusedWithAMessage_NotAStackTrace(string caseName, string command)
    {
        var model = folders.Get(caseName);
        var output = Path.Combine(folders.Root, $"out-{caseName}-{command}");
        var stopwatch = Stopwatch.StartNew();

        var result = RunTool(command, model, output);

        stopwatch.Stop();
        var all = result.All;
        Assert.True(result.ExitCode != 0, $"{command} on {caseName} exited 0:\n{all}");
        Assert.DoesNotContain("Unhandled exception", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        foreach (var expected in Cases[caseName].Names)
        {
            Assert.True(all.Contains(expected, StringComparison.OrdinalIgnoreCase), $"{command} on {caseName}: the message does not name '{expected}':\n{all}");
        }

        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), $"{command} on {caseName} wrote {output}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"{command} on {caseName} took {stopwatch.Elapsed}");
    }

    private ProcessResult RunTool(string command, string model, string output)
    {
        string[] arguments = command switch
        {
            "export" or "quantize" => [command, model, "--output", output],
            "predict" or "tokenize" => [command, "--model", model],
            "evaluate" => [command, model, "--data", folders.Data],
            "benchmark" => [command, model, "--seq", "8", "--batch", "1", "--warmup", "1", "--iters", "1"],
            "prepare" => [command, folders.Manifest(model), "--output", output],
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, null),
        };
        var tool = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "fastbert.exe" : "fastbert");
        return ProcessRunner.Run(
            tool, arguments, folders.Root, standardInput: "\"hello there\"\n\"WINNER! claim your free prize now\"\n",
            timeout: TimeSpan.FromMinutes(2), environment: new Dictionary<string, string> { ["FASTBERT_CACHE"] = folders.Cache });
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(folder, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
    }

    private static void Truncate(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.SetLength(stream.Length / 2);
    }

    private static void EditVocab(string folder)
    {
        // Same line count (ids unchanged), but the four special tokens renamed.
        var path = Path.Combine(folder, "vocab.txt");
        var lines = File.ReadAllLines(path).Select(l => l is "[CLS]" or "[SEP]" or "[PAD]" or "[UNK]" ? $"<{l[1..^1]}>" : l);
        File.WriteAllLines(path, lines);
    }

    private static void PoisonTensor(string folder, string poisoned)
    {
        var path = Path.Combine(folder, "model.safetensors");
        List<NamedTensor> tensors;
        using (var checkpoint = CheckpointLoader.OpenFile(path))
        {
            tensors = checkpoint.Tensors.Values.Select(t => new NamedTensor(t.Name, checkpoint.ReadFloat32(t.Name), t.Shape.ToArray())).ToList();
        }

        var values = tensors.Single(t => t.Name == poisoned).Values;
        values[17] = float.NaN;
        values[18] = float.PositiveInfinity;
        File.Delete(path);
        SafetensorsWriter.Write(path, tensors);
    }

    /// <summary>One broken copy of the SMS checkpoint per case, built on first use; a data file and a cache folder.</summary>
    public sealed class Folders : IDisposable
    {
        private static readonly string[] CheckpointFiles = ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"];
        private readonly Dictionary<string, string> _built = new(StringComparer.Ordinal);

        public Folders()
        {
            Root = Path.Combine(Path.GetTempPath(), $"fastbert-hostile-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Root);
            Cache = Path.Combine(Root, "cache");
            Data = Path.Combine(Root, "sms.tsv");
            File.WriteAllText(Data, "label\ttext\nham\tsee you at lunch tomorrow\nspam\tWINNER! claim your free prize now, text WIN to 80086\n");
        }

        public string Root { get; }

        public string Cache { get; }

        public string Data { get; }

        public string Get(string caseName)
        {
            lock (_built)
            {
                if (!_built.TryGetValue(caseName, out var folder))
                {
                    folder = Path.Combine(Root, caseName);
                    Directory.CreateDirectory(folder);
                    foreach (var file in CheckpointFiles)
                    {
                        File.Copy(Path.Combine(TestPaths.SmsModel, file), Path.Combine(folder, file));
                    }

                    if (caseName == "corrupt-model-onnx")
                    {
                        // An exported folder: model.onnx beside the checkpoint, so it is run rather than exported.
                        File.Copy(Path.Combine(TestPaths.SmsModel, "model.onnx"), Path.Combine(folder, "model.onnx"));
                    }

                    Cases[caseName].Break(folder);
                    _built[caseName] = folder;
                }

                return folder;
            }
        }

        public string Manifest(string model)
        {
            var path = Path.Combine(Root, $"{Path.GetFileName(model)}.yaml");
            File.WriteAllText(path, $"classifier: HostileClassifier\nnamespace: Hostile\nmodel:\n  source: {model}/\n");
            return path;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
