using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>benchmark --seq</c> measures the lengths it reports, or refuses lengths the model cannot take.</summary>
public sealed class BenchmarkCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-bench", Guid.NewGuid().ToString("N"));

    public BenchmarkCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Seq_AboveTheOldFixedLimit_IsReallyMeasuredAtThatLength()
    {
        var json = Path.Combine(_root, "bench.json");

        var (exit, output, error) = CliRunner.Run(string.Empty, "benchmark", TestPaths.SmsModel, "--seq", "128,256,512", "--batch", "2",
            "--warmup", "2", "--iters", "10", "--threads", "1", "--json", json);

        Assert.True(exit == 0, error);
        var runs = Assert.Single(Report.FromJson(File.ReadAllText(json), json).Benchmarks).Runs;
        Assert.Equal([128, 256, 512], runs.Select(r => r.Sequence));
        Assert.Contains(" | 256 | ", output);

        // Four times the tokens costs at least four times the feed-forward work (and 16 times the attention); a run
        // cut to 128 tokens would take about as long as the 128-token run.
        var at128 = runs.Single(r => r.Sequence == 128).P50Ms;
        var at512 = runs.Single(r => r.Sequence == 512).P50Ms;
        Assert.True(at512 > 2 * at128, $"p50 at 512 tokens {at512} ms vs {at128} ms at 128: 512 tokens were not measured");
    }

    [Theory]
    [InlineData("4000")]
    [InlineData("64,513")]
    [InlineData("1")]
    public void Seq_OutsideTheModelsPositions_IsAUsageError_BeforeAnythingIsMeasured(string seq)
    {
        var json = Path.Combine(_root, "bench.json");

        var (exit, output, error) = CliRunner.Run(string.Empty, "benchmark", TestPaths.SmsModel, "--seq", seq, "--iters", "1", "--json", json);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--seq {seq.Split(',')[^1]}: sms-spam-bert-tiny accepts sequences of 2..512 tokens", error);
        Assert.Equal(string.Empty, output);
        Assert.False(File.Exists(json));
    }
}
