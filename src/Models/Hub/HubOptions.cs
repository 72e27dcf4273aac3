using System.Globalization;

namespace FastBert.Models.Hub;

/// <summary>
/// Settings of a <see cref="HubClient"/>. Unset (null) values come from the same environment variables
/// huggingface_hub reads: <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> (else the token file <c>HF_TOKEN_PATH</c> or
/// <c>$HF_HOME/token</c>), <c>HF_HUB_CACHE</c> / <c>HF_HOME</c>, <c>HF_HUB_OFFLINE</c>, <c>HF_HUB_ETAG_TIMEOUT</c> and
/// <c>HF_HUB_DOWNLOAD_TIMEOUT</c>.
/// </summary>
public sealed class HubOptions
{
    /// <summary>The public Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The Hub's base address; null: <c>HF_ENDPOINT</c>, else <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>
    /// The access token sent as <c>Authorization: Bearer</c> to the endpoint (never to other hosts a redirect leads to).
    /// Null: <c>HF_TOKEN</c>, else the token file; an empty string: anonymous, whatever the environment says.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>
    /// The cache root (the folder holding <c>models--org--name</c>); null: <c>HF_HUB_CACHE</c>, else
    /// <c>$HF_HOME/hub</c>, else <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Never touch the network, only serve from the cache; null: <c>HF_HUB_OFFLINE</c> (1/true/yes/on).</summary>
    public bool? Offline { get; init; }

    /// <summary>The metadata and download time-outs when neither the options nor the environment set them (huggingface_hub's).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The environment variable that sets <see cref="MetadataTimeout"/>, in seconds (huggingface_hub's name).</summary>
    public const string MetadataTimeoutVariable = "HF_HUB_ETAG_TIMEOUT";

    /// <summary>The environment variable that sets <see cref="ReadTimeout"/>, in seconds (huggingface_hub's name).</summary>
    public const string ReadTimeoutVariable = "HF_HUB_DOWNLOAD_TIMEOUT";

    /// <summary>
    /// The limit for a metadata request (the HEAD that gives a file's commit, etag and size) to connect and answer;
    /// null: <c>HF_HUB_ETAG_TIMEOUT</c> seconds, else <see cref="DefaultTimeout"/>. A request that times out is not
    /// retried: a server that stays silent that long fails the pull.
    /// </summary>
    public TimeSpan? MetadataTimeout { get; init; }

    /// <summary>
    /// The limit for a download to connect and answer, and then for each read to receive bytes (an idle limit, not a
    /// limit on the whole file); null: <c>HF_HUB_DOWNLOAD_TIMEOUT</c> seconds, else <see cref="DefaultTimeout"/>.
    /// </summary>
    public TimeSpan? ReadTimeout { get; init; }

