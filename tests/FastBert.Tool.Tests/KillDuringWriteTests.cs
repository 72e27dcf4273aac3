using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FastBert.Models.Export;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// kill -9 of the real <c>fastbert</c> process while it writes its output folder, at each step of the write
/// (<see cref="OutputFolder.PauseVariable"/> makes the process announce the step and wait there, so the kill lands
/// deterministically): afterwards the folder is the old output, absent, or the complete new one, and the next run
/// restores or replaces it and leaves no staging folders behind.
/// </summary>
public sealed class KillDuringWriteTests : IDisposable
{
    private const string OldMarker = "from-the-earlier-run.txt";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-cli-kill", Guid.NewGuid().ToString("N"));
    private readonly string _checkpoint;

    public KillDuringWriteTests()
    {
        Directory.CreateDirectory(_root);
        _checkpoint = WriterRuns.CopyCheckpoint(Path.Combine(_root, "checkpoint"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var writer in WriterRuns.Names)
        {
            foreach (var point in OutputFolder.PausePoints)
            {
                cases.Add(writer, point);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AKillAtAnyStep_LeavesTheOldOrTheNewOutput_AndTheNextRunCleansUp(string writer, string point)
    {
        var output = Path.Combine(_root, "out");
        var arguments = WriterRuns.Arguments(writer, _checkpoint, _root, output);
        var first = CliRunner.Run(string.Empty, arguments);
        Assert.True(first.Exit == 0, first.Error);
        File.WriteAllText(Path.Combine(output, OldMarker), "old");
        var old = Hashes(output);

        KillAt(point, arguments);

        Assert.NotEmpty(OutputFolder.Leftovers(output)); // the kill really interrupted a write
        switch (point)
        {
            case "staging" or "staged":
                Assert.Equal(old, Hashes(output));
                break;
            case "old-aside":
                Assert.False(Directory.Exists(output), "between the two renames the target is absent");
                KillAt("staging", arguments); // the next run's recovery comes first: it puts the old folder back
                Assert.Equal(old, Hashes(output));
                break;
            case "placed":
                Assert.False(File.Exists(Path.Combine(output, OldMarker)));
                WriterRuns.AssertComplete(writer, output);
                break;
        }

        var rerun = CliRunner.Run(string.Empty, arguments);

        Assert.True(rerun.Exit == 0, rerun.Output + rerun.Error);
        Assert.False(File.Exists(Path.Combine(output, OldMarker)));
        WriterRuns.AssertComplete(writer, output);
        Assert.Empty(OutputFolder.Leftovers(output));
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Theory]
    [InlineData("export")]
    [InlineData("quantize")]
    [InlineData("train")]
    public void AKillDuringTheFirstWrite_LeavesNoOutput_AndTheNextRunWritesIt(string writer)
    {
        var output = Path.Combine(_root, "fresh");
        var arguments = WriterRuns.Arguments(writer, _checkpoint, _root, output);

        KillAt("staged", arguments);

        Assert.False(Directory.Exists(output));
        var rerun = CliRunner.Run(string.Empty, arguments);
        Assert.True(rerun.Exit == 0, rerun.Error);
        WriterRuns.AssertComplete(writer, output);
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void ExportDotToDot_InTheCheckpointFolder_IsRefusedAndDeletesNothing()
    {
        var before = Hashes(_checkpoint);

        var (exit, _, error) = RunProcess(_checkpoint, null, "export", ".", "--output", ".");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.Contains($"--output {_checkpoint} is the input {_checkpoint} itself", error, StringComparison.Ordinal);
        Assert.Equal(before, Hashes(_checkpoint));
    }

    /// <summary>Runs fastbert until it announces <paramref name="point"/>, then kills it with SIGKILL.</summary>
    private void KillAt(string point, string[] arguments)
    {
        using var process = Start(_root, new Dictionary<string, string> { [OutputFolder.PauseVariable] = point }, arguments);
        var error = new StringBuilder();
        using var paused = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (error)
            {
                error.AppendLine(e.Data);
            }

            if (e.Data == $"{OutputFolder.PauseMarker} {point}")
            {
                paused.Set();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var reached = paused.Wait(TimeSpan.FromMinutes(3));
        if (!process.HasExited)
        {
            process.Kill(); // SIGKILL: no finally blocks, no Dispose
        }

        process.WaitForExit();
        lock (error)
        {
            Assert.True(reached, $"fastbert {string.Join(' ', arguments)} never reached '{point}' (exit {process.ExitCode}). stderr:\n{error}");
        }
    }

    private static (int Exit, string Output, string Error) RunProcess(string workingDirectory, IDictionary<string, string>? environment, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill();
            throw new TimeoutException($"fastbert {string.Join(' ', arguments)} did not finish in time.");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    private static Process Start(string workingDirectory, IDictionary<string, string>? environment, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastbert.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

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
