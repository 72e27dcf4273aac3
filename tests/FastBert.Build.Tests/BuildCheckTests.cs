using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// The build reads the model every manifest names, so what would crash the app at run time is an FB error at the
/// manifest line that causes it.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class BuildCheckTests
{
    [Theory]
    [InlineData("[ham, spam, eggs]", "lists 3 labels (ham, spam, eggs) but the model outputs 2 scores")]
    [InlineData("[spam, ham]", "in another order")]
    public void LabelsThatDisagreeWithThePlainModel_AreFB0306AtTheLabelsLine(string labels, string expected)
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", $"model:\n  source: {FixtureProject.SampleModelFolder}\nlabels: {labels}\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", "System.Console.WriteLine();");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"spam\.yaml\(3,1(,\d+,\d+)?\): error FB0306: ", build.Output);
        Assert.Contains(expected, build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptModelOnnx_IsFB0103AtTheSourceLine()
    {
        using var project = new FixtureProject("Fixture");
        var model = CopyModel(project, TestPaths.SmsModel, "model.onnx", "config.json", "vocab.txt", "tokenizer_config.json");
        File.WriteAllBytes(Path.Combine(model, "model.onnx"), [0x08, 0x07, 0x12, 0xff, 0xff, 0xff, 0x0f, 0x41]);
        project.Write("spam.yaml", "labels: [ham, spam]\nmodel:\n  source: model\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", "System.Console.WriteLine();");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"spam\.yaml\(3,\d+(,\d+,\d+)?\): error FB0103: model\.source 'model': .*model\.onnx is not a valid ONNX model", build.Output);
    }

    [Fact]
    public void TruncatedSafetensors_IsFB0103AtTheSourceLine()
    {
        using var project = new FixtureProject("Fixture");
        var model = CopyModel(project, TestPaths.EmotionModel, "model.safetensors", "config.json", "vocab.txt", "tokenizer_config.json");
        var weights = Path.Combine(model, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        project.Write("emotion.yaml", "labels: [sadness, joy, love, anger, fear, surprise]\nmodel:\n  source: model\n");
        project.WriteInRepoProject("""    <BertModel Include="emotion.yaml" />""", "System.Console.WriteLine();");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"emotion\.yaml\(3,\d+(,\d+,\d+)?\): error FB0103: model\.source 'model' could not be exported: ", build.Output);
        Assert.Contains("model.safetensors", build.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainManifestWithoutLabels_TakesConfigsId2LabelThroughTheLockFile()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("emotion.yaml", $"model:\n  source: {TestPaths.EmotionModel}\n");
        project.WriteInRepoProject(
            """    <BertModel Include="emotion.yaml" />""",
            """
            using var emotion = Fixture.EmotionClassifier.Load();
            System.Console.WriteLine(string.Join(",", System.Enum.GetNames<Fixture.EmotionLabel>()) + "|" + emotion.Predict("i feel so happy and joyful today").Label);
            """);

        var build = project.Build();

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("FB0004", build.Output, StringComparison.Ordinal);
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "emotion.lock.json")));
        Assert.Equal(["sadness", "joy", "love", "anger", "fear", "surprise"], lockFile.RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!));
        var run = project.RunApp();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.StartsWith("Sadness,Joy,Love,Anger,Fear,Surprise|", run.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void ModelFile_ShipsThatOnnxFileOfATransformersJsFolder_AsTheAppsModelOnnx()
    {
        // onnx/model.onnx is corrupt: the build and the app succeed only if they use the named variant.
        using var project = new FixtureProject("Fixture");
        var model = Path.Combine(project.Directory, "model");
        Directory.CreateDirectory(Path.Combine(model, "onnx"));
        File.Copy(Path.Combine(TestPaths.SmsModel, "config.json"), Path.Combine(model, "config.json"));
        File.Copy(Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased", "tokenizer.json"), Path.Combine(model, "tokenizer.json"));
        File.Copy(Path.Combine(TestPaths.SmsModel, "model.onnx"), Path.Combine(model, "onnx", "model_int8.onnx"));
        File.WriteAllBytes(Path.Combine(model, "onnx", "model.onnx"), [0x08, 0x07, 0x12, 0xff]);
        project.Write("spam.yaml", "labels: [ham, spam]\nmodel:\n  source: model\n  file: onnx/model_int8.onnx\n");
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        project.WriteInRepoProject(
            """    <BertModel Include="spam.yaml" />""",
            """
            using var spam = Fixture.SpamClassifier.Load();
            string? line;
            while ((line = System.Console.ReadLine()) is not null) { System.Console.WriteLine(spam.Predict(line).Label); }
            """);

        var build = project.Build();

        Assert.True(build.ExitCode == 0, build.Output);
        var shipped = Path.Combine(project.OutputDirectory, "fastbert", "spam");
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.SmsModel, "model.onnx")), File.ReadAllBytes(Path.Combine(shipped, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(shipped, "onnx", "model.onnx")));
        var run = project.RunApp(string.Join('\n', goldens.Select(g => g.Text.ReplaceLineEndings(" "))) + "\n");
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(goldens.Select(g => char.ToUpperInvariant(g.Pred[0]) + g.Pred[1..]), run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static string CopyModel(FixtureProject project, string from, params string[] files)
    {
        var model = Path.Combine(project.Directory, "model");
        Directory.CreateDirectory(model);
        foreach (var file in files)
        {
            File.Copy(Path.Combine(from, file), Path.Combine(model, file));
        }

        return model;
    }
}
