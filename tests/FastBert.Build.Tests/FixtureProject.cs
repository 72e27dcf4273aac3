using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>A throwaway app project in a temp folder that uses &lt;BertModel&gt;.</summary>
internal sealed class FixtureProject : IDisposable
{
    public FixtureProject(string name)
    {
        Name = name;
        Directory = Path.Combine(Path.GetTempPath(), "fastbert-build-tests", $"{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Name { get; }

    public string Directory { get; }

    public string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public string OutputDirectory => Path.Combine(Directory, "bin", Configuration, "net10.0");

    /// <summary>
    /// Where a test's `dotnet pack --artifacts-path` builds the repository's projects: beside the fixture, not in it
    /// (its obj/ sources would be compiled into the fixture) and not in the repository's bin/ (which other tests run).
    /// </summary>
    public string PackArtifactsDirectory => Directory + ".pack";

    public static string SampleModelFolder => Path.Combine(TestPaths.RepositoryRoot, "samples", "SpamFilter", "model");

    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>An app project that consumes the Sdk from this repository's build output.</summary>
    public void WriteInRepoProject(string bodyItems, string program)
    {
        var eng = Path.Combine(TestPaths.RepositoryRoot, "eng");
        Write($"{Name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{eng}/FastBert.InRepo.props" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RootNamespace>{Name}</RootNamespace>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
            {bodyItems}
              </ItemGroup>
              <Import Project="{eng}/FastBert.InRepo.targets" />
            </Project>
            """);
        Write("Program.cs", program);
        // Keep the repository's Directory.Build.* and central package management out of the fixture.
        Write("Directory.Build.props", "<Project />");
        Write("Directory.Build.targets", "<Project />");
        Write("Directory.Packages.props", "<Project />");
    }

    /// <summary>Builds without rebuilding the repository's projects (the test run has built them).</summary>
    public ProcessResult Build(params string[] extra) => BuildWith(null, extra);

    public ProcessResult BuildWith(IDictionary<string, string>? environment, params string[] extra) =>
        ProcessRunner.Run("dotnet", ["build", "-c", Configuration, "-v:normal", "-p:BuildProjectReferences=false", .. extra], Directory, environment: environment);

    public ProcessResult RunApp(string? standardInput = null, params string[] args) =>
        ProcessRunner.Run("dotnet", [Path.Combine(OutputDirectory, $"{Name}.dll"), .. args], Directory, standardInput);

    public void Dispose()
    {
        foreach (var folder in new[] { Directory, PackArtifactsDirectory })
        {
            try
            {
                if (System.IO.Directory.Exists(folder))
                {
                    System.IO.Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
    }
}
