using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>The <c>tokenize</c> and <c>predict</c> JSON-lines contracts.</summary>
public sealed class CliTests
{
    [Theory]
    [InlineData("sms-spam-bert-tiny")]
    [InlineData("emotion-distilbert-tiny")]
    public void Tokenize_GoldenTexts_WritesReferenceInputIdsOnePerLine(string modelName)
    {
        var modelDirectory = Path.Combine(TestPaths.Models, modelName);
        var goldens = GoldenExample.Load(modelDirectory);
        var input = string.Join('\n', goldens.Select((g, i) => i % 2 == 0 ? JsonSerializer.Serialize(g.Text) : JsonSerializer.Serialize(new { text = g.Text, id = i })));

        var (exit, output, error) = CliRunner.Run(input, "tokenize", "--model", modelDirectory);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(goldens.Count, lines.Length);
        for (var i = 0; i < goldens.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(["input_ids"], json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(goldens[i].InputIds, json.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Fact]
    public void Tokenize_WithMaxTokens_TruncatesKeepingSep()
    {
        var (exit, output, _) = CliRunner.Run("\"one two three four five six\"", "tokenize", "--model", TestPaths.SmsModel, "--max-tokens", "4");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var ids = json.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(4, ids.Length);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
    }

    [Fact]
    public void Predict_WritesLabelIndexConfidenceAndProbabilitiesPerLine()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel);
        var input = string.Join('\n', goldens.Select(g => JsonSerializer.Serialize(new { text = g.Text })));

        var (exit, output, error) = CliRunner.Run(input, "predict", "--model", TestPaths.SmsModel);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(goldens.Count, lines.Length);
        for (var i = 0; i < goldens.Count; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal(["label", "index", "confidence", "probabilities"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(goldens[i].Pred, root.GetProperty("label").GetString());
            var index = root.GetProperty("index").GetInt32();
            Assert.Equal(goldens[i].Pred == "spam" ? 1 : 0, index);

            // The probabilities are the softmax of the reference logits.
            var logits = goldens[i].Logits;
            var expectedSpam = 1 / (1 + Math.Exp(logits[0] - logits[1]));
            var probabilities = root.GetProperty("probabilities");
            Assert.Equal(["ham", "spam"], probabilities.EnumerateObject().Select(p => p.Name));
            Assert.Equal(expectedSpam, probabilities.GetProperty("spam").GetDouble(), 4);
            Assert.Equal(1 - expectedSpam, probabilities.GetProperty("ham").GetDouble(), 4);
            Assert.Equal(index == 1 ? expectedSpam : 1 - expectedSpam, root.GetProperty("confidence").GetDouble(), 4);
        }
    }

    [Fact]
    public void Predict_BlankLinesAreSkipped()
    {
        var (exit, output, _) = CliRunner.Run("\"hello\"\n\n   \n\"Free entry in 2 a wkly comp to win FA Cup final tkts\"\n", "predict", "--model", TestPaths.SmsModel);

        Assert.Equal(0, exit);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("not json", "stdin line 2: not valid JSON")]
    [InlineData("42", "stdin line 2: expected a JSON string or an object with a \"text\" field, got a number")]
    [InlineData("{\"text\": 5}", "stdin line 2: the \"text\" field is a number; it must be a string")]
    [InlineData("{\"body\": \"x\"}", "stdin line 2: expected a JSON string or an object with a \"text\" field, got a object")]
    public void MalformedInputLine_ExitsWithInputErrorNamingTheLine(string badLine, string expectedMessage)
    {
        var (exit, _, error) = CliRunner.Run($"\"fine\"\n{badLine}\n", "tokenize", "--model", TestPaths.SmsModel);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(expectedMessage, error);
    }

    [Fact]
    public void MissingModelFolder_ExitsWithInputErrorNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), "fastbert-no-such-model");

        var (exit, _, error) = CliRunner.Run("\"x\"", "predict", "--model", missing);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(missing, error);
    }

    [Fact]
    public void MissingRequiredOption_IsAUsageError()
    {
        var (exit, _, error) = CliRunner.Run(string.Empty, "predict");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--model", error);
    }
}

/// <summary><c>fastbert export</c> and checkpoint folders in <c>predict</c>.</summary>
public sealed class ExportCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-export", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Export_Json_WritesTheModelFolderAndASummary()
    {
        var output = Path.Combine(_root, "emotion");

        var (exit, stdout, error) = CliRunner.Run(string.Empty, "export", TestPaths.EmotionModel, "--output", output, "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(output, json.RootElement.GetProperty("output").GetString());
        Assert.Equal("distilbert", json.RootElement.GetProperty("modelType").GetString());
        Assert.Equal(6, json.RootElement.GetProperty("labels").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "model.onnx")));
        Assert.True(File.Exists(Path.Combine(output, "model.json")));
    }

    [Fact]
    public void Export_UnsupportedModelType_IsAnInputErrorListingSupportedTypes()
    {
        var checkpoint = Path.Combine(_root, "gpt2");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), "{\"model_type\": \"gpt2\"}");

        var (exit, _, error) = CliRunner.Run(string.Empty, "export", checkpoint, "--output", Path.Combine(_root, "out"));

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains("bert, distilbert, electra", error);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    [Fact]
    public void Predict_OnACheckpointFolder_ExportsItOnceAndMatchesGolden()
    {
        var goldens = GoldenExample.Load(TestPaths.EmotionModel);
        var labels = new[] { "sadness", "joy", "love", "anger", "fear", "surprise" };
        Environment.SetEnvironmentVariable("FASTBERT_CACHE", Path.Combine(_root, "cache"));
        try
        {
            var input = string.Join('\n', goldens.Select(g => JsonSerializer.Serialize(g.Text)));
            var (exit, stdout, error) = CliRunner.Run(input, "predict", "--model", TestPaths.EmotionModel);

            Assert.True(exit == 0, error);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < goldens.Count; i++)
            {
                using var json = JsonDocument.Parse(lines[i]);
                Assert.Equal(goldens[i].Pred, json.RootElement.GetProperty("label").GetString());
                Assert.Equal(Array.IndexOf(labels, goldens[i].Pred), json.RootElement.GetProperty("index").GetInt32());
            }

            Assert.Single(Directory.GetDirectories(Path.Combine(_root, "cache", "exports")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASTBERT_CACHE", null);
        }
    }
}
