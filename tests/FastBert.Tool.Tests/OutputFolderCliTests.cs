using System.Security.Cryptography;
using FastBert.Models.Export;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// Every command that writes a folder (export, quantize, prepare, train) against a folder of the user's files, its
/// own input, its own earlier output, and with --force.
/// </summary>
public sealed class OutputFolderCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-output", Guid.NewGuid().ToString("N"));
    private readonly string _checkpoint;

    public OutputFolderCliTests()
    {
        Directory.CreateDirectory(_root);
        _checkpoint = WriterRuns.CopyCheckpoint(Path.Combine(_root, "checkpoint"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Writers => new(WriterRuns.Names);

    [Theory]
    [MemberData(nameof(Writers))]
    public void AFolderOfTheUsersFiles_IsRefusedAndKept(string writer)
    {
        var output = Path.Combine(_root, "mine");
        Directory.CreateDirectory(Path.Combine(output, "photos"));
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");
        File.WriteAllText(Path.Combine(output, "photos", "cat.jpg"), "meow");

        var (exit, stdout, error) = Run(writer, output);

        // prepare prints its errors on stdout, in MSBuild's form.
        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"--output {output} already holds files fastbert did not write (notes.txt, photos;", stdout + error, StringComparison.Ordinal);
        Assert.Contains("pass --force", stdout + error, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.Equal("meow", File.ReadAllText(Path.Combine(output, "photos", "cat.jpg")));
        Assert.Empty(OutputFolder.Leftovers(output));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void TheUsersFolder_IsReplacedWithForce(string writer)
    {
        var output = Path.Combine(_root, "mine");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "replace me");

        var (exit, _, error) = Run(writer, output, "--force");

        Assert.True(exit == 0, error);
        Assert.False(File.Exists(Path.Combine(output, "notes.txt")));
        WriterRuns.AssertComplete(writer, output);
        Assert.Empty(OutputFolder.Leftovers(output));
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void ItsOwnEarlierOutput_IsReplaced(string writer)
    {
        var output = Path.Combine(_root, "out");
        var first = Run(writer, output);
        Assert.True(first.Exit == 0, first.Error);
        File.WriteAllText(Path.Combine(output, "left-from-the-first-run.txt"), "stale");

        var (exit, _, error) = Run(writer, output);

        Assert.True(exit == 0, error);
        Assert.False(File.Exists(Path.Combine(output, "left-from-the-first-run.txt")));
        WriterRuns.AssertComplete(writer, output);
        Assert.Empty(OutputFolder.Leftovers(output));
    }

    [Theory]
    [InlineData("export", "", "is the input")]
    [InlineData("export", "onnx", "is inside the input")]
    [InlineData("export", "..", "contains the input")]
    [InlineData("quantize", "", "is the input")]
    [InlineData("quantize", "int8", "is inside the input")]
    [InlineData("prepare", "", "is the input")]
    [InlineData("prepare", "prepared", "is inside the input")]
    [InlineData("train", "", "is the input")]
    [InlineData("train", "trained", "is inside the input")]
    public void ItsOwnInput_IsRefused_EvenWithForce(string writer, string relative, string expected)
    {
        var output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(_checkpoint, relative)));
        string[] arguments = [.. WriterRuns.Arguments(writer, _checkpoint, _root, output), "--force"];
        var before = Hashes(_root);

        var (exit, stdout, error) = CliRunner.Run(string.Empty, arguments);

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"--output {output} {expected} {_checkpoint}", stdout + error, StringComparison.Ordinal);
        Assert.Equal(before, Hashes(_root));
    }

    [Fact]
    public void AJsonFileOptionNamingAFolder_IsAUsageError()
    {
        var folder = Path.Combine(_root, "results");
        Directory.CreateDirectory(folder);
        var data = Path.Combine(_root, "sms-5.tsv");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(6));

        var (exit, _, error) = CliRunner.Run(string.Empty, "evaluate", TestPaths.SmsModel, "--data", data, "--json", folder);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains($"--json {folder} is a folder", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    private (int Exit, string Output, string Error) Run(string writer, string output, params string[] extra) =>
        CliRunner.Run(string.Empty, [.. WriterRuns.Arguments(writer, _checkpoint, _root, output), .. extra]);

    private static SortedDictionary<string, string> Hashes(string folder)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(folder, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return hashes;
    }
}
