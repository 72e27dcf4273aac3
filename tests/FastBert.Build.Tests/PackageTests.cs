using System.IO.Compression;
using System.Text.Json;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>The packed FastBert.Sdk nupkg: its layout, and a project that consumes it from a local folder feed.</summary>
[Collection(BuildCollection.Name)]
public sealed class PackageTests
{
    [Fact]
    public void PackedSdk_ContainsGeneratorWithDependenciesTasksAndBuildFiles_AndWorksFromAFolderFeed()
    {
        using var workspace = new FixtureProject("Consumer");
        var feed = Path.Combine(workspace.Directory, "feed");
        var version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";

        var pack = ProcessRunner.Dotnet(TestPaths.RepositoryRoot, "pack", "src/Sdk/FastBert.Sdk.csproj", "-c", workspace.Configuration, "--no-build", "-o", feed, $"-p:PackageVersion={version}");
        Assert.True(pack.ExitCode == 0, pack.All);

        var nupkg = Path.Combine(feed, $"FastBert.Sdk.{version}.nupkg");
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var expected in new[]
            {
                "analyzers/dotnet/cs/FastBert.Generator.dll",
                "analyzers/dotnet/cs/FastBert.Manifest.dll",
                "analyzers/dotnet/cs/YamlDotNet.dll",
                "tasks/net8.0/FastBert.Build.dll",
                "tasks/net8.0/FastBert.Manifest.dll",
                "tasks/net8.0/FastBert.Export.dll",
                "tasks/net8.0/FastBert.Core.dll",
                "tasks/net8.0/YamlDotNet.dll",
                "tasks/net8.0/Google.Protobuf.dll",
                "build/FastBert.Sdk.props",
                "build/FastBert.Sdk.targets",
                "build/_fastbert/FastBert.Models.props",
                "build/_fastbert/FastBert.Models.targets",
                "buildTransitive/FastBert.Sdk.props",
                "buildTransitive/FastBert.Sdk.targets",
                "lib/net8.0/FastBert.Sdk.dll",
                "lib/net8.0/FastBert.Core.dll",
            })
            {
                Assert.Contains(expected, entries);
            }

