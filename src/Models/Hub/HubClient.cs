using System.Buffers;
using System.Net.Http.Headers;
using System.Net;
using System.Reflection;
using FastBert.ModelFolders;

namespace FastBert.Models.Hub;

/// <summary>
/// Pulls model files from the Hugging Face Hub into the cache huggingface_hub uses (same layout, so either tool reuses
/// the other's downloads). Per file: a HEAD on <c>{endpoint}/{repo}/resolve/{revision}/{file}</c> gives the commit, the
/// etag and the size; a blob already in the cache is not downloaded again; otherwise a GET (redirects followed, the
/// token never sent to another host) writes <c>blobs/&lt;etag&gt;.incomplete</c>, resuming it with a Range request, and
/// the bytes are verified (sha256 for LFS files, else the size) before they are moved into place and linked from
/// <c>snapshots/&lt;commit&gt;/</c>.
/// </summary>
public sealed class HubClient : IDisposable
{
    private static readonly FileSpec[] DefaultSpecs = ModelSpecs(null);

    private readonly HubOptions _options;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _userAgent;

    /// <summary>A client with <paramref name="options"/> (null: all defaults, i.e. the environment's settings).</summary>
    public HubClient(HubOptions? options = null)
        : this(options ?? new HubOptions(), (options ?? new HubOptions()).Resolve())
    {
    }