    /// <summary>The limit for one file's whole download, resumed attempts included. Default 2 h.</summary>
    public TimeSpan TotalDownloadTimeout { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How many times a request is retried after a network error, a timeout, 408, 429 or 5xx. Default 4.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The first retry's delay; each next one doubles it (up to <see cref="MaxRetryDelay"/>). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries, a server's Retry-After included. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many redirects one request may follow. Default 10.</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>
    /// Link snapshot files to their blob with relative symlinks, as huggingface_hub does (default). When false, or
    /// where a symlink cannot be made, the snapshot gets a copy of the blob.
    /// </summary>
    public bool UseSymlinks { get; init; } = true;

    /// <summary>The User-Agent header; null: <c>fastbert/&lt;version&gt;</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// The HTTP handler to send requests through (tests, proxies); null: a <see cref="SocketsHttpHandler"/>. The client
    /// follows redirects itself: automatic redirects are switched off on an <see cref="HttpClientHandler"/> or
    /// <see cref="SocketsHttpHandler"/>; any other handler must not follow redirects. It is not disposed by the client.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; init; }

    /// <summary>These options with every null value filled in from the process environment.</summary>
    public ResolvedHubOptions Resolve() => Resolve(Environment.GetEnvironmentVariable);

    /// <summary>These options with every null value filled in from <paramref name="environment"/> (a variable lookup).</summary>
    public ResolvedHubOptions Resolve(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (MetadataTimeout <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero || TotalDownloadTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("HubOptions: MetadataTimeout, ReadTimeout and TotalDownloadTimeout must be positive.");
        }

        if (MaxRetries < 0 || MaxRedirects < 0 || RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("HubOptions: MaxRetries, MaxRedirects and the retry delays may not be negative.");
        }

        var endpointText = (Endpoint ?? NonEmpty(environment("HF_ENDPOINT")) ?? DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException(
                $"The Hugging Face Hub endpoint '{endpointText}' (HubOptions.Endpoint or HF_ENDPOINT) is not an absolute http(s) address.");
        }

        return new ResolvedHubOptions(
            endpointText,
            ResolveToken(environment),
            Path.GetFullPath(CacheDirectory ?? DefaultCacheDirectory(environment)),
            Offline ?? IsTrue(environment("HF_HUB_OFFLINE")),
            MetadataTimeout ?? TimeoutFrom(environment, MetadataTimeoutVariable),
            ReadTimeout ?? TimeoutFrom(environment, ReadTimeoutVariable));
    }

    // Seconds, as huggingface_hub reads them; fractions are allowed. Unset or blank: the default.
    private static TimeSpan TimeoutFrom(Func<string, string?> environment, string variable)
    {
        const double MaxSeconds = 24 * 60 * 60;
        var text = NonEmpty(environment(variable))?.Trim();
        if (text is null)
        {
            return DefaultTimeout;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds)
            || seconds <= 0 || seconds > MaxSeconds)
        {
            throw new HubException(
                $"{variable}='{text}' is not a time-out: set it to a number of seconds greater than 0 and at most {MaxSeconds:0} "
                + $"(e.g. {variable}=30), or unset it for the default of {DefaultTimeout.TotalSeconds:0} s.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The cache root huggingface_hub uses with <paramref name="environment"/>.</summary>
    public static string DefaultCacheDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return NonEmpty(environment("HF_HUB_CACHE"))
            ?? NonEmpty(environment("HUGGINGFACE_HUB_CACHE"))
            ?? Path.Combine(HfHome(environment), "hub");
    }

    /// <summary>The cache root huggingface_hub uses in this process's environment.</summary>
    public static string DefaultCacheDirectory() => DefaultCacheDirectory(Environment.GetEnvironmentVariable);

    /// <summary>Whether an environment flag's value means "on", as huggingface_hub reads it (1, true, yes, on).</summary>
    public static bool IsTrue(string? value) =>
        value?.Trim().ToUpperInvariant() is "1" or "TRUE" or "YES" or "ON";

    private string? ResolveToken(Func<string, string?> environment)
    {
        if (Token is not null)
        {
            return Token.Trim().Length == 0 ? null : Token.Trim();
        }

        var fromEnvironment = NonEmpty(environment("HF_TOKEN")) ?? NonEmpty(environment("HUGGING_FACE_HUB_TOKEN"));
        if (fromEnvironment is not null)
        {
            return fromEnvironment.Trim();
        }

        var tokenFile = NonEmpty(environment("HF_TOKEN_PATH")) ?? Path.Combine(HfHome(environment), "token");
        try
        {
            return File.Exists(tokenFile) ? NonEmpty(File.ReadAllText(tokenFile).Trim()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string HfHome(Func<string, string?> environment)
    {
        var home = NonEmpty(environment("HF_HOME"));
        if (home is not null)
        {
            return ExpandHome(home, environment);
        }

        var xdg = NonEmpty(environment("XDG_CACHE_HOME"));
        return Path.Combine(xdg is null ? Path.Combine(UserHome(environment), ".cache") : ExpandHome(xdg, environment), "huggingface");
    }

    private static string ExpandHome(string path, Func<string, string?> environment) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(UserHome(environment), path.Length > 2 ? path[2..] : string.Empty)
            : path;

    private static string UserHome(Func<string, string?> environment) =>
        NonEmpty(environment("HOME")) ?? NonEmpty(environment("USERPROFILE"))
        ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>The settings a <see cref="HubClient"/> runs with, environment variables applied.</summary>
/// <param name="Endpoint">The Hub's base address, without a trailing '/'.</param>
/// <param name="Token">The access token, or null for anonymous requests.</param>
/// <param name="CacheDirectory">The absolute cache root.</param>
/// <param name="Offline">Whether the network is never used.</param>
/// <param name="MetadataTimeout">The limit for a metadata request to answer (<c>HF_HUB_ETAG_TIMEOUT</c>).</param>
/// <param name="ReadTimeout">The limit for a download to answer and for each of its reads (<c>HF_HUB_DOWNLOAD_TIMEOUT</c>).</param>
public sealed record ResolvedHubOptions(string Endpoint, string? Token, string CacheDirectory, bool Offline, TimeSpan MetadataTimeout, TimeSpan ReadTimeout)
{
    /// <summary>Hides the token.</summary>
    public override string ToString() =>
        $"ResolvedHubOptions {{ Endpoint = {Endpoint}, Token = {(Token is null ? "none" : "set")}, CacheDirectory = {CacheDirectory}, Offline = {Offline}, "
        + $"MetadataTimeout = {MetadataTimeout}, ReadTimeout = {ReadTimeout} }}";
}
