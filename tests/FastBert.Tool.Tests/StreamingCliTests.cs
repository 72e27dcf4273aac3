using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// <c>predict</c> and <c>tokenize</c> as a line-by-line service: each answer is written and flushed as soon as its
/// line is read, and a bad line is reported only after the answers to the good lines before it.
/// </summary>
public sealed class StreamingCliTests
{
    // Generous: the first answer includes starting .NET and loading the model on a busy machine.
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public void Predict_AnswersEachLineBeforeTheClientWritesTheNext()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel).Take(4).ToList();
        using var fastbert = CliProcess.Start("predict", "--model", TestPaths.SmsModel);

        foreach (var golden in goldens)
        {
            fastbert.WriteLine(JsonSerializer.Serialize(new { text = golden.Text }));
            using var answer = JsonDocument.Parse(fastbert.ReadLine(AnswerTimeout));
            Assert.Equal(golden.Pred, answer.RootElement.GetProperty("label").GetString());
        }

        var (exit, rest) = fastbert.CloseInputAndWait(AnswerTimeout);
        Assert.True(exit == 0, fastbert.Error);
        Assert.Equal(string.Empty, rest);
    }

    [Fact]
    public void Tokenize_AnswersEachLineBeforeTheClientWritesTheNext()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel).Take(4).ToList();
        using var fastbert = CliProcess.Start("tokenize", "--model", TestPaths.SmsModel);

        foreach (var golden in goldens)
        {
            fastbert.WriteLine(JsonSerializer.Serialize(golden.Text));
            using var answer = JsonDocument.Parse(fastbert.ReadLine(AnswerTimeout));
            Assert.Equal(golden.InputIds, answer.RootElement.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()));
        }

        var (exit, _) = fastbert.CloseInputAndWait(AnswerTimeout);
        Assert.True(exit == 0, fastbert.Error);
    }

    [Fact]
    public void Predict_BadLineAfterGoodOnes_IsReportedAfterTheirAnswers()
    {
        using var fastbert = CliProcess.Start("predict", "--model", TestPaths.SmsModel);
        fastbert.WriteLine("\"see you at lunch\"");
        Assert.Contains("\"label\":\"ham\"", fastbert.ReadLine(AnswerTimeout));

        fastbert.WriteLine("{\"text\": \"WINNER!! You have won a free cruise, call 09061701461 now\"}");
        fastbert.WriteLine("{\"text\": 7}");
        Assert.Contains("\"label\":\"spam\"", fastbert.ReadLine(AnswerTimeout));

        var (exit, rest) = fastbert.CloseInputAndWait(AnswerTimeout);
        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Equal(string.Empty, rest);
        Assert.Contains("fastbert: error: stdin line 3: the \"text\" field is a number", fastbert.Error);
    }

    [Theory]
    [InlineData("predict")]
    [InlineData("tokenize")]
    public void BadLineInBufferedInput_EveryGoodLineBeforeItIsAnswered(string command)
    {
        // All of stdin is available at once, so the good lines and the bad one arrive in one read.
        var good = GoldenExample.Load(TestPaths.SmsModel).Take(5).Select(g => JsonSerializer.Serialize(g.Text)).ToList();
        var input = string.Join('\n', [.. good[..3], string.Empty, .. good[3..], "not json", .. good]) + "\n";

        var (exit, output, error) = CliRunner.Run(input, command, "--model", TestPaths.SmsModel);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Equal(5, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("stdin line 7: not valid JSON", error);
    }
}
