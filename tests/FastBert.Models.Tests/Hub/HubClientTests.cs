using System.Net;
using FastBert.Models.Hub;

namespace FastBert.Models.Tests.Hub;

/// <summary>HubClient against a real HTTP server on 127.0.0.1 speaking the Hub's download protocol.</summary>
public sealed class HubClientTests : IDisposable
{
    private const string Weights = "model.safetensors";
    private readonly HubTestContext _context = new();

    private HubTestServer Server => _context.Server;

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Pull_DefaultFiles_WritesTheHuggingFaceCacheLayout()
    {
        var snapshot = await _context.PullAsync();

        const string commit = HubTestServer.Commit;
        var repo = _context.RepoFolder;
        Assert.Equal(commit, snapshot.Commit);
        Assert.Equal(Path.Combine(repo, "snapshots", commit), snapshot.Directory);
        Assert.False(snapshot.FromCache);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(repo, "refs", "main")));

        string[] pulled = [.. HubTestContext.SmallFiles, Weights];
        Assert.Equal(pulled.Order(StringComparer.Ordinal), snapshot.Files.Keys.Order(StringComparer.Ordinal));
        foreach (var file in pulled)
        {
            var etag = HubTestServer.IsLarge(file) ? Server.Sha256(file) : Server.GitBlobId(file);
            var blob = Path.Combine(repo, "blobs", etag);
            var link = Path.Combine(repo, "snapshots", commit, file);
            Assert.Equal(Server.Bytes(file), File.ReadAllBytes(blob));
            Assert.Equal($"../../blobs/{etag}", new FileInfo(link).LinkTarget);
            Assert.Equal(blob, new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
            Assert.Equal(Server.Bytes(file), File.ReadAllBytes(snapshot.PathOf(file)));

            var entry = snapshot.Files[file];
            Assert.Equal(link, entry.Path);
            Assert.Equal(etag, entry.Etag);
            Assert.Equal(Server.Bytes(file).LongLength, entry.Size);
            Assert.Equal(HubTestServer.IsLarge(file) ? etag : null, entry.Sha256);
        }

        // tokenizer.json is optional and absent: tolerated, and remembered as huggingface_hub does.
        Assert.False(snapshot.Files.ContainsKey("tokenizer.json"));
        Assert.True(File.Exists(Path.Combine(repo, ".no_exist", commit, "tokenizer.json")));
        Assert.Equal(0, Server.Count("GET", "pytorch_model.bin") + Server.Count("HEAD", "pytorch_model.bin"));

        // Nothing else: no leftovers of the downloads.
        Assert.DoesNotContain(_context.CacheEntries(), e => e.EndsWith(".incomplete", StringComparison.Ordinal));
        Assert.Equal(pulled.Length, _context.CacheEntries("blobs").Length);
        Assert.Empty(Server.Violations);
    }

    [Fact]
    public async Task SecondPull_OfACachedSnapshot_DownloadsNothing()
    {
        await _context.PullAsync();
        var getsBefore = Server.Count("GET");
        var headsBefore = Server.Count("HEAD");

        var again = await _context.PullAsync();

        Assert.Equal(getsBefore, Server.Count("GET"));
        // one HEAD per file: config, vocab.txt, the three optional tokenizer files, model.safetensors (the later weight candidates are not needed)
        Assert.Equal(6, Server.Count("HEAD") - headsBefore);
        Assert.Equal(HubTestServer.Commit, again.Commit);
        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(again.PathOf(Weights)));
    }

    [Fact]
    public async Task CutDownload_IsRetriedWithARangeRequest_AndTheResultIsCorrect()
    {
        Server.CutFile = Weights;
        Server.CutTimes = 1;

        var snapshot = await _context.PullAsync(files: [Weights]);

        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(snapshot.PathOf(Weights)));
        var gets = Server.Requests.Where(r => r.Method == "GET").ToArray();
        Assert.Equal(2, gets.Length);
        Assert.Null(gets[0].Range);
        Assert.Matches(@"^bytes=[1-9][0-9]*-$", gets[1].Range);
        Assert.Equal(Server.Bytes(Weights).Length / 2, long.Parse(gets[1].Range!["bytes=".Length..^1]));
    }

    [Fact]
    public async Task CutDownload_WithoutRetries_KeepsTheIncompleteFile_AndTheNextPullResumesIt()
    {
        Server.CutFile = Weights;
        Server.CutTimes = 1;

        var failure = await Assert.ThrowsAsync<HubNetworkException>(() => _context.PullAsync(_context.Options(retries: 0), [Weights]));
        Assert.Contains("resumes", failure.Message);
        var incomplete = Path.Combine(_context.RepoFolder, "blobs", Server.Sha256(Weights) + ".incomplete");
        Assert.Equal(Server.Bytes(Weights).Length / 2, new FileInfo(incomplete).Length);
        Assert.Empty(_context.CacheEntries("snapshots"));

        var snapshot = await _context.PullAsync(_context.Options(retries: 0), [Weights]);

        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(snapshot.PathOf(Weights)));
        Assert.Equal($"bytes={Server.Bytes(Weights).Length / 2}-", Server.Requests.Last(r => r.Method == "GET").Range);
        Assert.False(File.Exists(incomplete));
    }

    [Fact]
    public async Task CorruptDownload_IsRejected_AndNothingIsCached()
    {
        Server.CorruptFile = Weights;

        var failure = await Assert.ThrowsAsync<HubIntegrityException>(() => _context.PullAsync(files: [Weights]));

        Assert.Equal(Server.Sha256(Weights), failure.Expected);
        Assert.NotEqual(failure.Expected, failure.Actual);
        Assert.Contains("sha256", failure.Message);
        Assert.Empty(_context.CacheEntries("blobs"));
        Assert.Empty(_context.CacheEntries("snapshots"));
        Assert.False(Directory.Exists(Path.Combine(_context.RepoFolder, "refs")));
    }

    [Fact]
    public async Task CorruptWeights_InTheDefaultSet_LeaveNoSnapshot()
    {
        Server.CorruptFile = Weights;

        await Assert.ThrowsAsync<HubIntegrityException>(() => _context.PullAsync());

        Assert.Empty(_context.CacheEntries("snapshots"));
        Assert.DoesNotContain(_context.CacheEntries("blobs"), e => e.Contains(Server.Sha256(Weights), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unauthorized_WithoutAToken_SaysToSetHfToken()
    {
        Server.RequiredToken = "hf_secret";

        var failure = await Assert.ThrowsAsync<HubAuthenticationException>(() => _context.PullAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Contains("HF_TOKEN", failure.Message);
        Assert.Empty(_context.CacheEntries());
    }

    [Fact]
    public async Task Unauthorized_WithAWrongToken_SaysTheTokenWasRejected()
    {
        Server.RequiredToken = "hf_secret";

        var failure = await Assert.ThrowsAsync<HubAuthenticationException>(() => _context.PullAsync(_context.Options(token: "hf_wrong")));

        Assert.Contains("rejected", failure.Message);
        Assert.Contains("HF_TOKEN", failure.Message);
        Assert.DoesNotContain("hf_wrong", failure.Message);
    }

    [Fact]
    public async Task Token_IsSentAsBearer_AndThePullSucceeds()
    {
        Server.RequiredToken = "hf_secret";

        var snapshot = await _context.PullAsync(_context.Options(token: "hf_secret"));

        Assert.Equal(Server.Bytes("vocab.txt"), File.ReadAllBytes(snapshot.PathOf("vocab.txt")));
        Assert.All(Server.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization));
    }

    [Fact]
    public async Task GatedRepository_HasItsOwnError()
    {
        Server.Gated = true;

        var failure = await Assert.ThrowsAsync<HubGatedRepositoryException>(() => _context.PullAsync());

        Assert.Contains("gated", failure.Message);
        Assert.Contains("HF_TOKEN", failure.Message);
    }

    [Fact]
    public async Task UnknownRepository_IsRepoNotFound()
    {
        var failure = await Assert.ThrowsAsync<HubRepositoryNotFoundException>(
            () => _context.PullAsync(reference: HubReference.Parse("hf:fastbert/no-such-model")));

        Assert.Equal("fastbert/no-such-model", failure.RepoId);
        Assert.Contains("'fastbert/no-such-model' was not found", failure.Message);
        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
    }

    [Fact]
    public async Task UnknownRevision_IsRevisionNotFound()
    {
        var failure = await Assert.ThrowsAsync<HubRevisionNotFoundException>(
            () => _context.PullAsync(reference: HubReference.Parse($"hf:{HubTestServer.DefaultRepoId}@v9")));

        Assert.Equal("v9", failure.Revision);
        Assert.Contains("Revision 'v9' was not found", failure.Message);
        Assert.Empty(_context.CacheEntries("refs"));
    }

    [Fact]
    public async Task MissingRequiredFile_IsEntryNotFound()
    {
        var failure = await Assert.ThrowsAsync<HubEntryNotFoundException>(() => _context.PullAsync(files: ["config.json", "onnx/model.onnx"]));

        Assert.Equal("onnx/model.onnx", failure.File);
        Assert.Contains("'onnx/model.onnx' was not found", failure.Message);
        Assert.Equal(0, Server.Count("GET"));
    }

    [Fact]
    public async Task Offline_WithACachedSnapshot_MakesNoRequest()
    {
        var online = await _context.PullAsync();
        var requests = Server.Requests.Count;

        var offline = await _context.PullAsync(_context.Options(offline: true));

        Assert.Equal(requests, Server.Requests.Count);
        Assert.True(offline.FromCache);
        Assert.Equal(online.Commit, offline.Commit);
        Assert.Equal(online.Files.Keys.Order(), offline.Files.Keys.Order());
        Assert.Equal(Server.Sha256(Weights), offline.Files[Weights].Sha256);
        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(offline.PathOf(Weights)));
    }

    [Fact]
    public async Task Offline_WithoutACache_FailsClearly_WithoutARequest()
    {
        var failure = await Assert.ThrowsAsync<HubOfflineException>(() => _context.PullAsync(_context.Options(offline: true)));

        Assert.Contains("HF_HUB_OFFLINE", failure.Message);
        Assert.Contains("not in the cache", failure.Message);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task Offline_WithAnotherFileCachedOnly_NamesWhatIsMissing()
    {
        await _context.PullAsync(files: ["config.json"]);

        var failure = await Assert.ThrowsAsync<HubOfflineException>(() => _context.PullAsync(_context.Options(offline: true)));

        Assert.Contains("vocab.txt", failure.Message);
    }

    [Fact]
    public async Task NetworkDown_WithACachedSnapshot_FallsBackToTheCache()
    {
        await _context.PullAsync();
        Server.Dispose();

        var snapshot = await _context.PullAsync();

        Assert.True(snapshot.FromCache);
        Assert.Equal(HubTestServer.Commit, snapshot.Commit);
        Assert.Equal(Server.Bytes("config.json"), File.ReadAllBytes(snapshot.PathOf("config.json")));
    }

    [Fact]
    public async Task NetworkDown_WithoutACache_MentionsHfHubOffline()
    {
        Server.Dispose();

        var failure = await Assert.ThrowsAsync<HubNetworkException>(() => _context.PullAsync());

        Assert.Contains("HF_HUB_OFFLINE", failure.Message);
        Assert.Contains(Server.Endpoint, failure.Message);
        Assert.IsAssignableFrom<HttpRequestException>(failure.InnerException);
    }

    [Fact]
    public async Task RedirectToAnotherHost_DropsTheAuthorizationHeader()
    {
        Server.RequiredToken = "hf_secret";
        Server.RedirectLargeFilesToHost = HubTestServer.OtherHost;

        var snapshot = await _context.PullAsync(_context.Options(token: "hf_secret"));

        Assert.Empty(Server.Violations);
        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(snapshot.PathOf(Weights)));
        Assert.Equal(Server.Sha256(Weights), snapshot.Files[Weights].Etag);
        var cdn = Server.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToArray();
        var get = Assert.Single(cdn);
        Assert.Equal("GET", get.Method);
        Assert.StartsWith(HubTestServer.OtherHost + ":", get.Host);
        Assert.Null(get.Authorization);
        Assert.All(Server.Requests.Except(cdn), r => Assert.Equal("Bearer hf_secret", r.Authorization));
    }

    [Fact]
    public async Task RedirectToAnotherHost_ResumesThereWithRange()
    {
        Server.RedirectLargeFilesToHost = HubTestServer.OtherHost;
        Server.CutFile = Weights;
        Server.CutTimes = 1;

        var snapshot = await _context.PullAsync(files: [Weights]);

        Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(snapshot.PathOf(Weights)));
        var cdn = Server.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, cdn.Length);
        Assert.NotNull(cdn[1].Range);
    }

    [Fact]
    public async Task RenamedRepository_SameHostRedirect_IsFollowed_AndCachedUnderTheNameAsked()
    {
        Server.OldRepoId = "fastbert/old-name";
        Server.RequiredToken = "hf_secret";

        var snapshot = await _context.PullAsync(_context.Options(token: "hf_secret"), ["config.json"], reference: HubReference.Parse("hf:fastbert/old-name"));

        Assert.Equal(Server.Bytes("config.json"), File.ReadAllBytes(snapshot.PathOf("config.json")));
        Assert.StartsWith(Path.Combine(_context.Cache, "models--fastbert--old-name"), snapshot.Directory);
        Assert.All(Server.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization)); // same host: the token stays
        Assert.Equal(2, Server.Count("HEAD"));
    }

    [Fact]
    public async Task ConcurrentPulls_IntoOneCache_DownloadEachBlobOnce()
    {
        var pulls = Enumerable.Range(0, 3).Select(_ => Task.Run(() => _context.PullAsync(files: [Weights, "config.json"]))).ToArray();

        var snapshots = await Task.WhenAll(pulls);

        Assert.All(snapshots, s => Assert.Equal(Server.Bytes(Weights), File.ReadAllBytes(s.PathOf(Weights))));
        Assert.Equal(1, Server.Count("GET", Weights));
        Assert.DoesNotContain(_context.CacheEntries(), e => e.EndsWith(".tmp", StringComparison.Ordinal) || e.EndsWith(".incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PinnedCommit_TheServerDoesNotHonour_IsRejectedBeforeAnyDownload()
    {
        Server.AcceptAnyRevision = true;
        const string pinned = "1111111111111111111111111111111111111111";

        var failure = await Assert.ThrowsAsync<HubCommitMismatchException>(() => _context.PullAsync(pinnedCommit: pinned));

        Assert.Equal(pinned, failure.ExpectedCommit);
        Assert.Equal(HubTestServer.Commit, failure.ActualCommit);
        Assert.Contains(pinned, failure.Message);
        Assert.Equal(0, Server.Count("GET"));
        Assert.Contains($"/resolve/{pinned}/config.json", Server.Requests[0].Path);
        Assert.Empty(_context.CacheEntries());
    }

    [Fact]
    public async Task PinnedCommit_ResolvesByCommit_AndOnceCachedNeedsNoRequest()
    {
        var snapshot = await _context.PullAsync(pinnedCommit: HubTestServer.Commit);

        Assert.Equal(HubTestServer.Commit, snapshot.Commit);
        Assert.All(Server.Requests, r => Assert.Contains($"/resolve/{HubTestServer.Commit}/", r.Path));
        Assert.False(Directory.Exists(Path.Combine(_context.RepoFolder, "refs"))); // a pinned pull says nothing about main
        var requests = Server.Requests.Count;

        var again = await _context.PullAsync(pinnedCommit: HubTestServer.Commit);

        Assert.Equal(requests, Server.Requests.Count);
        Assert.Equal(snapshot.Files.Keys.Order(), again.Files.Keys.Order());
    }

    [Fact]
    public async Task ServerErrors_AreRetried_ThenTheFilesArrive()
    {
        Server.FailNext(2, HttpStatusCode.ServiceUnavailable);

        var snapshot = await _context.PullAsync(files: ["config.json"]);

        Assert.Equal(Server.Bytes("config.json"), File.ReadAllBytes(snapshot.PathOf("config.json")));
        Assert.Equal(3, Server.Count("HEAD", "config.json"));
    }

    [Fact]
    public async Task PersistentServerErrors_StopAfterTheRetries()
    {
        Server.FailNext(1000, HttpStatusCode.InternalServerError);

        var failure = await Assert.ThrowsAsync<HubNetworkException>(() => _context.PullAsync(_context.Options(retries: 3), ["config.json"]));

        Assert.Equal(HttpStatusCode.InternalServerError, failure.StatusCode);
        Assert.Equal(4, Server.Requests.Count);
        Assert.Contains("HF_HUB_OFFLINE", failure.Message);
    }

    [Fact]
    public async Task Progress_ReportsTheLargeDownloadToTheEnd()
    {
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress(reports);

        await _context.PullAsync(files: [Weights], progress: progress);

        var size = Server.Bytes(Weights).LongLength;
        Assert.Equal(new DownloadProgress(Weights, 0, size), reports[0]);
        Assert.Equal(new DownloadProgress(Weights, size, size), reports[^1]);
        Assert.True(reports.Count > 3);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.BytesDone <= p.Second.BytesDone));
    }

    [Fact]
    public async Task WithoutSymlinks_SnapshotFilesAreCopies()
    {
        var options = _context.Options();
        var snapshot = await _context.PullAsync(new HubOptions
        {
            Endpoint = options.Endpoint, Token = options.Token, CacheDirectory = options.CacheDirectory, Offline = false,
            UseSymlinks = false, RetryBaseDelay = options.RetryBaseDelay,
        }, ["config.json"]);

        var path = snapshot.PathOf("config.json");
        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal(Server.Bytes("config.json"), File.ReadAllBytes(path));
        Assert.True(File.Exists(Path.Combine(_context.RepoFolder, "blobs", Server.GitBlobId("config.json"))));
    }

    [Fact]
    public async Task CommitRevision_WritesNoRef()
    {
        var snapshot = await _context.PullAsync(reference: new HubReference(HubTestServer.DefaultRepoId, HubTestServer.Commit), files: ["config.json"]);

        Assert.Equal(HubTestServer.Commit, snapshot.Commit);
        Assert.False(Directory.Exists(Path.Combine(_context.RepoFolder, "refs")));
    }

    [Fact]
    public async Task InvalidArguments_AreRejectedUpFront()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _context.PullAsync(files: ["../etc/passwd"]));
        await Assert.ThrowsAsync<ArgumentException>(() => _context.PullAsync(files: []));
        await Assert.ThrowsAsync<ArgumentException>(() => _context.PullAsync(pinnedCommit: "main"));
        Assert.Empty(Server.Requests);
    }

    private sealed class SynchronousProgress(List<DownloadProgress> reports) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => reports.Add(value);
    }
}
