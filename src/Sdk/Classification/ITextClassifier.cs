namespace FastBert;

/// <summary>
/// A text classifier with typed labels: what every generated classifier implements, so that code using one can take
/// this interface (from dependency injection, say) and its tests can substitute a fake.
/// </summary>
/// <typeparam name="TLabel">The label enum.</typeparam>
public interface ITextClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <summary>Where the model was loaded from and what it is.</summary>
    ModelInfo Info { get; }

    /// <summary>Classifies one text.</summary>
    Prediction<TLabel> Predict(string text);

    /// <summary>Classifies many texts; the results keep input order.</summary>
    IReadOnlyList<Prediction<TLabel>> PredictBatch(IReadOnlyList<string> texts);

    /// <summary>Classifies one text without blocking the calling thread.</summary>
    Task<Prediction<TLabel>> PredictAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Classifies many texts without blocking the calling thread; the results keep input order.</summary>
    Task<IReadOnlyList<Prediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}

/// <summary>
/// A multi-label text classifier with typed labels (a <c>[Flags]</c> enum): what every generated multi-label classifier
/// implements, for the same reasons as <see cref="ITextClassifier{TLabel}"/>.
/// </summary>
/// <typeparam name="TLabel">The <c>[Flags]</c> label enum.</typeparam>
public interface IMultiLabelTextClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <summary>Where the model was loaded from and what it is.</summary>
    ModelInfo Info { get; }

    /// <summary>Classifies one text: every label at or above its threshold.</summary>
    MultiLabelPrediction<TLabel> Predict(string text);

    /// <summary>Classifies many texts; the results keep input order.</summary>
    IReadOnlyList<MultiLabelPrediction<TLabel>> PredictBatch(IReadOnlyList<string> texts);

    /// <summary>Classifies one text without blocking the calling thread.</summary>
    Task<MultiLabelPrediction<TLabel>> PredictAsync(string text, CancellationToken cancellationToken = default);

    /// <summary>Classifies many texts without blocking the calling thread; the results keep input order.</summary>
    Task<IReadOnlyList<MultiLabelPrediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}
