namespace ClassifierService;

/// <summary>The service's settings, bound from the <c>Service</c> configuration section (appsettings.json, <c>--Service:X=</c>).</summary>
public sealed class ServiceOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Service";

    /// <summary>
    /// Whether concurrent requests share one batch call (default true). False runs each request's texts as their own
    /// batch on the request's thread: the batch-1 baseline the load test compares with.
    /// </summary>
    public bool MicroBatching { get; set; } = true;

    /// <summary>How long the batcher waits for more requests once one has arrived (default 2 ms).</summary>
    public double BatchWindowMilliseconds { get; set; } = 2;

    /// <summary>Texts in one batch call: the batcher stops waiting as soon as it has this many (default 32).</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Requests waiting for the batcher; further requests wait for room (default 1024).</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>The largest request body in bytes; a larger one gets 413 (default 1 MiB).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>The most texts in one <c>{"texts": [...]}</c> request; more get 413 (default 256).</summary>
    public int MaxTextsPerRequest { get; set; } = 256;

    internal void Validate()
    {
        if (BatchWindowMilliseconds < 0 || MaxBatchSize < 1 || QueueCapacity < 1 || MaxRequestBytes < 1 || MaxTextsPerRequest < 1)
        {
            throw new InvalidOperationException(
                "Service settings out of range: BatchWindowMilliseconds must be 0 or more and MaxBatchSize, QueueCapacity, "
                + "MaxRequestBytes and MaxTextsPerRequest 1 or more (appsettings.json's Service section or --Service:X=…).");
        }
    }
}