            // No edge back into the package: the tasks never carry the runtime library or the ORT-based pipeline.
            Assert.DoesNotContain("tasks/net8.0/FastBert.Sdk.dll", entries);
            Assert.DoesNotContain("tasks/net8.0/FastBert.Models.dll", entries);
            Assert.DoesNotContain("tasks/net8.0/Microsoft.ML.OnnxRuntime.dll", entries);
            using var nuspec = new StreamReader(archive.GetEntry("FastBert.Sdk.nuspec")!.Open());
            Assert.DoesNotContain("FastBert.Core", nuspec.ReadToEnd(), StringComparison.Ordinal);
        }

        workspace.Write("Consumer.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>Consumer</RootNamespace>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="FastBert.Sdk" Version="{version}" />
                <BertModel Include="spam.yaml" />
              </ItemGroup>
            </Project>
            """);
        workspace.Write("Directory.Build.props", "<Project />");
        workspace.Write("Directory.Build.targets", "<Project />");
        workspace.Write("Directory.Packages.props", "<Project />");
        LocalNuGetFeed.WriteNuGetConfig(workspace.Directory, feed);
        workspace.Write("spam.yaml", $"model:\n  source: {FixtureProject.SampleModelFolder}\nlabels: [ham, spam]\n");
        workspace.Write("Program.cs", """
            using var spam = Consumer.SpamClassifier.Load();
            System.Console.WriteLine(spam.Predict(args[0]));
            """);

        var build = ProcessRunner.Dotnet(workspace.Directory, "build", "-c", workspace.Configuration);
        Assert.True(build.ExitCode == 0, build.All);

        var run = workspace.RunApp(null, "Ok lar... Joking wif u oni...");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Matches(@"^Ham \([01]\.\d\d\)$", run.Output.Trim());

        // dotnet new fastbert-classifier (installed from templates/ into a private hive) builds against the same feed.
        var hive = Path.Combine(workspace.Directory, "template-hive");
        var templateFolder = Path.Combine(TestPaths.RepositoryRoot, "templates", "fastbert-classifier");
        var install = ProcessRunner.Dotnet(workspace.Directory, "new", "install", templateFolder, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, install.All);
        var appDirectory = Path.Combine(workspace.Directory, "NewApp");
        var create = ProcessRunner.Dotnet(workspace.Directory, "new", "fastbert-classifier", "-n", "NewApp", "-o", appDirectory, "--debug:custom-hive", hive,
            "--model", FixtureProject.SampleModelFolder, "--labels", "ham, spam", "--sdkVersion", version);
        Assert.True(create.ExitCode == 0, create.All);
        // The app pins the fastbert tool to the Sdk's version, for manifests that need `fastbert prepare`.
        var toolManifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(appDirectory, ".config", "dotnet-tools.json"))).RootElement;
        Assert.Equal(version, toolManifest.GetProperty("tools").GetProperty("fastbert").GetProperty("version").GetString());
        File.Copy(Path.Combine(workspace.Directory, "nuget.config"), Path.Combine(appDirectory, "nuget.config"));
        var newBuild = ProcessRunner.Dotnet(appDirectory, "build", "-c", workspace.Configuration);
        Assert.True(newBuild.ExitCode == 0, newBuild.All);
        var newRun = ProcessRunner.Run("dotnet", [Path.Combine(appDirectory, "bin", workspace.Configuration, "net10.0", "NewApp.dll"), "WINNER!! claim your prize, call 09061701461 now"], appDirectory);
        Assert.True(newRun.ExitCode == 0, newRun.All);
        Assert.StartsWith("Spam (", newRun.Output.Trim());
    }

    /// <summary>
    /// README's "Install it like a .NET product" block, run as it stands with bash in an empty folder outside the
    /// repository: pack to a folder feed, add it as a source, create the template app, install the tool from the
    /// feed through the app's local tool manifest (no fastbert on PATH) and run both.
    /// </summary>
    [Fact]
    public void ReadmeInstallPath_PacksToAFeed_InstallsTheToolFromIt_AndRunsTheTemplateApp()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        const string Begin = "<!-- install-path:begin -->", End = "<!-- install-path:end -->";
        var block = readme[(readme.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length)..readme.IndexOf(End, StringComparison.Ordinal)].Trim();
        Assert.StartsWith("```bash\n", block);
        Assert.EndsWith("\n```", block);
        var script = block["```bash\n".Length..^"\n```".Length];

        var root = Path.Combine(Path.GetTempPath(), "fastbert-build-tests", $"Stranger-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var environment = new Dictionary<string, string>
        {
            ["REPO"] = TestPaths.RepositoryRoot.TrimEnd('/'),
            // A fresh dotnet home: the template and tool installs of this run touch nothing of the user's.
            ["DOTNET_CLI_HOME"] = Path.Combine(root, "dotnet-home"),
            ["NUGET_PACKAGES"] = packages,
            ["PATH"] = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(folder => !File.Exists(Path.Combine(folder, "fastbert")) && !File.Exists(Path.Combine(folder, "fastbert-train")))),
            ["FASTBERT_TOOL_PATH"] = string.Empty,
            ["FASTBERT_TRAIN_TOOL"] = string.Empty,
        };
        string? version = null;
        try
        {
            var run = ProcessRunner.Run("bash", ["-c", "set -euxo pipefail\n" + script], root, timeout: TimeSpan.FromMinutes(20), environment: environment);
            var versionFile = Path.Combine(root, "fastbert-try", "feed", "fastbert.version");
            version = File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : null;
            Assert.True(run.ExitCode == 0, run.All);
            Assert.Matches(@"^0\.1\.0-local\.\d{14}$", version);
            var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, line => line.StartsWith(version!, StringComparison.Ordinal)); // dotnet tool run fastbert --version
            Assert.Contains(lines, line => line.StartsWith("Spam (", StringComparison.Ordinal)); // the template app
            Assert.Contains(lines, line => line.StartsWith("{\"label\":\"ham\"", StringComparison.Ordinal)); // fastbert predict
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            // The packages this run restored into the NuGet cache (their version is unique to it).
            foreach (var id in version is null || !Directory.Exists(packages) ? [] : Directory.GetDirectories(packages, "fastbert*"))
            {
                if (Directory.Exists(Path.Combine(id, version!)))
                {
                    Directory.Delete(Path.Combine(id, version!), recursive: true);
                }
            }
        }
    }
}
