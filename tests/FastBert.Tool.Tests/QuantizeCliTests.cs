using FastBert.Models.Reports;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

public sealed class QuantizeCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-quantize", Guid.NewGuid().ToString("N"));

    public QuantizeCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] HeldOut =>
    [
        "--data", Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection"),
        "--indices", Path.Combine(TestPaths.Data, "sms-spam", "sms_test_indices.txt"),
    ];

    [Fact]
    public void Quantize_WithinBudget_WritesInt8ModelAndSummary()
    {
        var output = Path.Combine(_root, "int8");
        var json = Path.Combine(_root, "q.json");

        var (exit, _, error) = CliRunner.Run(string.Empty, ["quantize", TestPaths.SmsModel, "--output", output, "--json", json, .. HeldOut]);

        Assert.True(exit == 0, error);
        var summary = Report.FromJson(File.ReadAllText(json), json).Quantization!;
        Assert.True(summary.Accepted);
        Assert.True(summary.AccuracyFp32 - summary.AccuracyInt8 <= 0.005);
        Assert.True(summary.ArgmaxAgreement >= 0.99);
        Assert.True(new FileInfo(Path.Combine(output, "model.onnx")).Length <= 0.30 * summary.Fp32SizeBytes);
    }

    [Fact]
    public void Quantize_ImpossibleBudget_ExitsWithTwoAndWritesNothing()
    {
        var output = Path.Combine(_root, "int8");
        var json = Path.Combine(_root, "q.json");

        var (exit, _, error) = CliRunner.Run(string.Empty, ["quantize", TestPaths.SmsModel, "--output", output, "--min-agreement", "1.01", "--json", json, .. HeldOut]);

        Assert.Equal(ExitCodes.ValidationFailed, exit);
        Assert.Contains("refused", error);
        Assert.False(Directory.Exists(output));
        var summary = Report.FromJson(File.ReadAllText(json), json).Quantization!;
        Assert.False(summary.Accepted);
        Assert.NotEmpty(summary.Attempts);
    }
}
