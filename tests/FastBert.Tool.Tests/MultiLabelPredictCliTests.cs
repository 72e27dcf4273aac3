using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>predict</c> on a multi-label model: <c>{"labels":[...],"probabilities":{...}}</c> per line.</summary>
public sealed class MultiLabelPredictCliTests : IDisposable
{
    private readonly MultiLabelModelFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Predict_MultiLabelModel_WritesChosenLabelsAndEverySigmoidProbability()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        var input = string.Join('\n', goldens.Select(g => JsonSerializer.Serialize(new { text = g.Text })));

        var (exit, output, error) = CliRunner.Run(input, "predict", "--model", _folder.Path);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(goldens.Count, lines.Length);
        for (var i = 0; i < goldens.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(["labels", "probabilities"], root.EnumerateObject().Select(p => p.Name));
            var logits = goldens[i].Logits;
            var probabilities = root.GetProperty("probabilities");
            Assert.Equal(["ham", "spam"], probabilities.EnumerateObject().Select(p => p.Name));
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[0]), probabilities.GetProperty("ham").GetDouble(), 4);
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[1]), probabilities.GetProperty("spam").GetDouble(), 4);
            string[] expected = [.. logits[0] >= 0 ? ["ham"] : Array.Empty<string>(), .. logits[1] >= 0 ? ["spam"] : Array.Empty<string>()];
            Assert.Equal(expected, root.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        }
    }
}
