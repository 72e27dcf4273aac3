using System.Text.Json;
using FastBert.Models.Tests.Hub;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary><c>fastbert pull</c> against a Hub-protocol server on 127.0.0.1 (HF_ENDPOINT).</summary>
[Collection(nameof(PullCliTests))]
public sealed class PullCliTests : IDisposable
{
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "fastbert-cli-pull", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", null);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", null);
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", null);
        Environment.SetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT", null);
        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public void Pull_PrintsTheSnapshot_ThenWorksOfflineFromTheCache()
    {
        using var server = new HubTestServer(TestPaths.SmsModel);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", _cache);

        var (exit, output, error) = CliRunner.Run(string.Empty, "pull", $"hf:{server.RepoId}", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(HubTestServer.Commit, json.RootElement.GetProperty("commit").GetString());
        var snapshot = json.RootElement.GetProperty("snapshot").GetString()!;
        Assert.Equal(Path.Combine(_cache, "models--fastbert--sms-spam-bert-tiny", "snapshots", HubTestServer.Commit), snapshot);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestPaths.SmsModel, "model.safetensors")), File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));

        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");
        var requests = server.Requests.Count;
        var offline = CliRunner.Run(string.Empty, "pull", $"hf:{server.RepoId}");
        Assert.True(offline.Exit == 0, offline.Error);
        Assert.Equal(snapshot, offline.Output.Trim());
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public void Pull_UnknownRepo_IsAnInputError_AndUnreachableHubANetworkError()
    {
        using var server = new HubTestServer(TestPaths.SmsModel);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", _cache);

        var missing = CliRunner.Run(string.Empty, "pull", "hf:nobody/nothing");
        Assert.Equal(ExitCodes.InputError, missing.Exit);

        Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://127.0.0.1:9");
        var unreachable = CliRunner.Run(string.Empty, "pull", $"hf:{server.RepoId}");
        Assert.Equal(ExitCodes.NetworkError, unreachable.Exit);
        Assert.Contains("HF_HUB_OFFLINE", unreachable.Error);
    }

    [Fact]
    public void Pull_FromAHubThatNeverAnswers_FailsWithinTheEtagTimeout()
    {
        using var silent = new SilentServer();
        Environment.SetEnvironmentVariable("HF_ENDPOINT", silent.Endpoint);
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", _cache);
        Environment.SetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT", "1");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, _, error) = CliRunner.Run(string.Empty, "pull", "hf:org/model");

        Assert.Equal(ExitCodes.NetworkError, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Contains($"{silent.Endpoint}/org/model/resolve/main/config.json", error);
        Assert.Contains("raise HF_HUB_ETAG_TIMEOUT", error);
    }

    [Fact]
    public void Pull_WithAnInvalidTimeoutVariable_IsAnInputErrorNamingIt()
    {
        Environment.SetEnvironmentVariable("HF_HUB_CACHE", _cache);
        Environment.SetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT", "ten");

        var (exit, _, error) = CliRunner.Run(string.Empty, "pull", "hf:org/model");

        Assert.Equal(ExitCodes.InputError, exit);
        Assert.StartsWith("fastbert: error: HF_HUB_ETAG_TIMEOUT='ten' is not a time-out", error);
    }
}
