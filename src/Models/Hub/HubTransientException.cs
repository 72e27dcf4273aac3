using System.Net;

namespace FastBert.Models.Hub;

/// <summary>
/// Internal signal: a request failed in a way the network or an overloaded Hub explains (connection refused or cut,
/// timeout, 408, 429, 5xx). <see cref="Retryable"/> ones are retried with backoff; once retries run out, a pull
/// falls back to the cache or reports a <see cref="HubNetworkException"/>.
/// </summary>
internal sealed class HubTransientException : Exception
{
    public HubTransientException(string message, Exception? inner = null, HttpStatusCode? statusCode = null, TimeSpan? retryAfter = null, bool retryable = true)
        : base(message, inner)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        Retryable = retryable;
    }

    public HttpStatusCode? StatusCode { get; }

    public TimeSpan? RetryAfter { get; }

    public bool Retryable { get; }
}
