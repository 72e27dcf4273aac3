using FastBert;

namespace FastBert.Service.Tests;

/// <summary>
/// The real classifier behind a gate the test opens: while closed, a batch call waits inside the classifier (a request
/// is in flight) and the test sees it start. Records the size of every batch call.
/// </summary>
internal sealed class GatedClassifier(ITextClassifier<ClassifierService.SpamLabel> inner) : ITextClassifier<ClassifierService.SpamLabel>
{
    private readonly ManualResetEventSlim _open = new(initialState: false);
    private readonly SemaphoreSlim _entered = new(0);
    private readonly List<int> _batchSizes = [];

    public ModelInfo Info => inner.Info;

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (_batchSizes)
            {
                return [.. _batchSizes];
            }
        }
    }

    public void Open() => _open.Set();

    /// <summary>Waits until a batch call has reached the gate.</summary>
    public async Task WaitUntilEnteredAsync() => Assert.True(await _entered.WaitAsync(TimeSpan.FromSeconds(60)), "no batch call reached the gate");

    public IReadOnlyList<Prediction<ClassifierService.SpamLabel>> PredictBatch(IReadOnlyList<string> texts)
    {
        lock (_batchSizes)
        {
            _batchSizes.Add(texts.Count);
        }

        _entered.Release();
        _open.Wait();
        return inner.PredictBatch(texts);
    }

    public Prediction<ClassifierService.SpamLabel> Predict(string text) => PredictBatch([text])[0];

    public Task<Prediction<ClassifierService.SpamLabel>> PredictAsync(string text, CancellationToken cancellationToken = default) =>
        Task.Run(() => Predict(text), cancellationToken);

    public Task<IReadOnlyList<Prediction<ClassifierService.SpamLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        Task.Run(() => PredictBatch(texts), cancellationToken);
}
