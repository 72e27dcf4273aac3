using System.Threading.Channels;
using FastBert;

namespace ClassifierService;

/// <summary>
/// Micro-batching: requests go into a bounded queue and one worker takes them out in batches. Once a request has
/// arrived the worker waits up to the batch window for more (or until it has <see cref="ServiceOptions.MaxBatchSize"/>
/// texts), then classifies all their texts in one batch call and hands each request its share. Under load the queue
/// fills while a batch runs, so the next batch starts full and without waiting.
/// </summary>
/// <remarks>
/// Disposing (the container does it after the server has drained its requests) closes the queue, lets the worker
/// finish what is queued, and waits for it.
/// </remarks>
/// <typeparam name="TLabel">The classifier's label enum.</typeparam>
public sealed class MicroBatcher<TLabel> : IRequestClassifier<TLabel>, IAsyncDisposable
    where TLabel : struct, Enum
{
    private readonly ITextClassifier<TLabel> _classifier;
    private readonly TimeSpan _window;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingRequest> _queue;
    private readonly Task _worker;
    private readonly ILogger _logger;

    /// <summary>Starts the worker.</summary>
    public MicroBatcher(ITextClassifier<TLabel> classifier, ServiceOptions options, ILogger<MicroBatcher<TLabel>> logger)
    {
        _classifier = classifier;
        _window = TimeSpan.FromMilliseconds(options.BatchWindowMilliseconds);
        _maxBatchSize = options.MaxBatchSize;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _worker = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Batches handed to the classifier so far.</summary>
    public long BatchCount => Interlocked.Read(ref _batchCount);

    private long _batchCount;

    /// <summary>Requests waiting for the worker (not counting the batch it is running).</summary>
    public int QueuedRequests => _queue.Reader.Count;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Prediction<TLabel>>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var request = new PendingRequest(texts);
        await _queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        return await request.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingRequest>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var textCount = Take(reader, batch, 0);
            if (textCount < _maxBatchSize && _window > TimeSpan.Zero)
            {
                textCount = await WaitForMoreAsync(reader, batch, textCount).ConfigureAwait(false);
            }

            Classify(batch, textCount);
            batch.Clear();
        }
    }

    private int Take(ChannelReader<PendingRequest> reader, List<PendingRequest> batch, int textCount)
    {
        while (textCount < _maxBatchSize && reader.TryRead(out var request))
        {
            batch.Add(request);
            textCount += request.Texts.Count;
        }

        return textCount;
    }

    private async Task<int> WaitForMoreAsync(ChannelReader<PendingRequest> reader, List<PendingRequest> batch, int textCount)
    {
        using var windowEnd = new CancellationTokenSource(_window);
        try
        {
            while (textCount < _maxBatchSize && await reader.WaitToReadAsync(windowEnd.Token).ConfigureAwait(false))
            {
                textCount = Take(reader, batch, textCount);
            }
        }
        catch (OperationCanceledException) when (windowEnd.IsCancellationRequested)
        {
            // The window closed: run what has arrived.
        }

        return textCount;
    }

    private void Classify(List<PendingRequest> batch, int textCount)
    {
        var texts = new List<string>(textCount);
        foreach (var request in batch)
        {
            texts.AddRange(request.Texts);
        }

        IReadOnlyList<Prediction<TLabel>> predictions;
        try
        {
            predictions = _classifier.PredictBatch(texts);
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "A batch of {Count} texts failed", texts.Count);
            foreach (var request in batch)
            {
                request.Completion.TrySetException(exception);
            }

            return;
        }

        Interlocked.Increment(ref _batchCount);
        var start = 0;
        foreach (var request in batch)
        {
            var share = new Prediction<TLabel>[request.Texts.Count];
            for (var i = 0; i < share.Length; i++)
            {
                share[i] = predictions[start + i];
            }

            start += share.Length;
            request.Completion.TrySetResult(share);
        }
    }

    /// <summary>Closes the queue, classifies what is still queued and waits for the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private sealed class PendingRequest(IReadOnlyList<string> texts)
    {
        public IReadOnlyList<string> Texts { get; } = texts;

        // Continuations run off the worker thread, so one slow response never holds up the next batch.
        public TaskCompletionSource<IReadOnlyList<Prediction<TLabel>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
