using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// <c>dotnet build</c> of an app whose manifest says <c>problem: multi-label</c>: the generated label enum is [Flags]
/// with one bit per label, and the generated classifier chooses, for real messages, the same label sets as
/// <c>fastbert predict</c> on the same model folder.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class MultiLabelBuildTests
{
    // Prints the enum's shape, then per input line the chosen labels and their combined value.
    private const string TagsProgram = """
        using System;
        using System.Linq;
        using Fixture;
        var flags = typeof(TagsLabel).IsDefined(typeof(FlagsAttribute), inherit: false);
        Console.WriteLine($"flags={flags}|" + string.Join(",", Enum.GetValues<TagsLabel>().Select(v => $"{v}={(int)v}")));
        using var tags = TagsClassifier.Load();
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            var prediction = tags.Predict(line);
            Console.WriteLine(string.Join(",", prediction.LabelList) + "|" + (int)prediction.Labels);
        }
        """;

    [Fact]
    public void MultiLabelManifest_GeneratesAFlagsEnum_AndTheAppChoosesTheLabelSetsFastbertPredictChooses()
    {
        using var model = new MultiLabelModelFolder();
        using var project = new FixtureProject("Fixture");
        project.Write("tags.yaml", $"""
            problem: multi-label
            model:
              source: {model.Path}
            labels: [ham, spam]
            """);
        project.WriteInRepoProject("""    <BertModel Include="tags.yaml" />""", TagsProgram);
        var texts = File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Skip(1).Take(40).Select(l => l.Split('\t', 2)[1]).ToList();

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.All);
        var run = project.RunApp(string.Join('\n', texts) + "\n");
        Assert.True(run.ExitCode == 0, run.All);

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("flags=True|Ham=1,Spam=2", lines[0].Trim());
        var expected = PredictedLabelSets(project.Configuration, model.Path, texts);
        Assert.Equal(texts.Count, lines.Length - 1);
        (string Label, string Member, int Bit)[] members = [("ham", "Ham", 1), ("spam", "Spam", 2)];
        for (var i = 0; i < texts.Count; i++)
        {
            var chosen = members.Where(m => expected[i].Contains(m.Label)).ToList();
            Assert.Equal($"{string.Join(",", chosen.Select(m => m.Member))}|{chosen.Sum(m => m.Bit)}", lines[i + 1].Trim());
        }

        // The messages exercise both labels, so the comparison is not of one constant answer.
        Assert.Contains(expected, set => set.Contains("ham"));
        Assert.Contains(expected, set => set.Contains("spam"));
    }

    /// <summary>The label sets <c>fastbert predict</c> prints for the texts, one JSON line each.</summary>
    private static List<string[]> PredictedLabelSets(string configuration, string modelFolder, IReadOnlyList<string> texts)
    {
        var tool = Path.Combine(TestPaths.RepositoryRoot, "src", "Tool", "bin", configuration, "net10.0", "fastbert.dll");
        var input = string.Join('\n', texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        var predict = ProcessRunner.Run("dotnet", [tool, "predict", "--model", modelFolder], modelFolder, input);
        Assert.True(predict.ExitCode == 0, predict.All);
        var lines = predict.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(texts.Count, lines.Length);
        return lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("labels").EnumerateArray().Select(e => e.GetString()!).ToArray()).ToList();
    }
}
