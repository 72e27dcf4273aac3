using FastBert.Models.Hub;
using FastBert.Tests;

namespace FastBert.Models.Tests.Hub;

/// <summary>A test server over the sms-spam-bert-tiny folder and an empty temporary cache, both removed on dispose.</summary>
internal sealed class HubTestContext : IDisposable
{
    public static readonly string[] SmallFiles = ["config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"];

    public HubTestContext()
    {
        Server = new HubTestServer(TestPaths.SmsModel);
        Cache = Path.Combine(Path.GetTempPath(), "fastbert-hub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Cache);
    }

    public HubTestServer Server { get; }

    public string Cache { get; }

    public HubReference Reference { get; } = HubReference.Parse($"hf:{HubTestServer.DefaultRepoId}");

    public string RepoFolder => Path.Combine(Cache, "models--fastbert--sms-spam-bert-tiny");

    /// <summary>
    /// Options for the test server: anonymous, online, tiny retry delays. Time-outs are generous (60 s) unless a test
    /// is about them: the loopback server shares 2 cores with the rest of the suite, and a 10 s limit failed there.
    /// </summary>
    public HubOptions Options(string? token = "", bool offline = false, int retries = 2, TimeSpan? requestTimeout = null) => new()
    {
        Endpoint = Server.Endpoint,
        Token = token,
        CacheDirectory = Cache,
        Offline = offline,
        MaxRetries = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        MetadataTimeout = requestTimeout ?? TimeSpan.FromSeconds(60),
        ReadTimeout = requestTimeout ?? TimeSpan.FromSeconds(60),
        TotalDownloadTimeout = TimeSpan.FromSeconds(120),
    };

    public async Task<HubSnapshot> PullAsync(HubOptions? options = null, IReadOnlyList<string>? files = null, string? pinnedCommit = null,
        HubReference? reference = null, IProgress<DownloadProgress>? progress = null)
    {
        using var client = new HubClient(options ?? Options());
        return await client.PullAsync(reference ?? Reference, files, pinnedCommit, progress);
    }

    /// <summary>Every file and symlink under the cache, relative, '/'-separated, sorted.</summary>
    public string[] CacheEntries(string under = "") =>
        Directory.Exists(Path.Combine(RepoFolder, under))
            ? new DirectoryInfo(Path.Combine(RepoFolder, under)).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
                .Where(i => i is FileInfo || i.LinkTarget is not null)
                .Select(i => Path.GetRelativePath(RepoFolder, i.FullName).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

    public void Dispose()
    {
        Server.Dispose();
        try
        {
            Directory.Delete(Cache, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
