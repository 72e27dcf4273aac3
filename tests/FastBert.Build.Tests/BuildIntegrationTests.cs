using System.Text.RegularExpressions;
using FastBert.Tests;

namespace FastBert.Build.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildCollection
{
    public const string Name = "dotnet build";
}

/// <summary><c>dotnet build</c> of real projects that declare &lt;BertModel&gt;, then running them.</summary>
[Collection(BuildCollection.Name)]
public sealed class BuildIntegrationTests
{
    private const string SpamProgram = """
        using Fixture;
        using var spam = SpamClassifier.Load();
        var p = spam.Predict(args[0]);
        SpamLabel label = p.Label;
        System.Console.WriteLine($"{label}|{p.Confidence:0.000}|{p}");
        """;

    [Fact]
    public void BuildingAProjectWithBertModel_ExportsTheCheckpointGeneratesTheClassifierAndCopiesTheModel_ThenRunsIt()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", $"""
            model:
              source: {FixtureProject.SampleModelFolder}
            labels: [ham, spam]
            tokenizer: {"{"} maxTokens: 128 {"}"}
            """);
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", SpamProgram);

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.All);

        var modelFolder = Path.Combine(project.OutputDirectory, "fastbert", "spam");
        foreach (var file in new[] { "model.onnx", "model.json", "vocab.txt", "config.json", "tokenizer_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(modelFolder, file)), $"{file} was not copied to {modelFolder}");
        }

        Assert.False(File.Exists(Path.Combine(modelFolder, "PROVENANCE.txt")), "only model files are copied");
        Assert.False(File.Exists(Path.Combine(modelFolder, "model.safetensors")), "the checkpoint's weights stay out of the app");

        var run = project.RunApp(null, "WINNER!! claim your prize now, call 09061701461");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Matches(@"^Spam\|(0\.9\d\d|1\.000)\|Spam \((0\.9\d|1\.00)\)$", run.Output.Trim());
    }

    [Fact]
    public void SecondBuildWithNothingChanged_ExportsAndCopiesNothing_AndCleanRemovesTheModel()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", $"model:\n  source: {FixtureProject.SampleModelFolder}\nlabels: [ham, spam]\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", SpamProgram);

        var first = project.Build();
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("fastbert: exporting", first.Output);
        Assert.Contains(CopiedModelFiles(first.Output), f => f.EndsWith("model.onnx", StringComparison.Ordinal));
        var onnx = Path.Combine(project.OutputDirectory, "fastbert", "spam", "model.onnx");
        var firstWrite = File.GetLastWriteTimeUtc(onnx);

        var second = project.Build();

        Assert.True(second.ExitCode == 0, second.All);
        Assert.DoesNotContain("fastbert: exporting", second.Output);
        Assert.Empty(CopiedModelFiles(second.Output));
        Assert.Equal(firstWrite, File.GetLastWriteTimeUtc(onnx));

        var clean = ProcessRunner.Dotnet(project.Directory, "clean", "-c", project.Configuration, "-p:BuildProjectReferences=false");
        Assert.True(clean.ExitCode == 0, clean.All);
        Assert.False(Directory.Exists(Path.Combine(project.OutputDirectory, "fastbert", "spam")), "clean removes the copied model");
        Assert.False(Directory.Exists(Path.Combine(project.Directory, "obj", project.Configuration, "net10.0", "fastbert", "spam")), "clean removes the exported model");
    }

    [Fact]
    public void ManifestError_FailsTheBuildWithTheDiagnosticAtTheManifestLine()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", $"model:\n  source: {FixtureProject.SampleModelFolder}\nlabels: [ham, spam, ham]\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", "System.Console.WriteLine();");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"spam\.yaml\(3,\d+(,\d+,\d+)?\): error FB0006", build.Output);
    }

    [Fact]
    public void ModelSourceThatIsNotAFolder_FailsTheBuildWithFB0101AtTheSourceLine()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", "labels: [ham, spam]\nmodel:\n  source: no-such-folder\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", "System.Console.WriteLine();");

        var build = project.Build();

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"spam\.yaml\(3,\d+(,\d+,\d+)?\): error FB0101: model\.source 'no-such-folder' is not a folder", build.Output);
    }

    private static List<string> CopiedModelFiles(string buildOutput) =>
        Regex.Matches(buildOutput, "Copying file from \"[^\"]+\" to \"([^\"]+)\"")
            .Select(m => m.Groups[1].Value)
            .Where(path => path.Contains("/fastbert/", StringComparison.Ordinal))
            .ToList();
}
