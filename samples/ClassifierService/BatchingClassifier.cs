using FastBert;

namespace ClassifierService;

/// <summary>Classifies the texts of one request, alone or together with other requests' texts.</summary>
/// <typeparam name="TLabel">The classifier's label enum.</typeparam>
public interface IRequestClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <summary>The predictions for <paramref name="texts"/>, in order.</summary>
    Task<IReadOnlyList<Prediction<TLabel>>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}

/// <summary>Batch-1 per request: each request's texts are one batch call on the request's own thread.</summary>
public sealed class DirectRequestClassifier<TLabel>(ITextClassifier<TLabel> classifier) : IRequestClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <inheritdoc />
    public Task<IReadOnlyList<Prediction<TLabel>>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(classifier.PredictBatch(texts));
    }
}
