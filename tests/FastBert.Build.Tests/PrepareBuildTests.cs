using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastBert.Models.Tests.Hub;
using FastBert.Tests;

namespace FastBert.Build.Tests;

/// <summary>
/// <c>dotnet build</c> of projects whose manifests need <c>fastbert prepare</c>: quantization, validation gates,
/// labels from the lock file, a Hub source served over HTTP on 127.0.0.1.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class PrepareBuildTests
{
    private const string Program = """
        using Fixture;
        using var spam = SpamClassifier.Load();
        System.Console.WriteLine($"{spam.Predict(args[0]).Label}|{spam.Info.Directory}|{spam.Info.RuntimeGraphFile}");
        """;

    private static string SmsData => Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection");

    private static string SmsIndices => Path.Combine(TestPaths.Data, "sms-spam", "sms_test_indices.txt");

    private static string Manifest(string source, double minAccuracy, string? labels = null) => $"""
        model:
          source: {source}
        {(labels is null ? string.Empty : $"labels: {labels}")}
        quantize:
          mode: int8
          maxAccuracyDrop: 0.005
        validate:
          data: {SmsData}
          indices: {SmsIndices}
          minAccuracy: {minAccuracy.ToString(System.Globalization.CultureInfo.InvariantCulture)}
          maxP95LatencyMs: 1000
        """;

    [Fact]
    public void QuantizedValidatedModel_PreparesOnce_RerunsOnManifestChange_AndAFailingGateFailsTheBuildAtItsLine()
    {
        using var project = new FixtureProject("Fixture");
        project.Write("spam.yaml", Manifest(FixtureProject.SampleModelFolder, 0.98));
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", Program);

        var first = project.Build();
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("fastbert: preparing spam", first.Output);

        // No labels in the manifest: the lock file recorded the checkpoint's id2label and the generator used them.
        var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "spam.lock.json"))).RootElement;
        Assert.Equal(["ham", "spam"], lockFile.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("int8", lockFile.GetProperty("quantization").GetProperty("mode").GetString());
        Assert.True(lockFile.GetProperty("validation").GetProperty("accuracy").GetDouble() >= 0.98);
        var prepared = Path.Combine(project.OutputDirectory, "fastbert", "spam");
        Assert.Contains("\"quantization\": \"int8\"", File.ReadAllText(Path.Combine(prepared, "model.json")));
        Assert.True(File.Exists(Path.Combine(project.Directory, "obj", project.Configuration, "net10.0", "fastbert", "spam", "report.html")));

        var run = project.RunApp(null, "WINNER!! You have won a £1000 prize, call 09061701461 now");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.StartsWith("Spam|", run.Output.Trim());
        // prepare's pre-optimised graph ships beside model.onnx, and the app runs it.
        Assert.EndsWith($"|{Path.Combine(prepared, "model.ort")}", run.Output.Trim());

        var watch = Stopwatch.StartNew();
        var second = project.Build();
        watch.Stop();
        Assert.True(second.ExitCode == 0, second.All);
        Assert.DoesNotContain("fastbert: preparing", second.Output);
        Console.WriteLine($"no-op build with a prepared model: {watch.Elapsed.TotalSeconds:0.0} s");

        project.Write("spam.yaml", Manifest(FixtureProject.SampleModelFolder, 0.97));
        var third = project.Build();
        Assert.True(third.ExitCode == 0, third.All);
        Assert.Contains("fastbert: preparing spam", third.Output);

        project.Write("spam.yaml", Manifest(FixtureProject.SampleModelFolder, 0.999));
        var failing = project.Build();
        Assert.NotEqual(0, failing.ExitCode);
        var line = File.ReadAllLines(Path.Combine(project.Directory, "spam.yaml")).ToList().FindIndex(l => l.Contains("minAccuracy")) + 1;
        Assert.Matches($@"spam\.yaml\({line},\d+\): error FB0301: accuracy 0\.99\d+ is below validate\.minAccuracy 0\.999 — see .*report\.html", failing.Output);
    }

    [Fact]
    public void HubSource_IsPulledFromTheEndpoint_LockedToItsCommit_AndNotDownloadedAgain()
    {
        using var server = new HubTestServer(FixtureProject.SampleModelFolder);
        using var project = new FixtureProject("Fixture");
        var cache = Path.Combine(project.Directory, "hf-cache");
        project.Write("spam.yaml", Manifest($"hf:{server.RepoId}", 0.98, "[ham, spam]"));
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", Program);
        var environment = new Dictionary<string, string> { ["HF_ENDPOINT"] = server.Endpoint, ["HF_TOKEN"] = string.Empty };

        var first = project.BuildWith(environment, $"-p:FastBertCacheDir={cache}");
        Assert.True(first.ExitCode == 0, first.All);
        Assert.True(server.Count("GET") > 0);
        var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "spam.lock.json"))).RootElement;
        Assert.Equal(HubTestServer.Commit, lockFile.GetProperty("resolvedCommit").GetString());
        Assert.True(Directory.Exists(Path.Combine(cache, "models--fastbert--sms-spam-bert-tiny", "snapshots", HubTestServer.Commit)));
        var run = project.RunApp(null, "Ok lar... Joking wif u oni...");
        Assert.StartsWith("Ham|", run.Output.Trim());

        // Clean obj/ so prepare must run again: the locked commit is served from the cache, nothing is downloaded.
        Directory.Delete(Path.Combine(project.Directory, "obj", project.Configuration, "net10.0", "fastbert"), recursive: true);
        var gets = server.Count("GET");
        var offline = project.BuildWith(environment, $"-p:FastBertCacheDir={cache}", "-p:FastBertOffline=true");
        Assert.True(offline.ExitCode == 0, offline.All);
        Assert.Contains("fastbert: preparing spam", offline.Output);
        Assert.Equal(gets, server.Count("GET"));
    }

    [NodeFact]
    public void HubDatasetValidation_IsPreparedByTheTool_PinnedInTheLock_AndRebuildsOfflineWithTheHubGone()
    {
        const string Dataset = "fastbert-test/sms_spam";
        const string DatasetCommit = "1a2b3c4d5e6f708192a3b4c5d6e7f80912a3b4c5";
        using var project = new FixtureProject("Fixture");
        var files = Path.Combine(project.Directory, "served");
        ParquetFixtures.Write(project.Directory, Path.Combine(files, "data", "test-00000-of-00001.parquet"),
            FastBert.Tests.SmsData.HeldOut().Take(80).Select(r => new Dictionary<string, object> { ["text"] = r.Text, ["label"] = r.Label }), null);
        var cache = Path.Combine(project.Directory, "hf-cache");
        project.Write("spam.yaml", $"model:\n  source: {FixtureProject.SampleModelFolder}\nlabels: [ham, spam]\nvalidate:\n  data: hf-dataset:{Dataset}\n  split: test\n  minAccuracy: 0.9\n");
        project.WriteInRepoProject("""    <BertModel Include="spam.yaml" />""", Program);

        using (var server = new HubTestServer(FixtureProject.SampleModelFolder))
        {
            server.AddDataset(Dataset, "main", DatasetCommit, files);
            var first = project.BuildWith(new Dictionary<string, string> { ["HF_ENDPOINT"] = server.Endpoint, ["HF_TOKEN"] = string.Empty }, $"-p:FastBertCacheDir={cache}");
            Assert.True(first.ExitCode == 0, first.All);
            Assert.Contains("fastbert: preparing spam", first.Output);
        }

        var pin = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "spam.lock.json"))).RootElement.GetProperty("dataset");
        Assert.Equal(DatasetCommit, pin.GetProperty("resolvedCommit").GetString());
        Assert.Equal("default", pin.GetProperty("config").GetString());
        Assert.False(File.Exists(Path.Combine(project.Directory, "hf-dataset:" + Dataset)));

        // The prepared folder is gone and so is the Hub: prepare runs again from the pinned, cached files.
        Directory.Delete(Path.Combine(project.Directory, "obj", project.Configuration, "net10.0", "fastbert"), recursive: true);
        var offline = project.BuildWith(new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:9", ["HF_HUB_OFFLINE"] = "1" }, $"-p:FastBertCacheDir={cache}");
        Assert.True(offline.ExitCode == 0, offline.All);
        Assert.Contains("fastbert: preparing spam", offline.Output);
        var run = project.RunApp(null, "Ok lar... Joking wif u oni...");
        Assert.StartsWith("Ham|", run.Output.Trim());
    }
}