    /// <summary>A client with <paramref name="options"/> already resolved against an environment.</summary>
    public HubClient(HubOptions options, ResolvedHubOptions settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        _options = options;
        Settings = settings;
        _endpoint = new Uri(settings.Endpoint + "/");
        _userAgent = options.UserAgent
            ?? $"fastbert/{typeof(HubClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

        HttpMessageHandler handler;
        if (options.HttpMessageHandler is { } given)
        {
            DisableAutomaticRedirects(given);
            handler = given;
        }
        else
        {
            handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = settings.MetadataTimeout > settings.ReadTimeout ? settings.MetadataTimeout : settings.ReadTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
        }

        _http = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// The files tried when none are named: <c>config.json</c>, the tokenizer (<c>vocab.txt</c>, else
    /// <c>tokenizer.json</c>), then optionally (a missing one is skipped) <c>tokenizer_config.json</c>,
    /// <c>special_tokens_map.json</c>, <c>tokenizer.json</c>, and the model: <c>model.safetensors</c>, else
    /// <c>pytorch_model.bin</c>, else <c>model.onnx</c>, else <c>onnx/model.onnx</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultFiles { get; } = DefaultSpecs.SelectMany(s => s.Candidates).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The endpoint, token, cache folder and offline flag in use.</summary>
    public ResolvedHubOptions Settings { get; }

    /// <summary>The repository's folder in the cache (<c>&lt;cache&gt;/models--org--name</c>), whether or not it exists.</summary>
    public string RepositoryCacheFolder(HubReference reference) => new HubCacheLayout(Settings.CacheDirectory, reference).RepoFolder;

    /// <summary>Pulls <paramref name="reference"/> (parsed with <see cref="HubReference.Parse"/>).</summary>
    public Task<HubSnapshot> PullAsync(string reference, IReadOnlyList<string>? files = null, string? pinnedCommit = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        PullAsync(HubReference.Parse(reference), files, pinnedCommit, progress, cancellationToken);

    /// <summary>
    /// Pulls what a model folder needs, with <paramref name="onnxFile"/> (e.g. <c>onnx/model_quantized.onnx</c>) as its
    /// model instead of the weights: config.json, the tokenizer files and that one ONNX file, nothing else of the
    /// repository. Null: the default set (<see cref="DefaultFiles"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="onnxFile"/> is not a relative .onnx path.</exception>
    public Task<HubSnapshot> PullModelAsync(HubReference reference, string? onnxFile, string? pinnedCommit = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (onnxFile is not null && (ModelFolder.InvalidOnnxFileReason(onnxFile) ?? InvalidFilePathReason(onnxFile)) is { } reason)
        {
            throw new ArgumentException(reason, nameof(onnxFile));
        }

        return PullSpecsAsync(reference, ModelSpecs(onnxFile), pinnedCommit, progress, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="files"/> (null: <see cref="DefaultFiles"/>) of <paramref name="reference"/> available in the
    /// cache and returns their snapshot.
    /// </summary>
    /// <param name="reference">The repository and revision.</param>
    /// <param name="files">Files by their path in the repository; all of them are required. Null: the default set.</param>
    /// <param name="pinnedCommit">
    /// A commit sha (from a lock file) to pull instead of the revision; the Hub must resolve it to itself. Pinned pulls
    /// whose files are all cached need no request at all; <c>refs/</c> is left alone.
    /// </param>
    /// <param name="progress">Told how each download advances.</param>
    /// <param name="cancellationToken">Stops the pull; a partial download is kept and resumed next time.</param>
    /// <exception cref="HubException">A subclass says what failed: authentication, repository / revision / file not
    /// found, integrity, pinned commit mismatch, offline without a cache, or the network.</exception>
    public Task<HubSnapshot> PullAsync(HubReference reference, IReadOnlyList<string>? files = null, string? pinnedCommit = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return PullSpecsAsync(reference, Specs(files), pinnedCommit, progress, cancellationToken);
    }

    private async Task<HubSnapshot> PullSpecsAsync(HubReference reference, FileSpec[] specs, string? pinnedCommit,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (pinnedCommit is not null && !HubReference.IsCommitSha(pinnedCommit))
        {
            throw new ArgumentException($"The pinned commit '{pinnedCommit}' is not a 40-character lowercase hexadecimal commit sha.", nameof(pinnedCommit));
        }

        if (pinnedCommit is not null && reference.IsCommitRevision && reference.Revision != pinnedCommit)
        {
            throw new ArgumentException(
                $"'{reference}' names commit {reference.Revision} but the pinned commit is {pinnedCommit}; they must agree.", nameof(pinnedCommit));
        }

        var layout = new HubCacheLayout(Settings.CacheDirectory, reference);
        var expectedCommit = pinnedCommit ?? (reference.IsCommitRevision ? reference.Revision : null);

        if (Settings.Offline)
        {
            return FromCache(layout, reference, specs, expectedCommit, strict: false, out var why)
                ?? throw new HubOfflineException(
                    $"Offline mode is on (HF_HUB_OFFLINE=1 or HubOptions.Offline) and '{reference}' is not in the cache: {why}. "
                    + $"Pull it once with network access (unset HF_HUB_OFFLINE) into {Settings.CacheDirectory}.",
                    reference.RepoId);
        }

        // A commit never changes: when every file of it is cached (absent optional files marked as such), no request is needed.
        if (expectedCommit is not null && FromCache(layout, reference, specs, expectedCommit, strict: true, out _) is { } pinned)
        {
            return pinned;
        }

        IReadOnlyList<RemoteFile> remotes;
        string commit;
        try
        {
            (remotes, commit) = await ResolveAsync(layout, reference, specs, expectedCommit, cancellationToken).ConfigureAwait(false);
        }
        catch (HubTransientException unreachable)
        {
            return FromCache(layout, reference, specs, expectedCommit, strict: false, out var why)
                ?? throw new HubNetworkException(
                    $"Could not reach the Hugging Face Hub at {Settings.Endpoint} for '{reference}': {unreachable.Message} "
                    + $"The files are not in the cache to fall back on ({why}). Check the network, proxy or HF_ENDPOINT and try again; "
                    + "once the files are cached, HF_HUB_OFFLINE=1 uses them without any network access.",
                    reference.RepoId, null, unreachable.StatusCode, unreachable.InnerException ?? unreachable);
        }

        foreach (var remote in remotes)
        {
            if (!IsCompleteBlob(layout.BlobPath(remote.Etag), remote.Size))
            {
                await DownloadAsync(layout, reference, remote, progress, cancellationToken).ConfigureAwait(false);
            }
        }

        // Only once every blob is in place: link the snapshot, then move the ref.
        var entries = new Dictionary<string, HubFile>(StringComparer.Ordinal);
        foreach (var remote in remotes)
        {
            var path = layout.LinkSnapshotFile(commit, remote.Name, remote.Etag, _options.UseSymlinks);
            entries[remote.Name] = new HubFile(remote.Name, path, remote.Etag, remote.Size, remote.IsLfs ? remote.Etag : null);
        }

        if (pinnedCommit is null && !reference.IsCommitRevision)
        {
            layout.WriteRef(reference.Revision, commit);
        }

        return new HubSnapshot(layout.SnapshotFolder(commit), commit, entries);
    }

    /// <summary>
    /// The commit <paramref name="reference"/>'s revision is at and every file in it, from the Hub's repository API
    /// (<c>/api/models|datasets/{repo}/revision/{revision}</c>, the <c>siblings</c> list).
    /// </summary>
    /// <exception cref="HubException">Not found, access refused, or the network (<see cref="HubNetworkException"/>);
    /// offline mode is a <see cref="HubOfflineException"/>.</exception>
    public async Task<HubRepositoryListing> ListFilesAsync(HubReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (Settings.Offline)
        {
            throw new HubOfflineException(
                $"Offline mode is on (HF_HUB_OFFLINE=1 or HubOptions.Offline), so the files of '{reference}' cannot be listed.", reference.RepoId);
        }

        var uri = new Uri($"{Settings.Endpoint}/api/{(reference.Kind == HubRepositoryKind.Dataset ? "datasets" : "models")}/{reference.RepoId}/revision/{Uri.EscapeDataString(reference.Revision)}");
        try
        {
            return await WithRetriesAsync(async () =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(Settings.MetadataTimeout);
                try
                {
                    using var response = (await SendAsync(HttpMethod.Get, uri, sameOriginRedirectsOnly: true, 0, timeout.Token).ConfigureAwait(false)).Response;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw Failure(response, reference, reference.Revision, "(file list)");
                    }

                    var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                    return HubRepositoryListing.Parse(body) ?? throw new HubException(
                        $"The server at {Settings.Endpoint} answered the file list of '{reference}' with something that is not the Hub's repository JSON "
                        + "(a \"sha\" commit and a \"siblings\" list). Is HF_ENDPOINT a Hugging Face Hub (or a faithful mirror of one)?",
                        reference.RepoId);
                }
                catch (Exception e) when (Transient(e, cancellationToken, $"GET {uri}", MetadataLimit) is { } transient)
                {
                    throw transient;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (HubTransientException unreachable)
        {
            throw new HubNetworkException(
                $"Could not reach the Hugging Face Hub at {Settings.Endpoint} to list the files of '{reference}': {unreachable.Message} "
                + "Check the network, proxy or HF_ENDPOINT and try again.",
                reference.RepoId, null, unreachable.StatusCode, unreachable.InnerException ?? unreachable);
        }
    }

    /// <summary>Releases the HTTP client (not a handler given in the options).</summary>
    public void Dispose() => _http.Dispose();

    // ---- resolution (HEAD) ----

    private async Task<(IReadOnlyList<RemoteFile> Files, string Commit)> ResolveAsync(HubCacheLayout layout, HubReference reference,
        FileSpec[] specs, string? expectedCommit, CancellationToken cancellationToken)
    {
        var remotes = new List<RemoteFile>();
        string? commit = null;
        foreach (var spec in specs)
        {
            if (spec.Candidates.Any(candidate => remotes.Exists(r => r.Name == candidate)))
            {
                continue; // e.g. tokenizer.json, already pulled as the tokenizer of a folder without vocab.txt
            }

            RemoteFile? found = null;
            HubEntryNotFoundException? missing = null;
            foreach (var candidate in spec.Candidates)
            {
                try
                {
                    // After the first answer, ask by commit so that every file comes from the same commit.
                    found = await HeadAsync(reference, commit ?? expectedCommit ?? reference.Revision, candidate, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (HubEntryNotFoundException e)
                {
                    missing = e;
                    if ((e.Commit ?? commit) is { } at && HubReference.IsCommitSha(at))
                    {
                        layout.MarkNoExist(at, candidate);
                    }
                }
            }

            if (found is null)
            {
                if (spec.Optional)
                {
                    continue;
                }

                throw spec.Candidates.Count == 1
                    ? missing!
                    : new HubEntryNotFoundException(
                        $"'{reference.RepoId}' at revision '{missing!.Revision}' has none of {string.Join(", ", spec.Candidates)}. "
                        + "Name the file to pull explicitly if the repository uses another one.",
                        reference.RepoId, spec.Candidates[0], missing.Revision, missing.StatusCode, missing.Commit);
            }

            var expected = commit ?? expectedCommit;
            if (expected is not null && found.Commit != expected)
            {
                throw new HubCommitMismatchException(
                    commit is null
                        ? $"The Hub at {Settings.Endpoint} resolved '{found.Name}' of '{reference.RepoId}' at the pinned commit {expected} to commit {found.Commit}. "
                          + "The mirror or proxy in HF_ENDPOINT does not serve that commit faithfully; nothing was downloaded."
                        : $"The Hub at {Settings.Endpoint} answered commit {found.Commit} for '{found.Name}' but {expected} for the files before it; "
                          + "a snapshot must come from one commit. Nothing was downloaded.",
                    reference.RepoId, found.Name, expected, found.Commit);
            }

            commit ??= found.Commit;
            remotes.Add(found);
        }

        return commit is null
            ? throw new HubEntryNotFoundException(
                $"None of the files asked for exist in '{reference}'.", reference.RepoId, specs[0].Candidates[0], reference.Revision, HttpStatusCode.NotFound)
            : (remotes, commit);
    }

    private Task<RemoteFile> HeadAsync(HubReference reference, string revision, string file, CancellationToken cancellationToken)
    {
        var uri = ResolveUri(reference, revision, file);
        return WithRetriesAsync(async () =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Settings.MetadataTimeout);
            HttpResponseMessage response;
            try
            {
                // Same-host redirects (a renamed repository) are followed; a redirect elsewhere (the CDN) carries the metadata.
                response = (await SendAsync(HttpMethod.Head, uri, sameOriginRedirectsOnly: true, 0, timeout.Token).ConfigureAwait(false)).Response;
            }
            catch (Exception e) when (Transient(e, cancellationToken, $"HEAD {uri}", MetadataLimit) is { } transient)
            {
                throw transient;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (status is < 200 or >= 400 || (status >= 300 && response.Headers.Location is null))
                {
                    throw Failure(response, reference, revision, file);
                }

                return ReadMetadata(response, reference, file);
            }
        }, cancellationToken);
    }

    private RemoteFile ReadMetadata(HttpResponseMessage response, HubReference reference, string file)
    {
        var commit = Header(response, "X-Repo-Commit")?.Trim();
        var linkedEtag = Header(response, "X-Linked-Etag");
        var etag = NormalizeEtag(linkedEtag ?? Header(response, "ETag"));
        var sizeText = Header(response, "X-Linked-Size") ?? Header(response, "Content-Length");
        string? problem = null;
        if (commit is null || !HubReference.IsCommitSha(commit))
        {
            problem = commit is null ? "no X-Repo-Commit header" : $"an X-Repo-Commit that is not a commit sha ('{commit}')";
        }
        else if (etag is null || etag.Length > 128 || !etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            problem = etag is null ? "no X-Linked-Etag or ETag header" : $"an etag that cannot name a cache file ('{etag}')";
        }
        else if (!long.TryParse(sizeText, out var size) || size < 0)
        {
            problem = "no X-Linked-Size or Content-Length header";
        }

        if (problem is not null)
        {
            throw new HubException(
                $"The server at {Settings.Endpoint} answered the metadata request for '{file}' of '{reference}' with {problem}. "
                + "Is HF_ENDPOINT a Hugging Face Hub (or a faithful mirror of one)?",
                reference.RepoId, file, response.StatusCode);
        }

        var isLfs = linkedEtag is not null && etag!.Length == 64 && etag.All(char.IsAsciiHexDigit);
        return new RemoteFile(file, commit!, isLfs ? etag!.ToLowerInvariant() : etag!, long.Parse(sizeText!), isLfs);
    }

    // ---- download (GET) ----

    private async Task DownloadAsync(HubCacheLayout layout, HubReference reference, RemoteFile remote, IProgress<DownloadProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(_options.TotalDownloadTimeout);
        Directory.CreateDirectory(layout.BlobsFolder);
        await using var fileLock = await LockAsync(layout.LockPath(remote.Etag), remote, reference, overall.Token, cancellationToken).ConfigureAwait(false);
        var blob = layout.BlobPath(remote.Etag);
        if (IsCompleteBlob(blob, remote.Size))
        {
            return; // Another process finished it while this one waited for the lock.
        }

        var incomplete = layout.IncompletePath(remote.Etag);
        var uri = ResolveUri(reference, remote.Commit, remote.Name);
        var attempts = 0;
        try
        {
            await WithRetriesAsync(
                () =>
                {
                    attempts++;
                    return DownloadAttemptAsync(uri, incomplete, reference, remote, progress, overall.Token, cancellationToken);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (HubTransientException failure)
        {
            throw new HubNetworkException(
                $"Downloading '{remote.Name}' of '{reference}' from {Settings.Endpoint} failed after {attempts} attempt(s): {failure.Message} "
                + $"The part downloaded so far is kept in {incomplete}; pulling again resumes it. "
                + "HF_HUB_OFFLINE=1 uses only what is already cached.",
                reference.RepoId, remote.Name, failure.StatusCode, failure.InnerException ?? failure);
        }

        await VerifyAsync(incomplete, reference, remote, cancellationToken).ConfigureAwait(false);
        File.Move(incomplete, blob, overwrite: true);
    }

    private async Task<bool> DownloadAttemptAsync(Uri uri, string incomplete, HubReference reference, RemoteFile remote,
        IProgress<DownloadProgress>? progress, CancellationToken overall, CancellationToken cancellationToken)
    {
        var done = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (done > remote.Size)
        {
            File.Delete(incomplete);
            done = 0;
        }

        progress?.Report(new DownloadProgress(remote.Name, done, remote.Size));
        if (done == remote.Size && done > 0)
        {
            return true; // A previous attempt got every byte; verification decides.
        }

        using var step = CancellationTokenSource.CreateLinkedTokenSource(overall);
        step.CancelAfter(Settings.ReadTimeout);
        HttpResponseMessage response;
        try
        {
            response = (await SendAsync(HttpMethod.Get, uri, sameOriginRedirectsOnly: false, done, step.Token).ConfigureAwait(false)).Response;
        }
        catch (Exception e) when (Transient(e, cancellationToken, $"GET {uri}", ReadLimit(retryable: false), overall) is { } transient)
        {
            throw transient;
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when done > 0:
                    if (response.Content.Headers.ContentRange is not { From: { } from } || from != done)
                    {
                        File.Delete(incomplete);
                        throw new HubTransientException(
                            $"The server answered the request for bytes {done}- of '{remote.Name}' with another range ({response.Content.Headers.ContentRange}).");
                    }

                    break;
                case HttpStatusCode.OK:
                    done = 0; // The server ignored the Range header: start over.
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable:
                    File.Delete(incomplete);
                    throw new HubTransientException($"The server could not resume '{remote.Name}' at byte {done} (HTTP 416); starting over.");
                default:
                    throw Failure(response, reference, remote.Commit, remote.Name);
            }

            var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            try
            {
                await using var file = new FileStream(incomplete, done > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None,
                    bufferSize: 1 << 16, useAsync: true);
                Stream body;
                try
                {
                    body = await response.Content.ReadAsStreamAsync(step.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (Transient(e, cancellationToken, $"GET {uri}", ReadLimit(retryable: false), overall) is { } transient)
                {
                    throw transient;
                }

                await using (body.ConfigureAwait(false))
                {
                    var reported = done;
                    var startedAt = done;
                    while (true)
                    {
                        step.CancelAfter(Settings.ReadTimeout); // an idle limit: restarted before every read
                        int read;
                        try
                        {
                            read = await body.ReadAsync(buffer.AsMemory(), step.Token).ConfigureAwait(false);
                        }
                        // A server that sent bytes and then stalled may well answer a resumed request; one that never sent any is not asked again.
                        catch (Exception e) when (Transient(e, cancellationToken, $"reading {uri} at byte {done}", ReadLimit(retryable: done > startedAt), overall) is { } transient)
                        {
                            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                            throw transient;
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        done += read;
                        if (done > remote.Size)
                        {
                            break; // More bytes than announced: verification rejects the file.
                        }

                        if (done - reported >= 1 << 20)
                        {
                            reported = done;
                            progress?.Report(new DownloadProgress(remote.Name, done, remote.Size));
                        }
                    }
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            progress?.Report(new DownloadProgress(remote.Name, done, remote.Size));
            return true;
        }
    }

    private static async Task VerifyAsync(string incomplete, HubReference reference, RemoteFile remote, CancellationToken cancellationToken)
    {
        var size = new FileInfo(incomplete).Length;
        if (size != remote.Size)
        {
            File.Delete(incomplete);
            throw new HubIntegrityException(
                $"'{remote.Name}' of '{reference}' downloaded as {size} bytes but the Hub announced {remote.Size}. "
                + "The download was deleted and nothing was cached; try again.",
                reference.RepoId, remote.Name, remote.Size.ToString(), size.ToString());
        }

        if (!remote.IsLfs)
        {
            return;
        }

        string actual;
        await using (var stream = new FileStream(incomplete, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
        {
            actual = await FileHashes.Sha256Async(stream, cancellationToken).ConfigureAwait(false);
        }

        if (actual != remote.Etag)
        {
            File.Delete(incomplete);
            throw new HubIntegrityException(
                $"'{remote.Name}' of '{reference}' is corrupt: its sha256 is {actual} but the Hub's LFS etag is {remote.Etag}. "
                + "The download was deleted and nothing was cached; try again, and report it if it persists.",
                reference.RepoId, remote.Name, remote.Etag, actual);
        }
    }

    private async Task<FileStream> LockAsync(string path, RemoteFile remote, HubReference reference, CancellationToken overall, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
            }
            catch (IOException)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), overall).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new HubException(
                        $"Timed out waiting for another process downloading '{remote.Name}' of '{reference}' (it holds {path}).",
                        reference.RepoId, remote.Name);
                }
            }
        }
    }

    // ---- HTTP ----

    private async Task<(HttpResponseMessage Response, Uri Uri)> SendAsync(HttpMethod method, Uri uri, bool sameOriginRedirectsOnly, long rangeStart,
        CancellationToken cancellationToken)
    {
        // The token goes to the endpoint only; once a redirect leaves it, it is never sent again.
        var authorize = Settings.Token is not null && SameOrigin(uri, _endpoint);
        var current = uri;
        for (var hop = 0; ; hop++)
        {
            var request = new HttpRequestMessage(method, current);
            request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "identity");
            if (authorize)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Settings.Token);
            }

            if (rangeStart > 0)
            {
                request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            }

            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return (response, current);
            }

            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (sameOriginRedirectsOnly && !SameOrigin(next, current))
            {
                return (response, current);
            }

            response.Dispose();
            if (hop >= _options.MaxRedirects || next.Scheme is not ("http" or "https"))
            {
                throw new HubException(
                    hop >= _options.MaxRedirects
                        ? $"{method} {uri} was redirected more than {_options.MaxRedirects} times."
                        : $"{method} {uri} was redirected to '{next}', which is not http(s).");
            }

            authorize &= SameOrigin(next, current);
            current = next;
        }
    }

    private async Task<T> WithRetriesAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tries = 0; ; tries++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (HubTransientException e) when (e.Retryable && tries < _options.MaxRetries && !cancellationToken.IsCancellationRequested)
            {
                var backoff = _options.RetryBaseDelay * Math.Pow(2, tries) * (0.8 + 0.4 * Random.Shared.NextDouble());
                if (e.RetryAfter is { } retryAfter && retryAfter > backoff)
                {
                    backoff = retryAfter;
                }

                await Task.Delay(backoff < _options.MaxRetryDelay ? backoff : _options.MaxRetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeLimit MetadataLimit => new(Settings.MetadataTimeout, HubOptions.MetadataTimeoutVariable, Retryable: false);

    private TimeLimit ReadLimit(bool retryable) => new(Settings.ReadTimeout, HubOptions.ReadTimeoutVariable, retryable);

    /// <summary>The transient form of a network-level exception, or null when <paramref name="e"/> is something else.</summary>
    private HubTransientException? Transient(Exception e, CancellationToken cancellationToken, string what, TimeLimit limit, CancellationToken overall = default)
    {
        switch (e)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case OperationCanceledException when overall.IsCancellationRequested:
                return new HubTransientException(
                    $"{what}: the download took longer than {_options.TotalDownloadTimeout} (HubOptions.TotalDownloadTimeout).", e, retryable: false);
            case OperationCanceledException:
                return new HubTransientException(
                    $"{what}: the server sent nothing for {limit.Limit.TotalSeconds:0.###} s. If it is only slow, raise {limit.Variable} "
                    + $"(seconds, default {HubOptions.DefaultTimeout.TotalSeconds:0}).", e, retryable: limit.Retryable);
            case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                return new HubTransientException($"{what}: {e.Message}", e, retryable: false);
            case HttpRequestException or IOException:
                return new HubTransientException($"{what}: {e.Message}", e);
            default:
                return null;
        }
    }

    private Exception Failure(HttpResponseMessage response, HubReference reference, string revision, string file)
    {
        var status = response.StatusCode;
        var code = Header(response, "X-Error-Code");
        var said = Header(response, "X-Error-Message") is { } message ? $" The Hub says: {message}" : string.Empty;
        var http = $"HTTP {(int)status}{(code is null ? string.Empty : ", " + code)}";
        var tokenHint = Settings.Token is null
            ? "set HF_TOKEN to an access token (https://huggingface.co/settings/tokens) that can read it"
            : "check that the token in HF_TOKEN can read it";

        if (code == "RepoNotFound")
        {
            return new HubRepositoryNotFoundException(
                $"Repository '{reference.RepoId}' was not found on {Settings.Endpoint} ({http}). Check the name in '{reference}'; "
                + $"if the repository is private or gated, {tokenHint}.{said}",
                reference.RepoId, status);
        }

        if (code == "GatedRepo")
        {
            return new HubGatedRepositoryException(
                $"'{reference.RepoId}' is a gated repository ({http}): accept its conditions at {Settings.Endpoint}/{reference.RepoId} "
                + $"while logged in, and {(Settings.Token is null ? "set HF_TOKEN to an access token of that account" : "make sure HF_TOKEN is a token of that account")}.{said}",
                reference.RepoId, file, status);
        }

        if (code == "RevisionNotFound")
        {
            return new HubRevisionNotFoundException(
                $"Revision '{revision}' was not found in '{reference.RepoId}' on {Settings.Endpoint} ({http}). "
                + $"Check the branch, tag or commit after '@' in '{reference}'.{said}",
                reference.RepoId, revision, status);
        }

        if (code == "EntryNotFound" || (status == HttpStatusCode.NotFound && code is null))
        {
            return new HubEntryNotFoundException(
                $"File '{file}' was not found in '{reference.RepoId}' at revision '{revision}' ({http}).{said}",
                reference.RepoId, file, revision, status, Header(response, "X-Repo-Commit")?.Trim() is { } at && HubReference.IsCommitSha(at) ? at : null);
        }

        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                return new HubAuthenticationException(
                    Settings.Token is null
                        ? $"The Hugging Face Hub requires authentication for '{reference.RepoId}' ({http}): set HF_TOKEN to an access token "
                          + $"(https://huggingface.co/settings/tokens) that can read it.{said}"
                        : $"The Hugging Face Hub rejected the token (HF_TOKEN) for '{reference.RepoId}' ({http}): it is invalid or expired; "
                          + $"set HF_TOKEN to a valid access token.{said}",
                    reference.RepoId, file, status);
            case HttpStatusCode.Forbidden:
                return new HubAuthenticationException(
                    $"The Hugging Face Hub denied access to '{file}' of '{reference.RepoId}' ({http}): {tokenHint} "
                    + $"(a fine-grained token needs read access to this repository).{said}",
                    reference.RepoId, file, status);
            case HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                return new HubTransientException(
                    $"{Settings.Endpoint} answered {http} ({response.ReasonPhrase}) for '{file}'.{said}", null, status, RetryAfter(response));
            default:
                return new HubException(
                    $"The Hugging Face Hub answered {http} ({response.ReasonPhrase}) for '{file}' of '{reference}'.{said}",
                    reference.RepoId, file, status);
        }
    }

    // ---- cache ----

    private HubSnapshot? FromCache(HubCacheLayout layout, HubReference reference, FileSpec[] specs, string? expectedCommit, bool strict, out string why)
    {
        var commit = expectedCommit ?? layout.ReadRef(reference.Revision);
        if (commit is null)
        {
            why = $"{Path.Combine(layout.RepoFolder, "refs", reference.Revision)} does not exist, so the commit of '{reference.Revision}' is unknown";
            return null;
        }

        var entries = new Dictionary<string, HubFile>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var spec in specs)
        {
            string? found = null;
            foreach (var candidate in spec.Candidates)
            {
                if (HubCacheLayout.IsUsableFile(layout.SnapshotPath(commit, candidate)))
                {
                    found = candidate;
                    break;
                }

                if (strict && !layout.IsMarkedNoExist(commit, candidate))
                {
                    why = $"'{candidate}' of commit {commit} is not cached";
                    return null; // Unknown whether it exists: only the Hub can say.
                }
            }

            if (found is null)
            {
                if (!spec.Optional)
                {
                    missing.Add(string.Join(" or ", spec.Candidates));
                }

                continue;
            }

            var path = layout.SnapshotPath(commit, found);
            var etag = layout.LinkedEtag(path);
            var info = new FileInfo(path);
            var size = info.LinkTarget is null ? info.Length : (info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo)?.Length ?? 0;
            var sha256 = etag is { Length: 64 } && etag.All(char.IsAsciiHexDigit) ? etag : null;
            entries[found] = new HubFile(found, path, etag, size, sha256);
        }

        if (missing.Count > 0)
        {
            why = $"{layout.SnapshotFolder(commit)} lacks {string.Join(", ", missing)}";
            return null;
        }

        why = string.Empty;
        return new HubSnapshot(layout.SnapshotFolder(commit), commit, entries) { FromCache = true };
    }

    private static bool IsCompleteBlob(string path, long size)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists && info.Length == size;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // ---- helpers ----

    /// <summary>What a model folder needs; <paramref name="onnxFile"/> replaces the weights when named.</summary>
    private static FileSpec[] ModelSpecs(string? onnxFile) =>
    [
        new([ModelFolder.ConfigFile], Optional: false),
        new([.. ModelFolder.TokenizerSources], Optional: false),
        new([ModelFolder.TokenizerConfigFile], Optional: true),
        new([ModelFolder.SpecialTokensMapFile], Optional: true),
        new([ModelFolder.TokenizerJsonFile], Optional: true),
        onnxFile is null
            ? new([.. ModelFolder.WeightFiles, .. ModelFolder.DefaultOnnxFiles], Optional: false)
            : new([onnxFile], Optional: false),
    ];

    private static FileSpec[] Specs(IReadOnlyList<string>? files)
    {
        if (files is null)
        {
            return DefaultSpecs;
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("The list of files to pull is empty; pass null for the default set.", nameof(files));
        }

        foreach (var file in files)
        {
            if (InvalidFilePathReason(file) is { } reason)
            {
                throw new ArgumentException(reason, nameof(files));
            }
        }

        return files.Distinct(StringComparer.Ordinal).Select(f => new FileSpec([f], Optional: false)).ToArray();
    }

    /// <summary>Why <paramref name="file"/> cannot name a file inside a repository, or null when it can.</summary>
    public static string? InvalidFilePathReason(string? file)
    {
        var segments = file?.Split('/') ?? [];
        return string.IsNullOrWhiteSpace(file) || file.Contains('\\') || segments.Any(s => s is "" or "." or ".." || s.Any(char.IsControl))
            ? $"'{file}' is not a file path inside a repository: use '/'-separated names without '.', '..' or empty parts, e.g. 'onnx/model.onnx'."
            : null;
    }

    private Uri ResolveUri(HubReference reference, string revision, string file) =>
        new($"{Settings.Endpoint}/{reference.UrlPrefix}{reference.RepoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static string? NormalizeEtag(string? etag)
    {
        if (etag is null)
        {
            return null;
        }

        etag = etag.Trim();
        if (etag.StartsWith("W/", StringComparison.Ordinal))
        {
            etag = etag[2..];
        }

        etag = etag.Trim('"');
        return etag.Length == 0 ? null : etag;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static void DisableAutomaticRedirects(HttpMessageHandler handler)
    {
        try
        {
            switch (handler)
            {
                case HttpClientHandler { AllowAutoRedirect: true } clientHandler:
                    clientHandler.AllowAutoRedirect = false;
                    break;
                case SocketsHttpHandler { AllowAutoRedirect: true } socketsHandler:
                    socketsHandler.AllowAutoRedirect = false;
                    break;
            }
        }
        catch (InvalidOperationException)
        {
            // Already used: it keeps its setting.
        }
    }

    private readonly record struct TimeLimit(TimeSpan Limit, string Variable, bool Retryable);

    private sealed record FileSpec(IReadOnlyList<string> Candidates, bool Optional);

    private sealed record RemoteFile(string Name, string Commit, string Etag, long Size, bool IsLfs);
}
