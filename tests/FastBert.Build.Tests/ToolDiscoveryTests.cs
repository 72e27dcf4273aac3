using System.Text.RegularExpressions;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// How the build finds the fastbert tool for a manifest that needs <c>fastbert prepare</c>: a local tool manifest
/// (<c>dotnet tool run</c>), else FastBertToolPath, else PATH; a missing tool is one FB0310 with the fix, another
/// version an FB0311 warning. No global fastbert is on PATH in these builds.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class ToolDiscoveryTests
{
    private const string Program = """
        using var spam = Fixture.SpamClassifier.Load();
        System.Console.WriteLine(spam.Predict(args[0]).Label);
        """;

    // The Sdk's version, as the build task knows it: FastBert.Build.dll's informational version without build metadata.
    private static string SdkVersion(FixtureProject project)
    {
        var tasks = Path.Combine(TestPaths.RepositoryRoot, "src", "Build", "bin", project.Configuration, "net8.0", "FastBert.Build.dll");
        var version = System.Diagnostics.FileVersionInfo.GetVersionInfo(tasks).ProductVersion!;
        return version.Split('+')[0];
    }

    private static string RepoToolFolder(FixtureProject project) =>
        Path.Combine(TestPaths.RepositoryRoot, "src", "Tool", "bin", project.Configuration, "net10.0");

    // validate: needs the tool; 60 real messages keep the gate quick.
    private static void WriteValidatedProject(FixtureProject project)
    {
        File.WriteAllLines(Path.Combine(project.Directory, "sms.tsv"), File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Take(60));
        project.Write("spam.yaml", $"""
            model:
              source: {FixtureProject.SampleModelFolder}
            labels: [ham, spam]
            validate:
              data: sms.tsv
              minAccuracy: 0.5
            """);
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", Program);
    }

    // PATH without any folder that holds a fastbert executable (a global tool in ~/.dotnet/tools, say).
    private static Dictionary<string, string> PathWithoutFastBert() => new()
    {
        ["PATH"] = string.Join(Path.PathSeparator, (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(folder => !File.Exists(Path.Combine(folder, "fastbert")) && !File.Exists(Path.Combine(folder, "fastbert.exe")))),
        ["FASTBERT_TOOL_PATH"] = string.Empty,
    };

    private static int Count(string text, string pattern) => Regex.Matches(text, pattern).Count;

    [Fact]
    public void NoToolAnywhere_IsOneFB0310AtTheValidateKey_WithTheInstallCommand_AndNoMSB3073()
    {
        using var project = new FixtureProject("Fixture");
        WriteValidatedProject(project);

        var build = project.BuildWith(PathWithoutFastBert(), "-p:FastBertToolPath=");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("1 Error(s)", build.Output);
        Assert.DoesNotContain("MSB3073", build.All);
        Assert.DoesNotContain("MSB6006", build.All);
        var validateLine = File.ReadAllLines(Path.Combine(project.Directory, "spam.yaml")).ToList().FindIndex(l => l.StartsWith("validate:")) + 1;
        Assert.Matches($@"spam\.yaml\({validateLine},1\): error FB0310: validate is set, so the build needs the fastbert tool, but the fastbert tool was not found: .*`dotnet new tool-manifest && dotnet tool install fastbert --version {Regex.Escape(SdkVersion(project))}`", build.Output);
    }

    [Fact]
    public void FastBertToolPathNamingTheToolsFolder_RunsPrepare()
    {
        using var project = new FixtureProject("Fixture");
        WriteValidatedProject(project);

        // The build is told the version the folder's tool reports (a repository build's), so the check below is about
        // discovery, not versions. (The packing tests build into their own --artifacts-path, never into this folder.)
        var versionRun = ProcessRunner.Run("dotnet", [Path.Combine(RepoToolFolder(project), "fastbert.dll"), "--version"], project.Directory);
        Assert.True(versionRun.ExitCode == 0, versionRun.All);
        var toolVersion = versionRun.Output.Trim().Split('\n')[^1].Trim().Split('+')[0];
        var build = project.BuildWith(PathWithoutFastBert(), $"-p:FastBertToolPath={RepoToolFolder(project)}", $"-p:FastBertToolVersion={toolVersion}");

        Assert.True(build.ExitCode == 0, build.All);
        Assert.Contains($"fastbert: preparing spam from {Path.Combine(project.Directory, "spam.yaml")} with {Path.Combine(RepoToolFolder(project), "fastbert")} (FastBertToolPath)", build.Output);
        Assert.DoesNotContain("FB0311", build.Output);
        Assert.Equal("Spam", project.RunApp(null, "WINNER!! claim your £1000 prize, call 09061701461 now").Output.Trim());
    }

    [Fact]
    public void LocalToolManifest_NotRestoredIsOneFB0310WithDotnetToolRestore_RestoredRunsPrepare_AnotherVersionIsFB0311()
    {
        using var project = new FixtureProject("Fixture");
        WriteValidatedProject(project);
        var feed = Path.Combine(project.Directory, "feed");
        var suffix = $"tooltest{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";
        var version = $"0.1.0-{suffix}";
        var packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        try
        {
            // The tool's per-platform packages are built for their platforms, so this pack builds; the version (one
            // for the pointer package and the platform packages) comes in as the suffix.
            var pack = ProcessRunner.Run("dotnet", ["pack", "src/Tool/FastBert.Tool.csproj", "-c", project.Configuration, "-o", feed, "--artifacts-path", project.PackArtifactsDirectory, $"-p:VersionSuffix={suffix}"],
                TestPaths.RepositoryRoot, timeout: TimeSpan.FromMinutes(10));
            Assert.True(pack.ExitCode == 0, pack.All);
            LocalNuGetFeed.WriteNuGetConfig(project.Directory, feed);
            project.Write(".config/dotnet-tools.json", $$"""
                {
                  "version": 1,
                  "isRoot": true,
                  "tools": {
                    "fastbert": {
                      "version": "{{version}}",
                      "commands": [ "fastbert" ],
                      "rollForward": false
                    }
                  }
                }
                """);
            var environment = PathWithoutFastBert();

            // Pinned but not restored: one error at the manifest's fastbert line, naming the fix.
            var notRestored = project.BuildWith(environment, "-p:FastBertToolPath=");
            Assert.NotEqual(0, notRestored.ExitCode);
            Assert.Contains("1 Error(s)", notRestored.Output);
            Assert.DoesNotContain("MSB3073", notRestored.All);
            Assert.Matches($@"dotnet-tools\.json\(5,5\): error FB0310: fastbert {Regex.Escape(version)} is pinned in .*dotnet-tools\.json but is not installed on this machine\. Run `dotnet tool restore` in {Regex.Escape(project.Directory)}", notRestored.Output);

            var restore = ProcessRunner.Run("dotnet", ["tool", "restore"], project.Directory, environment: environment);
            Assert.True(restore.ExitCode == 0, restore.All);

            // Restored: the build runs it through `dotnet tool run`; its version is not the Sdk's: FB0311, once.
            var sdk = Regex.Escape(SdkVersion(project));
            var mismatched = project.BuildWith(environment, "-p:FastBertToolPath=");
            Assert.True(mismatched.ExitCode == 0, mismatched.All);
            Assert.Contains($"with fastbert {version} from the local tool manifest", mismatched.Output);
            Assert.Matches($@"dotnet-tools\.json\(5,5\): warning FB0311: fastbert {Regex.Escape(version)} is pinned in .* but this build uses FastBert\.Sdk {sdk}; .*`dotnet tool update fastbert --local --version {sdk}`", mismatched.Output);
            Assert.Contains("1 Warning(s)", mismatched.Output);
            Assert.Equal("Spam", project.RunApp(null, "WINNER!! claim your £1000 prize, call 09061701461 now").Output.Trim());

            // The version the build expects equals the pinned one: no warning; an edited manifest prepares again.
            File.AppendAllText(Path.Combine(project.Directory, "spam.yaml"), "\n");
            var matched = project.BuildWith(environment, "-p:FastBertToolPath=", $"-p:FastBertToolVersion={version}");
            Assert.True(matched.ExitCode == 0, matched.All);
            Assert.Contains($"with fastbert {version} from the local tool manifest", matched.Output);
            Assert.DoesNotContain("FB0311", matched.Output);
        }
        finally
        {
            // The packages this test restored into the NuGet cache (their version is unique to this run).
            foreach (var restored in Directory.Exists(packages) ? Directory.GetDirectories(packages, "fastbert*") : [])
            {
                if (Directory.Exists(Path.Combine(restored, version)))
                {
                    Directory.Delete(Path.Combine(restored, version), recursive: true);
                }
            }
        }
    }
}
