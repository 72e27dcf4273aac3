using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace FastBert.Models.Tests.Hub;

/// <summary>One request the server saw.</summary>
internal sealed record SeenRequest(string Method, string Path, string Host, string? Authorization, string? Range);

/// <summary>
/// A minimal HTTP/1.1 server (TcpListener on 127.0.0.1, a free port) that speaks the Hugging Face Hub's download
/// protocol over a local model folder: HEAD/GET <c>/{org}/{name}/resolve/{revision}/{file}</c> with X-Repo-Commit,
/// X-Linked-Etag / X-Linked-Size for large files and ETag for small ones, Range requests, optional redirects of large
/// files to <c>/cdn/...</c> on another host name (<c>localhost</c>), and failure injection.
/// </summary>
internal sealed class HubTestServer : IDisposable
{
    public const string Commit = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
    public const string DefaultRepoId = "fastbert/sms-spam-bert-tiny";
    public const string OtherHost = "localhost";

    private readonly string _folder;
    private readonly ConcurrentDictionary<string, FileEntry> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string RepoId, string Revision), DatasetBranch> _datasets = new();
    private readonly ConcurrentQueue<SeenRequest> _requests = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private int _requestCount;
    private int _cutsLeft;
    private int _pausesLeft;
    private int _failuresLeft;
    private bool _stopped;

    public HubTestServer(string folder, string repoId = DefaultRepoId)
    {
        _folder = folder;
        RepoId = repoId;
        var primary = new TcpListener(IPAddress.Loopback, 0);
        primary.Start();
        Port = ((IPEndPoint)primary.LocalEndpoint).Port;
        _listeners.Add(primary);
        try
        {
            // "localhost" may resolve to ::1 first; answer there too when the system has IPv6 loopback.
            var v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
            v6.Start();
            _listeners.Add(v6);
        }
        catch (SocketException)
        {
        }

        foreach (var listener in _listeners)
        {
            _acceptLoops.Add(Task.Run(() => AcceptLoopAsync(listener)));
        }
    }

    public string RepoId { get; }

    public int Port { get; }

    /// <summary>The endpoint to give the client (host 127.0.0.1).</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The most requests answered normally; later ones get 503 and are recorded as violations.</summary>
    public int MaxRequests { get; set; } = 400;

    /// <summary>When set, the resolve route demands <c>Authorization: Bearer &lt;token&gt;</c> (else 401).</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Answer every resolve request with 403 X-Error-Code: GatedRepo.</summary>
    public bool Gated { get; set; }

    /// <summary>Redirect large files (302) to <c>/cdn/&lt;file&gt;</c> on this host name (e.g. <see cref="OtherHost"/>).</summary>
    public string? RedirectLargeFilesToHost { get; set; }

    /// <summary>A former name of the repository: its resolve requests get a relative 307 to the current name.</summary>
    public string? OldRepoId { get; set; }

    /// <summary>Resolve any revision to <see cref="Commit"/> (a misbehaving mirror), instead of only main and the commit.</summary>
    public bool AcceptAnyRevision { get; set; }

    /// <summary>Serve this file's bytes with a few bytes changed (same length), so the sha256 does not match.</summary>
    public string? CorruptFile { get; set; }

    /// <summary>Never answer requests for this file (until the server stops).</summary>
    public string? StallFile { get; set; }

    /// <summary>Answer HEAD requests for this file but never its GET requests (a download that never starts).</summary>
    public string? StallDownloadsOf { get; set; }

    /// <summary>The file whose GET bodies stop half way and stay silent (connection open), <see cref="PauseTimes"/> times.</summary>
    public string? PauseFile { get; set; }

    public int PauseTimes
    {
        get => Volatile.Read(ref _pausesLeft);
        set => Volatile.Write(ref _pausesLeft, value);
    }

    /// <summary>The file whose GET bodies are cut half way, <see cref="CutTimes"/> times.</summary>
    public string? CutFile { get; set; }

    public int CutTimes
    {
        get => Volatile.Read(ref _cutsLeft);
        set => Volatile.Write(ref _cutsLeft, value);
    }

    /// <summary>The next <paramref name="count"/> requests are answered with <paramref name="status"/>.</summary>
    public void FailNext(int count, HttpStatusCode status)
    {
        FailureStatus = status;
        Volatile.Write(ref _failuresLeft, count);
    }

    public HttpStatusCode FailureStatus { get; private set; } = HttpStatusCode.ServiceUnavailable;

    public IReadOnlyList<SeenRequest> Requests => _requests.ToArray();

    /// <summary>Protocol rules the client broke (e.g. a token sent to the other host); empty when all is well.</summary>
    public IReadOnlyList<string> Violations => _violations.ToArray();

    public int Count(string method) => _requests.Count(r => r.Method == method);

    /// <summary>
    /// Serves <paramref name="folder"/> as branch <paramref name="revision"/> (e.g. main, refs/convert/parquet) of dataset
    /// <paramref name="repoId"/> at <paramref name="commit"/>: <c>/api/datasets/{repo}/revision/{revision}</c> lists its
    /// files (siblings), <c>/datasets/{repo}/resolve/{revision or commit}/{file}</c> serves them (Parquet files as LFS).
    /// </summary>
    public void AddDataset(string repoId, string revision, string commit, string folder) =>
        _datasets[(repoId, revision)] = new DatasetBranch(commit, folder, new ConcurrentDictionary<string, FileEntry>(StringComparer.Ordinal));

    public int Count(string method, string file) =>
        _requests.Count(r => r.Method == method && (r.Path.EndsWith("/" + file, StringComparison.Ordinal)));

    /// <summary>The bytes the server serves for <paramref name="file"/> (uncorrupted).</summary>
    public byte[] Bytes(string file) => Entry(file)!.Bytes;

    public string Sha256(string file) => Entry(file)!.Sha256;

    public string GitBlobId(string file) => Entry(file)!.GitBlobId;

    public static bool IsLarge(string file) =>
        file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal)
        || file.EndsWith(".onnx", StringComparison.Ordinal);

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _stop.Cancel();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        try
        {
            Task.WaitAll([.. _acceptLoops], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private FileEntry? Entry(string file)
    {
        var entry = _files.GetOrAdd(file, Load);
        return ReferenceEquals(entry, FileEntry.Missing) ? null : entry;
    }

    private FileEntry Load(string name) => LoadFrom(_folder, name);

    private static FileEntry LoadFrom(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        if (name.Contains("..", StringComparison.Ordinal) || !File.Exists(path))
        {
            return FileEntry.Missing;
        }

        var bytes = File.ReadAllBytes(path);
        var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
        var gitBlobId = Convert.ToHexString(SHA1.HashData([.. header, .. bytes])).ToLowerInvariant();
        return new FileEntry(bytes, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), gitBlobId);
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }

            _connections[client] = 0;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeConnectionAsync(client);
                }
                catch (Exception)
                {
                    // A closed or reset connection ends its loop.
                }
                finally
                {
                    _connections.TryRemove(client, out _);
                    client.Dispose();
                }
            });
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        var stream = client.GetStream();
        while (!_stop.IsCancellationRequested)
        {
            var requestLine = await ReadLineAsync(stream);
            if (requestLine is null)
            {
                return;
            }

            if (requestLine.Length == 0)
            {
                continue;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (await ReadLineAsync(stream) is { Length: > 0 } line)
            {
                var colon = line.IndexOf(':');
                if (colon > 0)
                {
                    headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
            }

            var parts = requestLine.Split(' ');
            if (parts.Length < 3)
            {
                return;
            }

            var keepOpen = await HandleAsync(client, stream, parts[0], parts[1], headers);
            if (!keepOpen)
            {
                return;
            }
        }
    }

    /// <returns>Whether the connection stays open for another request.</returns>
    private async Task<bool> HandleAsync(TcpClient client, NetworkStream stream, string method, string target, Dictionary<string, string> headers)
    {
        var path = target.Split('?')[0];
        var host = headers.GetValueOrDefault("Host") ?? string.Empty;
        var authorization = headers.GetValueOrDefault("Authorization");
        _requests.Enqueue(new SeenRequest(method, path, host, authorization, headers.GetValueOrDefault("Range")));

        if (Interlocked.Increment(ref _requestCount) > MaxRequests)
        {
            _violations.Enqueue($"more than {MaxRequests} requests ({method} {path})");
            return await RespondAsync(stream, method, 503, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);
        }

        if (host.StartsWith(OtherHost + ":", StringComparison.OrdinalIgnoreCase) && authorization is not null)
        {
            _violations.Enqueue($"Authorization sent to the other host: {method} {host}{path}");
            return await RespondAsync(stream, method, 400, new Dictionary<string, string>(), "token leaked to another host"u8.ToArray());
        }

        if (method is not ("GET" or "HEAD"))
        {
            return await RespondAsync(stream, method, 405, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            return await RespondAsync(stream, method, (int)FailureStatus, new Dictionary<string, string> { ["Retry-After"] = "0" }, ReadOnlyMemory<byte>.Empty);
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length >= 2 && (segments[0] == "datasets" || (segments[0] == "api" && segments[1] == "datasets")))
        {
            return await ServeDatasetAsync(client, stream, method, segments, headers);
        }

        if (segments.Length >= 2 && segments[0] == "cdn")
        {
            return await ServeFileAsync(client, stream, method, string.Join('/', segments[1..]), headers, new Dictionary<string, string>());
        }

        if (segments.Length < 5 || segments[2] != "resolve")
        {
            return await RespondAsync(stream, method, 404, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);
        }

        var repoId = $"{segments[0]}/{segments[1]}";
        var revision = segments[3];
        var file = string.Join('/', segments[4..]);

        if (Gated)
        {
            return await ErrorAsync(stream, method, 403, "GatedRepo", $"Access to model {repoId} is restricted. You must have access to it and be authenticated.");
        }

        if (RequiredToken is not null && authorization != $"Bearer {RequiredToken}")
        {
            return await ErrorAsync(stream, method, 401, null, "Invalid credentials in Authorization header");
        }

        if (repoId == OldRepoId)
        {
            var moved = new Dictionary<string, string> { ["Location"] = $"/{RepoId}/resolve/{segments[3]}/{file}" };
            return await RespondAsync(stream, method, 307, moved, ReadOnlyMemory<byte>.Empty);
        }

        if (repoId != RepoId)
        {
            return await ErrorAsync(stream, method, 404, "RepoNotFound", "Repository not found");
        }

        if (!AcceptAnyRevision && revision != "main" && revision != Commit)
        {
            return await ErrorAsync(stream, method, 404, "RevisionNotFound", "Invalid rev id: " + revision);
        }

        var entry = Entry(file);
        if (entry is null)
        {
            return await ErrorAsync(stream, method, 404, "EntryNotFound", "Entry not found", Commit);
        }

        var metadata = new Dictionary<string, string> { ["X-Repo-Commit"] = Commit };
        if (IsLarge(file))
        {
            metadata["X-Linked-Etag"] = $"\"{entry.Sha256}\"";
            metadata["X-Linked-Size"] = entry.Bytes.Length.ToString();
            // The ETag of an LFS file's resolve answer is not the content hash; clients must prefer X-Linked-Etag.
            metadata["ETag"] = $"\"{Convert.ToHexString(SHA1.HashData(Encoding.ASCII.GetBytes(entry.Sha256))).ToLowerInvariant()}\"";
            if (RedirectLargeFilesToHost is { } otherHost)
            {
                metadata["Location"] = $"http://{otherHost}:{Port}/cdn/{Uri.EscapeDataString(file)}?expires=soon";
                return await RespondAsync(stream, method, 302, metadata, ReadOnlyMemory<byte>.Empty);
            }
        }
        else
        {
            metadata["ETag"] = $"\"{entry.GitBlobId}\"";
        }

        return await ServeFileAsync(client, stream, method, file, headers, metadata);
    }

    private async Task<bool> ServeDatasetAsync(TcpClient client, NetworkStream stream, string method, string[] segments, Dictionary<string, string> headers)
    {
        var api = segments[0] == "api";
        var rest = segments[(api ? 2 : 1)..];
        var marker = api ? "revision" : "resolve";
        var at = Array.IndexOf(rest, marker);
        if (at is < 1 or > 2 || rest.Length < at + 2)
        {
            return await RespondAsync(stream, method, 404, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);
        }

        var repoId = string.Join('/', rest[..at]);
        var revision = rest[at + 1];
        if (!_datasets.Keys.Any(k => k.RepoId == repoId))
        {
            return await ErrorAsync(stream, method, 404, "RepoNotFound", "Repository not found");
        }

        var branch = _datasets.FirstOrDefault(d => d.Key.RepoId == repoId && (d.Key.Revision == revision || d.Value.Commit == revision)).Value;
        if (branch is null)
        {
            return await ErrorAsync(stream, method, 404, "RevisionNotFound", "Invalid rev id: " + revision);
        }

        if (api)
        {
            var siblings = Directory.EnumerateFiles(branch.Folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(branch.Folder, f).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .Select(f => new Dictionary<string, string> { ["rfilename"] = f });
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = repoId, ["sha"] = branch.Commit, ["siblings"] = siblings.ToList() });
            return await RespondAsync(stream, method, 200, new Dictionary<string, string> { ["Content-Type"] = "application/json" }, json);
        }

        var file = string.Join('/', rest[(at + 2)..]);
        var entry = branch.Files.GetOrAdd(file, name => LoadFrom(branch.Folder, name));
        if (ReferenceEquals(entry, FileEntry.Missing))
        {
            return await ErrorAsync(stream, method, 404, "EntryNotFound", "Entry not found", branch.Commit);
        }

        var metadata = new Dictionary<string, string> { ["X-Repo-Commit"] = branch.Commit, ["Accept-Ranges"] = "bytes" };
        if (file.EndsWith(".parquet", StringComparison.Ordinal))
        {
            metadata["X-Linked-Etag"] = $"\"{entry.Sha256}\"";
            metadata["X-Linked-Size"] = entry.Bytes.Length.ToString();
        }
        else
        {
            metadata["ETag"] = $"\"{entry.GitBlobId}\"";
        }

        return await RespondAsync(stream, method, 200, metadata, entry.Bytes);
    }

    private async Task<bool> ServeFileAsync(TcpClient client, NetworkStream stream, string method, string file,
        Dictionary<string, string> requestHeaders, Dictionary<string, string> headers)
    {
        var entry = Entry(file);
        if (entry is null)
        {
            return await RespondAsync(stream, method, 404, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty);
        }

        if (file == StallFile || (method == "GET" && file == StallDownloadsOf))
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(60), _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return false;
        }

        var bytes = entry.Bytes;
        if (file == CorruptFile)
        {
            bytes = (byte[])bytes.Clone();
            for (var i = bytes.Length / 2; i < bytes.Length / 2 + 16 && i < bytes.Length; i++)
            {
                bytes[i] ^= 0x5a;
            }
        }

        headers["Accept-Ranges"] = "bytes";
        var status = 200;
        var start = 0L;
        if (method == "GET" && requestHeaders.GetValueOrDefault("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal)
            && range.EndsWith('-') && long.TryParse(range["bytes=".Length..^1], out var from))
        {
            if (from >= bytes.Length)
            {
                headers["Content-Range"] = $"bytes */{bytes.Length}";
                return await RespondAsync(stream, method, 416, headers, ReadOnlyMemory<byte>.Empty);
            }

            status = 206;
            start = from;
            headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }

        var body = bytes.AsMemory((int)start);
        if (method == "GET" && file == CutFile && Interlocked.Decrement(ref _cutsLeft) >= 0)
        {
            // Announce the whole body, send exactly half of it, then close the connection (FIN after the sent bytes).
            await WriteHeadAsync(stream, status, headers, body.Length);
            await stream.WriteAsync(body[..(body.Length / 2)]);
            await stream.FlushAsync();
            client.Client.Shutdown(SocketShutdown.Both);
            client.Client.Close();
            return false;
        }

        if (method == "GET" && file == PauseFile && Interlocked.Decrement(ref _pausesLeft) >= 0)
        {
            // Announce the whole body, send half of it, then say nothing more until the client gives up.
            await WriteHeadAsync(stream, status, headers, body.Length);
            await stream.WriteAsync(body[..(body.Length / 2)]);
            await stream.FlushAsync();
            await SilenceAsync();
            return false;
        }

        return await RespondAsync(stream, method, status, headers, body);
    }

    private async Task SilenceAsync()
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(60), _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private Task<bool> ErrorAsync(NetworkStream stream, string method, int status, string? code, string message, string? commit = null)
    {
        var headers = new Dictionary<string, string> { ["X-Error-Message"] = message };
        if (code is not null)
        {
            headers["X-Error-Code"] = code;
        }

        if (commit is not null)
        {
            headers["X-Repo-Commit"] = commit;
        }

        return RespondAsync(stream, method, status, headers, Encoding.UTF8.GetBytes($"{{\"error\":\"{message}\"}}"));
    }

    private static async Task<bool> RespondAsync(NetworkStream stream, string method, int status, Dictionary<string, string> headers, ReadOnlyMemory<byte> body)
    {
        await WriteHeadAsync(stream, status, headers, body.Length);
        if (method != "HEAD")
        {
            await stream.WriteAsync(body);
        }

        await stream.FlushAsync();
        return true;
    }

    private static async Task WriteHeadAsync(NetworkStream stream, int status, Dictionary<string, string> headers, long contentLength)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(status).Append(' ').Append(Reason(status)).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        head.Append("Content-Length: ").Append(contentLength).Append("\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };

    /// <summary>One header line without its CRLF, or null at the end of the stream.</summary>
    private async Task<string?> ReadLineAsync(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one, _stop.Token);
            if (read == 0)
            {
                return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
            }

            if (one[0] == (byte)'\n')
            {
                if (line.Count > 0 && line[^1] == (byte)'\r')
                {
                    line.RemoveAt(line.Count - 1);
                }

                return Encoding.ASCII.GetString([.. line]);
            }

            line.Add(one[0]);
            if (line.Count > 16 * 1024)
            {
                return null;
            }
        }
    }

    private sealed record DatasetBranch(string Commit, string Folder, ConcurrentDictionary<string, FileEntry> Files);

    private sealed record FileEntry(byte[] Bytes, string Sha256, string GitBlobId)
    {
        public static readonly FileEntry Missing = new([], string.Empty, string.Empty);
    }
}

/// <summary>
/// A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte: a Hub that is up but hangs.
/// </summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<TcpClient> _clients = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    public SilentServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>How many connections were accepted (each held open, unanswered).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose()
    {
        _listener.Stop();
        while (_clients.TryDequeue(out var client))
        {
            client.Dispose();
        }

        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            try
            {
                _clients.Enqueue(await _listener.AcceptTcpClientAsync());
                Interlocked.Increment(ref _accepted);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
        }
    }
}
