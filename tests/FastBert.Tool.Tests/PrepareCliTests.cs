using System.Text.RegularExpressions;
using FastBert.ModelFolders;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>fastbert prepare</c>: errors at the manifest line that causes them, and the shared SMS folder as a source.</summary>
public sealed class PrepareCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-prepare-cli", Guid.NewGuid().ToString("N"));

    public PrepareCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void QuantizeFromAFolderHoldingBothACheckpointAndAModelOnnx_QuantizesTheCheckpoint()
    {
        var manifest = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\nquantize: {{ mode: int8 }}\n");
        var output = Path.Combine(_root, "out");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + stderr);
        using var model = BertModel.Load(output);
        Assert.Equal("int8", model.Info.Quantization);
    }

    [Fact]
    public void PrepareFromAReadyOnnxFolderWithoutModelJson_WritesModelJson()
    {
        var ready = Path.Combine(_root, "ready");
        Directory.CreateDirectory(ready);
        foreach (var name in new[] { "model.onnx", "config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, name), Path.Combine(ready, name));
        }

        var manifest = WriteManifest($"model:\n  source: {ready}\nlabels: [ham, spam]\nvalidate:\n  data: {WriteSmsData(40)}\n");
        var output = Path.Combine(_root, "out");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + stderr);
        var description = ModelDescription.Read(Path.Combine(output, ModelDescription.FileName));
        Assert.Equal(FileHashes.Sha256(Path.Combine(TestPaths.SmsModel, "model.onnx")), description.Files["model.onnx"]);
        Assert.Equal(40, description.Validation!.Examples);
    }

    [Fact]
    public void MissingValidationData_IsFB0307AtTheDataLine_NamingThePath()
    {
        var manifest = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\nvalidate:\n  data: nowhere/val.tsv\n  minAccuracy: 0.9\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"spam\.yaml\(5,\d+\): error FB0307: validate\.data file .*nowhere/val\.tsv does not exist", stdout);
        Assert.DoesNotContain("FB0300", stdout);
    }

    [Fact]
    public void UnknownLabelInValidationData_IsFB0307AtTheDataLine()
    {
        var data = Path.Combine(_root, "val.tsv");
        File.WriteAllLines(data, ["label\ttext", "ham\thello", "eggs\tfree money"]);
        var manifest = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\nvalidate:\n  data: {data}\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"spam\.yaml\(5,\d+\): error FB0307: validate\.data: .*eggs", stdout);
    }

    [Theory]
    [InlineData("[ham, spam, eggs]", "lists 3 labels")]
    [InlineData("[spam, ham]", "in another order")]
    public void LabelsThatDisagreeWithTheModel_AreFB0306AtTheLabelsLine(string labels, string expected)
    {
        var manifest = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: {labels}\nquantize: {{ mode: int8 }}\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"spam\.yaml\(3,1\): error FB0306: ", stdout);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AccuracyGate_MeasuresWithTheManifestsTokenLimit()
    {
        // At 4 tokens ([CLS] + 2 word pieces + [SEP]) the SMS model gets far fewer messages right than at 128; a gate
        // between the two passes at 128 and fails at 4, so the gate runs with tokenizer.maxTokens as the app does.
        var data = WriteSmsData(400);
        var gate = "  minAccuracy: 0.95\n";
        var at128 = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\ntokenizer: {{ maxTokens: 128 }}\nvalidate:\n  data: {data}\n{gate}", "a.yaml");
        var at4 = WriteManifest($"model:\n  source: {TestPaths.SmsModel}\nlabels: [ham, spam]\ntokenizer: {{ maxTokens: 4 }}\nvalidate:\n  data: {data}\n{gate}", "b.yaml");

        var pass = CliRunner.Run(string.Empty, "prepare", at128, "--output", Path.Combine(_root, "a"));
        var fail = CliRunner.Run(string.Empty, "prepare", at4, "--output", Path.Combine(_root, "b"));

        Assert.True(pass.Exit == 0, pass.Output + pass.Error);
        Assert.NotEqual(0, fail.Exit);
        Assert.Matches(@"b\.yaml\(7,\d+\): error FB0301: accuracy 0\.\d+ is below validate\.minAccuracy 0\.95", fail.Output);
    }

    private string WriteManifest(string yaml, string name = "spam.yaml")
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    private string WriteSmsData(int count)
    {
        var path = Path.Combine(_root, $"sms-{count}.tsv");
        var lines = SmsData.HeldOut().Take(count).Select(m => $"{m.Label}\t{Regex.Replace(m.Text, "\\s+", " ")}");
        File.WriteAllLines(path, lines.Prepend("label\ttext"));
        return path;
    }
}
