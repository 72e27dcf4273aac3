using System.Diagnostics;
using System.Text.Json;
using FastBert.Models.Export;

namespace FastBert.Models.Tests.Export;

/// <summary>
/// <see cref="OutputFolder"/> on its own: what it refuses, how it swaps, and how it cleans up after a run that was
/// killed (simulated by leaving containers whose marker names a process that has exited).
/// </summary>
public sealed class OutputFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-output-folder", Guid.NewGuid().ToString("N"));

    public OutputFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Commit_ReplacesAnEarlierOutput_AndLeavesNoContainers()
    {
        var target = Path.Combine(_root, "model");
        WriteModelFolder(target, "old");

        using (var output = OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
            Assert.Equal(_root, Path.GetDirectoryName(Path.GetDirectoryName(output.Directory)));
            WriteModelFolder(output.Directory, "new");
            Assert.Equal("old", File.ReadAllText(Path.Combine(target, "weights.bin")));
            output.Commit();
        }

        Assert.Equal(["model.json", "weights.bin"], FileNames(target));
        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "weights.bin")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void DisposeWithoutCommit_LeavesTheTargetAsItWas()
    {
        var target = Path.Combine(_root, "model");
        WriteModelFolder(target, "old");

        using (var output = OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
            WriteModelFolder(output.Directory, "new");
            File.WriteAllText(Path.Combine(output.ScratchDirectory, "attempt.onnx"), "scratch");
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "weights.bin")));
        Assert.Equal(["model"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void AForeignFolder_IsRefusedWithItsFilesNamed_AndKept()
    {
        var target = Path.Combine(_root, "mine");
        Directory.CreateDirectory(target);
        foreach (var name in new[] { "a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt" })
        {
            File.WriteAllText(Path.Combine(target, name), name);
        }

        var error = Assert.Throws<OutputFolderException>(() => OutputFolder.Begin(target, OutputKind.Model, [], force: false));

        Assert.Contains(target, error.Message, StringComparison.Ordinal);
        Assert.Contains("(a.txt, b.txt, c.txt, d.txt, e.txt and 2 more; no model.json)", error.Message, StringComparison.Ordinal);
        Assert.Contains("--force", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, Directory.GetFiles(target).Length);
        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void Force_ReplacesAForeignFolder()
    {
        var target = Path.Combine(_root, "mine");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "notes.txt"), "mine");

        using (var output = OutputFolder.Begin(target, OutputKind.Model, [], force: true))
        {
            WriteModelFolder(output.Directory, "new");
            output.Commit();
        }

        Assert.Equal(["model.json", "weights.bin"], FileNames(target));
    }

    [Fact]
    public void AnEmptyFolder_IsWrittenWithoutForce()
    {
        var target = Path.Combine(_root, "empty");
        Directory.CreateDirectory(target);

        using var output = OutputFolder.Begin(target, OutputKind.Training, [], force: false);
        output.Commit();

        Assert.True(Directory.Exists(target));
    }

    [Theory]
    [InlineData("ckpt", "ckpt", "is the input")]
    [InlineData("ckpt/onnx", "ckpt", "is inside the input")]
    [InlineData("ckpt/a/b", "ckpt", "is inside the input")]
    [InlineData("work", "work/ckpt", "contains the input")]
    [InlineData("work", "work/data/train.tsv", "contains the input")]
    [InlineData("ckpt/", "ckpt", "is the input")]
    public void AnOutputOverlappingAnInput_IsRefused_EvenWithForce(string output, string input, string expected)
    {
        var target = Path.Combine(_root, output);
        var source = Path.Combine(_root, input);

        var error = Assert.Throws<OutputFolderException>(() => OutputFolder.Begin(target, OutputKind.Model, [source], force: true));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.TrimEndingDirectorySeparator(Path.GetFullPath(target)), error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(source), error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void SiblingsThatShareAPrefix_DoNotCountAsNested()
    {
        using var output = OutputFolder.Begin(Path.Combine(_root, "ckpt-int8"), OutputKind.Model, [Path.Combine(_root, "ckpt")], force: false);
        output.Commit();
    }

    [Fact]
    public void AFileAsTarget_IsRefused()
    {
        var target = Path.Combine(_root, "model");
        File.WriteAllText(target, "a file");

        var error = Assert.Throws<OutputFolderException>(() => OutputFolder.Begin(target, OutputKind.Model, [], force: true));

        Assert.Contains("is a file", error.Message, StringComparison.Ordinal);
        Assert.Equal("a file", File.ReadAllText(target));
    }

    [Fact]
    public void ADeadRunsStagingContainer_IsRemovedByTheNextRun()
    {
        var target = Path.Combine(_root, "model");
        WriteModelFolder(target, "old");
        var stage = DeadContainer(target, "stage");
        WriteModelFolder(Path.Combine(stage, "out"), "half");

        using (var output = OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
            Assert.False(Directory.Exists(stage));
            Assert.Equal("old", File.ReadAllText(Path.Combine(target, "weights.bin")));
        }

        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void AKillBetweenMovingTheOldAsideAndTheNewIn_IsUndoneByTheNextRun()
    {
        var target = Path.Combine(_root, "model");
        var old = DeadContainer(target, "old");
        WriteModelFolder(Path.Combine(old, "out"), "old");
        var stage = DeadContainer(target, "stage");
        WriteModelFolder(Path.Combine(stage, "out"), "new");

        using (OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
            Assert.Equal("old", File.ReadAllText(Path.Combine(target, "weights.bin")));
        }

        Assert.Equal("old", File.ReadAllText(Path.Combine(target, "weights.bin")));
        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void AKillAfterTheNewFolderWasPlaced_KeepsTheNewOne()
    {
        var target = Path.Combine(_root, "model");
        WriteModelFolder(target, "new");
        var old = DeadContainer(target, "old");
        WriteModelFolder(Path.Combine(old, "out"), "old");

        using (OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
        }

        Assert.Equal("new", File.ReadAllText(Path.Combine(target, "weights.bin")));
        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void AnOldContainerWhoseDeletionWasCutShort_IsNeverRestored()
    {
        var target = Path.Combine(_root, "model");
        var old = DeadContainer(target, "old");
        WriteModelFolder(Path.Combine(old, "trash-0"), "half-deleted");

        using (OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
        }

        Assert.False(Directory.Exists(target));
        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void ALiveRunsContainer_IsLeftAlone()
    {
        var target = Path.Combine(_root, "model");
        using var first = OutputFolder.Begin(target, OutputKind.Model, [], force: false);
        WriteModelFolder(first.Directory, "first");

        using (OutputFolder.Begin(target, OutputKind.Model, [], force: false))
        {
            Assert.True(File.Exists(Path.Combine(first.Directory, "weights.bin")));
        }

        first.Commit();
        Assert.Equal("first", File.ReadAllText(Path.Combine(target, "weights.bin")));
        Assert.Empty(OutputFolder.Leftovers(target));
    }

    [Fact]
    public void Stamps_AreRecognisedPerKind()
    {
        var model = Path.Combine(_root, "model");
        WriteModelFolder(model, "x");
        var failedPrepare = Path.Combine(_root, "failed-prepare");
        Directory.CreateDirectory(failedPrepare);
        File.WriteAllText(Path.Combine(failedPrepare, "report.json"), """{"schema": "fastbert.report/v1", "kind": "prepare"}""");
        var trained = Path.Combine(_root, "trained");
        Directory.CreateDirectory(trained);
        File.WriteAllText(Path.Combine(trained, "train.json"), """{"schema": "fastbert.train/v1"}""");
        var report = Path.Combine(_root, "report");
        Directory.CreateDirectory(report);
        File.WriteAllText(Path.Combine(report, "report.json"), """[{"schema": "fastbert.report/v1", "kind": "evaluate"}]""");
        var lookalike = Path.Combine(_root, "lookalike");
        Directory.CreateDirectory(lookalike);
        File.WriteAllText(Path.Combine(lookalike, "model.json"), """{"name": "my own model.json"}""");
        File.WriteAllText(Path.Combine(lookalike, "train.json"), "not json");

        Assert.True(OutputFolder.HasStamp(model, OutputKind.Model));
        Assert.True(OutputFolder.HasStamp(model, OutputKind.PreparedModel));
        Assert.False(OutputFolder.HasStamp(model, OutputKind.Training));
        Assert.True(OutputFolder.HasStamp(failedPrepare, OutputKind.PreparedModel));
        Assert.False(OutputFolder.HasStamp(failedPrepare, OutputKind.Model));
        Assert.True(OutputFolder.HasStamp(trained, OutputKind.Training));
        Assert.False(OutputFolder.HasStamp(trained, OutputKind.Model));
        Assert.True(OutputFolder.HasStamp(report, OutputKind.Report));
        Assert.False(OutputFolder.HasStamp(report, OutputKind.PreparedModel));
        foreach (var kind in Enum.GetValues<OutputKind>())
        {
            Assert.False(OutputFolder.HasStamp(lookalike, kind));
        }
    }

    private static void WriteModelFolder(string folder, string content)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "weights.bin"), content);
        File.WriteAllText(Path.Combine(folder, "model.json"), """{"schemaVersion": 1, "files": {"weights.bin": "…"}}""");
    }

    /// <summary>A container as a killed run leaves it: its marker names a process that has exited.</summary>
    private string DeadContainer(string target, string role)
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        var container = Path.Combine(_root, $".{Path.GetFileName(target)}.fastbert-{role}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(container);
        var marker = new { Target = target, Pid = exited.Id, ProcessStart = DateTime.UtcNow.AddMinutes(-1), Started = DateTime.UtcNow.AddMinutes(-1) };
        File.WriteAllText(Path.Combine(container, "fastbert-output.json"), JsonSerializer.Serialize(marker));
        return container;
    }

    private static IEnumerable<string> FileNames(string folder) =>
        Directory.GetFileSystemEntries(folder).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal);
}
