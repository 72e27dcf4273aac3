using System.Net;

namespace FastBert.Models.Hub;

/// <summary>A pull from the Hugging Face Hub failed. The subclasses say why; the message says what to do.</summary>
public class HubException : Exception
{
    public HubException(string message, string? repoId = null, string? file = null, HttpStatusCode? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        RepoId = repoId;
        File = file;
        StatusCode = statusCode;
    }

    /// <summary>The repository concerned, when known.</summary>
    public string? RepoId { get; }

    /// <summary>The file concerned, when the failure is about one file.</summary>
    public string? File { get; }

    /// <summary>The HTTP status the Hub answered, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>The Hub refused access (401, or 403): no token, or one that is invalid or lacks access.</summary>
public class HubAuthenticationException : HubException
{
    public HubAuthenticationException(string message, string repoId, string? file, HttpStatusCode statusCode)
        : base(message, repoId, file, statusCode)
    {
    }
}

/// <summary>The repository is gated: its terms must be accepted on the Hub, and a token of that account given.</summary>
public sealed class HubGatedRepositoryException : HubAuthenticationException
{
    public HubGatedRepositoryException(string message, string repoId, string? file, HttpStatusCode statusCode)
        : base(message, repoId, file, statusCode)
    {
    }
}

/// <summary>The repository does not exist (or is private and the token, if any, cannot see it).</summary>
public sealed class HubRepositoryNotFoundException : HubException
{
    public HubRepositoryNotFoundException(string message, string repoId, HttpStatusCode statusCode)
        : base(message, repoId, null, statusCode)
    {
    }
}

/// <summary>The repository exists but the branch, tag or commit does not.</summary>
public sealed class HubRevisionNotFoundException : HubException
{
    public HubRevisionNotFoundException(string message, string repoId, string revision, HttpStatusCode statusCode)
        : base(message, repoId, null, statusCode)
    {
        Revision = revision;
    }

    /// <summary>The revision that was not found.</summary>
    public string Revision { get; }
}

/// <summary>The repository and revision exist but the file does not.</summary>
public sealed class HubEntryNotFoundException : HubException
{
    public HubEntryNotFoundException(string message, string repoId, string file, string revision, HttpStatusCode? statusCode, string? commit = null)
        : base(message, repoId, file, statusCode)
    {
        Revision = revision;
        Commit = commit;
    }

    /// <summary>The revision the file was looked for in.</summary>
    public string Revision { get; }

    /// <summary>The commit the Hub resolved the revision to (its X-Repo-Commit), when it said.</summary>
    public string? Commit { get; }
}

/// <summary>
/// A downloaded file is not what the Hub said it is: its sha256 differs from the LFS etag, or its size from the
/// announced size. The partial download was deleted; nothing was added to the cache.
/// </summary>
public sealed class HubIntegrityException : HubException
{
    public HubIntegrityException(string message, string repoId, string file, string expected, string actual)
        : base(message, repoId, file)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The expected sha256 or size.</summary>
    public string Expected { get; }

    /// <summary>What the downloaded bytes gave.</summary>
    public string Actual { get; }
}

/// <summary>The Hub resolved a pinned commit (or a commit sha revision) to a different commit.</summary>
public sealed class HubCommitMismatchException : HubException
{
    public HubCommitMismatchException(string message, string repoId, string? file, string expectedCommit, string actualCommit)
        : base(message, repoId, file)
    {
        ExpectedCommit = expectedCommit;
        ActualCommit = actualCommit;
    }

    /// <summary>The commit that was asked for.</summary>
    public string ExpectedCommit { get; }

    /// <summary>The commit the Hub answered with (X-Repo-Commit).</summary>
    public string ActualCommit { get; }
}

/// <summary>Offline mode (HF_HUB_OFFLINE or <see cref="HubOptions.Offline"/>) is on and the files are not in the cache.</summary>
public sealed class HubOfflineException : HubException
{
    public HubOfflineException(string message, string repoId)
        : base(message, repoId)
    {
    }
}

/// <summary>
/// The Hub could not be reached, timed out, or stayed unavailable (5xx, 429) through every retry, and the files were
/// not in the cache to fall back on.
/// </summary>
public sealed class HubNetworkException : HubException
{
    public HubNetworkException(string message, string? repoId, string? file, HttpStatusCode? statusCode, Exception? inner)
        : base(message, repoId, file, statusCode, inner)
    {
    }
}
