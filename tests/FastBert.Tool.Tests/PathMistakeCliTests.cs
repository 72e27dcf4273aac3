using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Paths that name the wrong kind of thing — a folder as the <c>--json</c> report or the <c>--data</c> file, a Hub file
/// outside the repository — are a clear error and exit code, never a stack trace.
/// </summary>
public sealed class PathMistakeCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-path-mistakes", Guid.NewGuid().ToString("N"));

    public PathMistakeCliTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string SmsData => Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection");

    public static TheoryData<string> CommandsWithAJsonReport() => ["evaluate", "benchmark", "quantize"];

    [Theory]
    [MemberData(nameof(CommandsWithAJsonReport))]
    public void JsonPathThatIsAnExistingFolder_IsAUsageError_AndTheFolderIsKept(string command)
    {
        var folder = Path.Combine(_root, "reports");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "mine.txt"), "the user's file");

        var (exit, _, error) = CliRunner.Run(string.Empty, [command, .. Arguments(command), "--json", folder]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal($"fastbert: usage: --json {folder} is a folder; give the path of a file to write, e.g. {Path.Combine(folder, "report.json")}.", error.Trim());
        Assert.Equal(["mine.txt"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(_root, "int8")));
    }

    [Fact]
    public void JsonPathUnderAFile_IsAUsageErrorNamingTheFile()
    {
        var file = Path.Combine(_root, "notes.txt");
        File.WriteAllText(file, "x");

        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", SmsData, "--json", Path.Combine(file, "eval.json"));

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"{file} is a file, not a folder", error);
    }

    [Theory]
    [InlineData("../../evil")]
    [InlineData("config.json,/etc/passwd")]
    [InlineData("onnx\\model.onnx")]
    public void PullFilesOutsideTheRepository_IsAUsageError(string files)
    {
        var (exit, _, error) = CliRunner.Run(string.Empty, "pull", "hf:org/model", "--files", files);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("fastbert: usage: --files: '", error);
        Assert.Contains("is not a file path inside a repository", error);
    }

    [Theory]
    [InlineData("evaluate", "--data")]
    [InlineData("evaluate", "--indices")]
    [InlineData("benchmark", "--data")]
    [InlineData("quantize", "--data")]
    public void DataPathThatIsAFolder_IsAnInputErrorSayingSo(string command, string option)
    {
        var folder = Path.Combine(_root, "data");
        Directory.CreateDirectory(folder);
        string[] arguments = option == "--indices"
            ? [command, TestPaths.SmsModel, "--data", SmsData, "--indices", folder]
            : [command, TestPaths.SmsModel, .. command == "quantize" ? new[] { "--output", Path.Combine(_root, "int8") } : [], option, folder];

        var (exit, _, error) = CliRunner.Run(string.Empty, arguments);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Equal($"fastbert: error: {folder}: this is a folder, not a data file; give the path of the file itself.", error.Trim());
    }

    private string[] Arguments(string command) => command switch
    {
        "evaluate" => [TestPaths.SmsModel, "--data", SmsData],
        "benchmark" => [TestPaths.SmsModel, "--seq", "16", "--iters", "1"],
        "quantize" => [TestPaths.SmsModel, "--output", Path.Combine(_root, "int8")],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
