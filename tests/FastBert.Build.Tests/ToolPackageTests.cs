using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>The fastbert tool as a dotnet tool: packed, installed from a local folder feed, run.</summary>
[Collection(BuildCollection.Name)]
public sealed class ToolPackageTests
{
    [Fact]
    public void PackedTool_InstallsFromAFolderFeed_AndPrintsItsVersion()
    {
        using var workspace = new FixtureProject("ToolInstall");
        var feed = Path.Combine(workspace.Directory, "feed");
        var toolPath = Path.Combine(workspace.Directory, "tools");
        var version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";

        var pack = ProcessRunner.Dotnet(TestPaths.RepositoryRoot, "pack", "src/Tool/FastBert.Tool.csproj", "-c", workspace.Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
        Assert.True(pack.ExitCode == 0, pack.All);

        var install = ProcessRunner.Dotnet(workspace.Directory, "tool", "install", "fastbert", "--tool-path", toolPath, "--add-source", feed, "--version", version);
        Assert.True(install.ExitCode == 0, install.All);

        var run = ProcessRunner.Run(Path.Combine(toolPath, "fastbert"), ["--version"], workspace.Directory);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.StartsWith("0.1.0", run.Output.Trim());

        var help = ProcessRunner.Run(Path.Combine(toolPath, "fastbert"), ["--help"], workspace.Directory);
        foreach (var command in new[] { "tokenize", "predict", "export", "evaluate", "benchmark", "quantize", "report", "pull", "prepare", "train" })
        {
            Assert.Contains(command, help.Output);
        }

        // The installed layout loads libtorch: a one-epoch run on a few real messages.
        var data = Path.Combine(workspace.Directory, "sms.tsv");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(25));
        var trained = Path.Combine(workspace.Directory, "trained");
        var train = ProcessRunner.Run(Path.Combine(toolPath, "fastbert"), ["train", "--base", TestPaths.SmsModel, "--data", data, "--epochs", "1", "--output", trained, "--json"], workspace.Directory);
        Assert.True(train.ExitCode == 0, train.All);
        Assert.Contains("\"schema\": \"fastbert.train/v1\"", train.Output);
        Assert.True(File.Exists(Path.Combine(trained, "model.safetensors")));
    }
}
