using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// <c>fastbert explain</c>: per line, the label, confidence and each word's contribution, checked against
/// <c>fastbert predict</c> on the same texts with the word removed (an independent path through the CLI).
/// </summary>
public sealed class ExplainCliTests
{
    [Fact]
    public void Explain_WordContributionsEqualPredictOnTheTextWithoutTheWord()
    {
        var texts = SmsData.HeldOut().Take(6).Select(m => m.Text).Append("Ok lar... Joking wif u oni...").ToList();
        var input = string.Join('\n', texts.Select((t, i) => i % 2 == 0 ? JsonSerializer.Serialize(t) : JsonSerializer.Serialize(new { text = t })));

        var (exit, output, error) = CliRunner.Run(input, "explain", "--model", TestPaths.SmsModel);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(texts.Count, lines.Length);
        var removed = new List<(int Line, string Label, double Expected)>();
        var shortened = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(["label", "index", "confidence", "truncated", "words"], root.EnumerateObject().Select(p => p.Name));
            Assert.False(root.GetProperty("truncated").GetBoolean());
            var label = root.GetProperty("label").GetString()!;
            var confidence = root.GetProperty("confidence").GetDouble();
            foreach (var word in root.GetProperty("words").EnumerateArray())
            {
                Assert.Equal(["word", "start", "end", "contribution", "pieces"], word.EnumerateObject().Select(p => p.Name));
                var start = word.GetProperty("start").GetInt32();
                var end = word.GetProperty("end").GetInt32();
                Assert.Equal(texts[i][start..end], word.GetProperty("word").GetString());
                shortened.Add(texts[i][..start] + " " + texts[i][end..]);
                removed.Add((i, label, confidence - word.GetProperty("contribution").GetDouble()));
            }
        }

        var (predictExit, predictOutput, predictError) = CliRunner.Run(string.Join('\n', shortened.Select(t => JsonSerializer.Serialize(t))), "predict", "--model", TestPaths.SmsModel);
        Assert.True(predictExit == 0, predictError);
        var predictions = predictOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(removed.Count, predictions.Length);
        for (var k = 0; k < removed.Count; k++)
        {
            using var json = JsonDocument.Parse(predictions[k]);
            var probability = json.RootElement.GetProperty("probabilities").GetProperty(removed[k].Label).GetDouble();
            Assert.Equal(probability, removed[k].Expected, 4);
        }
    }

    [Fact]
    public void Explain_MalformedLine_AnswersTheGoodLinesThenExitsWithInputError()
    {
        var (exit, output, error) = CliRunner.Run("\"free prize\"\n{\"text\": 5}\n\"never read\"\n", "explain", "--model", TestPaths.SmsModel);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("stdin line 2: the \"text\" field is a number; it must be a string", error);
    }

    [Fact]
    public void Explain_MultiLabelModel_ExitsWithInputErrorSayingSingleLabelOnly()
    {
        using var folder = new MultiLabelModelFolder();

        var (exit, output, error) = CliRunner.Run("\"free prize\"", "explain", "--model", folder.Path);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Empty(output);
        Assert.Contains("explain supports single-label models", error);
        Assert.Contains(folder.Path, error);
    }

    [Fact]
    public void Explain_MissingModelFolder_ExitsWithInputErrorNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "fastbert-no-such-model");

        var (exit, _, error) = CliRunner.Run("\"x\"", "explain", "--model", missing);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(missing, error);
    }
}
