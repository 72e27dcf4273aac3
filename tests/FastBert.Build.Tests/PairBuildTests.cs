using System.Globalization;
using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// <c>dotnet build</c> of an app whose manifest says <c>inputs: [premise, hypothesis]</c>: the generated classifier's
/// <c>Predict(premise, hypothesis)</c> and <c>PredictBatch(premises, hypotheses)</c> give, for real message pairs, the
/// probabilities <c>fastbert predict</c> prints for the same <c>{"text","text_pair"}</c> lines on the same model folder.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class PairBuildTests
{
    // Reads {"text","text_pair"} lines; prints per pair the single call's label and spam probability, then the batch's
    // spam probabilities, then the parameter named by a batch with one hypothesis too few.
    private const string PairProgram = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Text.Json;
        using Fixture;
        using var classifier = MessagePairClassifier.Load();
        var premises = new List<string>();
        var hypotheses = new List<string>();
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            using var json = JsonDocument.Parse(line);
            premises.Add(json.RootElement.GetProperty("text").GetString()!);
            hypotheses.Add(json.RootElement.GetProperty("text_pair").GetString()!);
            var prediction = classifier.Predict(premise: premises[^1], hypothesis: hypotheses[^1]);
            Console.WriteLine("one " + prediction.Label + " " + prediction.Probabilities[MessagePairLabel.Spam].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        var batch = classifier.PredictBatch(premises, hypotheses);
        Console.WriteLine("batch " + string.Join(" ", batch.Select(p => p.Probabilities[MessagePairLabel.Spam].ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        try
        {
            classifier.PredictBatch(premises, hypotheses.Skip(1).ToList());
        }
        catch (ArgumentException ex)
        {
            Console.WriteLine("mismatch " + ex.ParamName);
        }
        """;

    [Fact]
    public void NamedPairManifest_BuildsAnAppWhosePredictEqualsFastbertPredictOnPairLines()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("message-pair.yaml", $"""
            classifier: MessagePairClassifier
            inputs: [premise, hypothesis]
            model:
              source: {TestPaths.SmsModel}
            labels: [ham, spam]
            """);
        project.WriteInRepoProject("""    <BertModel Include="message-pair.yaml" />""", PairProgram);
        var pairs = RealPairs();
        var input = string.Join('\n', pairs.Select(p => JsonSerializer.Serialize(new { text = p.Premise, text_pair = p.Hypothesis }))) + "\n";

        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.All);
        var run = project.RunApp(input);
        Assert.True(run.ExitCode == 0, run.All);

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
        Assert.Equal(pairs.Count + 2, lines.Count);
        var expected = FastbertPredict(project.Configuration, input, pairs.Count);
        var batch = lines[pairs.Count].Split(' ');
        Assert.Equal("batch", batch[0]);
        for (var i = 0; i < pairs.Count; i++)
        {
            var one = lines[i].Split(' ');
            Assert.Equal("one", one[0]);
            Assert.Equal(expected[i].Label, one[1].ToLowerInvariant());
            Assert.Equal(expected[i].Spam, float.Parse(one[2], CultureInfo.InvariantCulture), 1e-6f);
            Assert.Equal(expected[i].Spam, float.Parse(batch[i + 1], CultureInfo.InvariantCulture), 1e-5f);
        }

        Assert.Equal("mismatch hypotheses", lines[^1]);

        // Both labels occur, and the hypothesis reaches the model: a spam premise with a ham hypothesis is scored
        // otherwise than the premise alone (fastbert predict on the bare text).
        Assert.Contains(expected, e => e.Label == "ham");
        Assert.Contains(expected, e => e.Label == "spam");
        var alone = FastbertPredict(project.Configuration, JsonSerializer.Serialize(pairs[0].Premise) + "\n", 1)[0];
        Assert.NotEqual(alone.Spam, expected[0].Spam);
    }

    // Twenty pairs of held-out SMS messages: spam with ham, ham with spam, ham with ham and spam with spam, five each.
    private static List<(string Premise, string Hypothesis)> RealPairs()
    {
        var heldOut = SmsData.HeldOut();
        var spam = heldOut.Where(m => m.Label == "spam").Select(m => m.Text).Take(10).ToList();
        var ham = heldOut.Where(m => m.Label == "ham").Select(m => m.Text).Take(10).ToList();
        var pairs = new List<(string, string)>();
        for (var i = 0; i < 5; i++)
        {
            pairs.Add((spam[i], ham[i]));
            pairs.Add((ham[i + 5], spam[i + 5]));
            pairs.Add((ham[i], ham[9 - i]));
            pairs.Add((spam[i + 5], spam[4 - i]));
        }

        return pairs;
    }

    /// <summary>The label and spam probability <c>fastbert predict</c> prints for each input line on the shared SMS model.</summary>
    private static List<(string Label, float Spam)> FastbertPredict(string configuration, string input, int count)
    {
        var tool = Path.Combine(TestPaths.RepositoryRoot, "src", "Tool", "bin", configuration, "net10.0", "fastbert.dll");
        var predict = ProcessRunner.Run("dotnet", [tool, "predict", "--model", TestPaths.SmsModel], TestPaths.SmsModel, input);
        Assert.True(predict.ExitCode == 0, predict.All);
        var lines = predict.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, lines.Length);
        return lines.Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("label").GetString()!, e.GetProperty("probabilities").GetProperty("spam").GetSingle()))
            .ToList();
    }
}
