using System.Text.Json;
using FastBert.Models.Export;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>tokenize</c> and <c>predict</c> on sentence-pair lines <c>{"text": ..., "text_pair": ...}</c>.</summary>
public sealed class PairCliTests
{
    [Fact]
    public void Tokenize_PairLine_PrintsIdsAndTokenTypes_AndSingleLinesKeepTheirShape()
    {
        // "Hello world" is hello world, "unaffable" una ##ffa ##ble in vocab.txt; 6 tokens leave 3 pieces: the
        // shorter text keeps one, the longer two (longest_first).
        var input = "\"Hello world\"\n{\"text\": \"Hello world\", \"text_pair\": \"unaffable\"}\n";

        var (exit, output, error) = CliRunner.Run(input, "tokenize", "--model", TestPaths.SmsModel, "--max-tokens", "6");

        Assert.True(exit == 0, error);
        Assert.Equal(
            "{\"input_ids\":[101,7592,2088,102]}\n{\"input_ids\":[101,7592,102,14477,20961,102],\"token_type_ids\":[0,0,0,1,1,1]}\n",
            output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("{\"text\": \"a\", \"text_pair\": 3}", "stdin line 2: the \"text_pair\" field is a number; it must be a string")]
    [InlineData("{\"text_pair\": \"b\"}", "stdin line 2: has a \"text_pair\" but no \"text\"")]
    public void MalformedPairLine_ExitsWithInputErrorNamingTheLine(string badLine, string expectedMessage)
    {
        var (exit, _, error) = CliRunner.Run($"\"fine\"\n{badLine}\n", "tokenize", "--model", TestPaths.SmsModel);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains(expectedMessage, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Tokenize_PairWithRoomForTwoTokens_IsAUsageErrorNamingTheOption()
    {
        var (exit, _, error) = CliRunner.Run("{\"text\": \"a\", \"text_pair\": \"b\"}", "tokenize", "--model", TestPaths.SmsModel, "--max-tokens", "2");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--max-tokens", error);
        Assert.Contains("at least 3", error);
    }

    [Fact]
    public void Predict_PairLines_PrintTheUsualObjectWithThePairsProbabilities()
    {
        (string Text, string Pair)[] pairs =
        [
            ("Free entry in 2 a wkly comp to win FA Cup final tkts", "Text FA to 87121 to receive entry question"),
            ("Ok lar... Joking wif u oni...", "see you at home tonight"),
        ];
        var input = string.Join('\n', pairs.Select(p => JsonSerializer.Serialize(new { text = p.Text, text_pair = p.Pair }))) + "\n\"Ok lar... Joking wif u oni...\"\n";

        var (exit, output, error) = CliRunner.Run(input, "predict", "--model", TestPaths.SmsModel);

        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        using var model = BertModel.Load(ExportCache.ResolveRunnableModel(TestPaths.SmsModel));
        for (var i = 0; i < 3; i++)
        {
            var expected = i < 2 ? model.Classify(pairs[i].Text, pairs[i].Pair) : model.Classify(pairs[1].Text);
            Assert.Equal(["label", "index", "confidence", "probabilities"], lines[i].EnumerateObject().Select(p => p.Name));
            Assert.Equal(model.Info.LabelNames[expected.Index], lines[i].GetProperty("label").GetString());
            Assert.Equal(expected.Probabilities[1], lines[i].GetProperty("probabilities").GetProperty("spam").GetSingle(), 1e-6f);
        }

        // The pair is not the first text alone: the second text reached the model.
        Assert.NotEqual(model.Classify(pairs[0].Text).Probabilities[1], model.Classify(pairs[0].Text, pairs[0].Pair).Probabilities[1]);
    }
}
