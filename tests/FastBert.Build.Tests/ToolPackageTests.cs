using System.IO.Compression;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// The fastbert tool as dotnet tools: the per-platform core packages and the fastbert-train extension, packed,
/// installed from a local folder feed into a tool folder, run.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ToolPackageTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void CorePackage_IsSmallAndPerPlatform_TrainSaysHowToInstallTheExtension_AndTrainsOnceItIs()
    {
        using var workspace = new FixtureProject("ToolInstall");
        var feed = Path.Combine(workspace.Directory, "feed");
        var toolPath = Path.Combine(workspace.Directory, "tools");
        var suffix = $"test{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
        var version = $"0.1.0-{suffix}";

        var pack = ProcessRunner.Run("dotnet", ["pack", "src/Tool/FastBert.Tool.csproj", "-c", workspace.Configuration, "-o", feed, "--artifacts-path", workspace.PackArtifactsDirectory, $"-p:VersionSuffix={suffix}"],
            TestPaths.RepositoryRoot, timeout: TimeSpan.FromMinutes(10));
        Assert.True(pack.ExitCode == 0, pack.All);

        // One pointer package and one package per platform, each with only its own ONNX Runtime library and no libtorch.
        foreach (var (rid, library) in new[] { ("linux-x64", "libonnxruntime.so"), ("linux-arm64", "libonnxruntime.so"), ("win-x64", "onnxruntime.dll"), ("osx-arm64", "libonnxruntime.dylib") })
        {
            using var archive = ZipFile.OpenRead(Path.Combine(feed, $"fastbert.{rid}.{version}.nupkg"));
            var entries = archive.Entries.Select(e => e.FullName).ToList();
            Assert.Contains($"tools/net10.0/{rid}/{library}", entries);
            Assert.DoesNotContain(entries, e => e.Contains("torch", StringComparison.OrdinalIgnoreCase) || e.Contains("Skia", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
        }

        var linuxPackage = new FileInfo(Path.Combine(feed, $"fastbert.linux-x64.{version}.nupkg")).Length;
        Assert.True(linuxPackage <= 40 * MiB, $"fastbert.linux-x64 is {linuxPackage / MiB} MiB");

        var install = ProcessRunner.Dotnet(workspace.Directory, "tool", "install", "fastbert", "--tool-path", toolPath, "--add-source", feed, "--version", version);
        Assert.True(install.ExitCode == 0, install.All);
        var installed = Directory.EnumerateFiles(toolPath, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(installed <= 150 * MiB, $"the installed tool is {installed / MiB} MiB");

        var fastbert = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "fastbert.exe" : "fastbert");
        var run = ProcessRunner.Run(fastbert, ["--version"], workspace.Directory);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.StartsWith(version, run.Output.Trim());

        var help = ProcessRunner.Run(fastbert, ["--help"], workspace.Directory);
        foreach (var command in new[] { "tokenize", "predict", "export", "evaluate", "benchmark", "quantize", "report", "pull", "prepare", "train" })
        {
            Assert.Contains(command, help.Output);
        }

        // Without the extension: exit code 5 and the one command that installs it into this tool folder.
        var data = Path.Combine(workspace.Directory, "sms.tsv");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(25));
        var trained = Path.Combine(workspace.Directory, "trained");
        string[] trainArguments = ["train", "--base", TestPaths.SmsModel, "--data", data, "--epochs", "1", "--output", trained, "--json"];
        var noExtension = new Dictionary<string, string> { ["FASTBERT_TRAIN_TOOL"] = string.Empty, ["PATH"] = PathWithout("fastbert-train") };
        var missing = ProcessRunner.Run(fastbert, trainArguments, workspace.Directory, environment: noExtension);
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("needs the training extension", missing.Error);
        Assert.Contains($"dotnet tool install fastbert-train --tool-path \"{toolPath}\" --version {version}", missing.Error);
        Assert.False(Directory.Exists(trained));

        // Installed beside it, the same command trains (the installed layout loads libtorch): one epoch on real messages.
        var packTrain = ProcessRunner.Run("dotnet", ["pack", "src/TrainTool/FastBert.TrainTool.csproj", "-c", workspace.Configuration, "-o", feed, "--artifacts-path", workspace.PackArtifactsDirectory, $"-p:VersionSuffix={suffix}"],
            TestPaths.RepositoryRoot, timeout: TimeSpan.FromMinutes(10));
        Assert.True(packTrain.ExitCode == 0, packTrain.All);
        var installTrain = ProcessRunner.Run("dotnet", ["tool", "install", "fastbert-train", "--tool-path", toolPath, "--add-source", feed, "--version", version],
            workspace.Directory, timeout: TimeSpan.FromMinutes(10));
        Assert.True(installTrain.ExitCode == 0, installTrain.All);

        var train = ProcessRunner.Run(fastbert, trainArguments, workspace.Directory, environment: noExtension);
        Assert.True(train.ExitCode == 0, train.All);
        Assert.Contains("\"schema\": \"fastbert.train/v1\"", train.Output);
        Assert.True(File.Exists(Path.Combine(trained, "model.safetensors")));
    }

    private static string PathWithout(string command) => string.Join(Path.PathSeparator,
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(directory => !File.Exists(Path.Combine(directory, command)) && !File.Exists(Path.Combine(directory, command + ".exe"))));
}
