namespace FastBert;

/// <summary>
/// A sentence-pair classifier with typed labels (NLI, paraphrase, query–passage relevance): what every generated pair
/// classifier (<c>input: pair</c> or <c>inputs: [a, b]</c> in its manifest) implements. Each pair is encoded as
/// [CLS] text [SEP] textPair [SEP] with token types 0 then 1, truncated <c>longest_first</c> as Hugging Face does.
/// </summary>
/// <typeparam name="TLabel">The label enum.</typeparam>
public interface ITextPairClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <summary>Where the model was loaded from and what it is.</summary>
    ModelInfo Info { get; }

    /// <summary>Classifies one pair.</summary>
    Prediction<TLabel> Predict(string text, string textPair);

    /// <summary>Classifies many pairs (<c>texts[i]</c> with <c>textPairs[i]</c>); the results keep input order.</summary>
    IReadOnlyList<Prediction<TLabel>> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs);

    /// <summary>Classifies one pair without blocking the calling thread.</summary>
    Task<Prediction<TLabel>> PredictAsync(string text, string textPair, CancellationToken cancellationToken = default);

    /// <summary>Classifies many pairs without blocking the calling thread; the results keep input order.</summary>
    Task<IReadOnlyList<Prediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, CancellationToken cancellationToken = default);
}

/// <summary>
/// A multi-label sentence-pair classifier with typed labels (a <c>[Flags]</c> enum): what every generated multi-label
/// pair classifier implements; pairs are encoded as for <see cref="ITextPairClassifier{TLabel}"/>.
/// </summary>
/// <typeparam name="TLabel">The <c>[Flags]</c> label enum.</typeparam>
public interface IMultiLabelTextPairClassifier<TLabel>
    where TLabel : struct, Enum
{
    /// <summary>Where the model was loaded from and what it is.</summary>
    ModelInfo Info { get; }

    /// <summary>Classifies one pair: every label at or above its threshold.</summary>
    MultiLabelPrediction<TLabel> Predict(string text, string textPair);

    /// <summary>Classifies many pairs (<c>texts[i]</c> with <c>textPairs[i]</c>); the results keep input order.</summary>
    IReadOnlyList<MultiLabelPrediction<TLabel>> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs);

    /// <summary>Classifies one pair without blocking the calling thread.</summary>
    Task<MultiLabelPrediction<TLabel>> PredictAsync(string text, string textPair, CancellationToken cancellationToken = default);

    /// <summary>Classifies many pairs without blocking the calling thread; the results keep input order.</summary>
    Task<IReadOnlyList<MultiLabelPrediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, CancellationToken cancellationToken = default);
}
