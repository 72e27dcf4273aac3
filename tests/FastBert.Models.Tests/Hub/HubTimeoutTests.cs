using System.Diagnostics;
using FastBert.Models.Hub;

namespace FastBert.Models.Tests.Hub;

/// <summary>
/// HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT against real sockets on 127.0.0.1: a server that accepts and then
/// says nothing fails the pull within the limit (not after minutes of retries), with a message naming the address and
/// the variable to raise.
/// </summary>
public sealed class HubTimeoutTests : IDisposable
{
    private const string Weights = "model.safetensors";
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(6);
    private readonly HubTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task ServerThatAcceptsAndNeverAnswers_FailsAfterTheEtagTimeout_WithoutRetrying()
    {
        using var silent = new SilentServer();
        var options = new HubOptions { Endpoint = silent.Endpoint, Token = "", CacheDirectory = _context.Cache, MaxRetries = 4 };
        using var client = new HubClient(options, options.Resolve(Environment(("HF_HUB_ETAG_TIMEOUT", "1"), ("HF_HUB_DOWNLOAD_TIMEOUT", "60"))));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<HubNetworkException>(() => client.PullAsync(_context.Reference, ["config.json"]));
        clock.Stop();

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1) + Slack);
        Assert.Contains($"HEAD {silent.Endpoint}/{HubTestServer.DefaultRepoId}/resolve/main/config.json", failure.Message);
        Assert.Contains("HF_HUB_ETAG_TIMEOUT", failure.Message);
        Assert.Equal(1, silent.Accepted);
    }

    [Fact]
    public async Task DownloadThatNeverStarts_FailsAfterTheDownloadTimeout()
    {
        _context.Server.StallDownloadsOf = "config.json";
        var options = new HubOptions { Endpoint = _context.Server.Endpoint, Token = "", CacheDirectory = _context.Cache, MaxRetries = 4 };
        using var client = new HubClient(options, options.Resolve(Environment(("HF_HUB_ETAG_TIMEOUT", "60"), ("HF_HUB_DOWNLOAD_TIMEOUT", "1"))));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<HubNetworkException>(() => client.PullAsync(_context.Reference, ["config.json"]));
        clock.Stop();

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1) + Slack);
        Assert.Contains($"GET {_context.Server.Endpoint}/{HubTestServer.DefaultRepoId}/resolve/{HubTestServer.Commit}/config.json", failure.Message);
        Assert.Contains("HF_HUB_DOWNLOAD_TIMEOUT", failure.Message);
        Assert.Equal(1, _context.Server.Count("GET", "config.json"));
    }

    [Fact]
    public async Task DownloadThatGoesSilentHalfWay_ResumesAfterTheReadTimeout()
    {
        _context.Server.PauseFile = Weights;
        _context.Server.PauseTimes = 1;
        var options = new HubOptions { Endpoint = _context.Server.Endpoint, Token = "", CacheDirectory = _context.Cache, RetryBaseDelay = TimeSpan.Zero };
        using var client = new HubClient(options, options.Resolve(Environment(("HF_HUB_DOWNLOAD_TIMEOUT", "1"))));

        var clock = Stopwatch.StartNew();
        var snapshot = await client.PullAsync(_context.Reference, [Weights]);
        clock.Stop();

        Assert.Equal(_context.Server.Bytes(Weights), File.ReadAllBytes(snapshot.PathOf(Weights)));
        var gets = _context.Server.Requests.Where(r => r.Method == "GET").ToArray();
        Assert.Equal(2, gets.Length);
        Assert.Null(gets[0].Range);
        Assert.Equal($"bytes={_context.Server.Bytes(Weights).Length / 2}-", gets[1].Range);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"took {clock.Elapsed}");
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
