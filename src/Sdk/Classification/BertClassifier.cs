using Microsoft.Extensions.Logging;

namespace FastBert;

/// <summary>
/// Base of every generated classifier: one shared ONNX Runtime session and tokenizer, thread-safe prediction.
/// </summary>
/// <typeparam name="TLabel">The generated label enum.</typeparam>
public abstract partial class BertClassifier<TLabel> : ITextClassifier<TLabel>, IDisposable
    where TLabel : struct, Enum
{
    private readonly BertModel _model;
    private readonly ClassifierDefinition<TLabel> _definition;

    /// <summary>Loads the model folder and checks it against the manifest's labels.</summary>
    /// <exception cref="ModelLoadException">The folder is missing, incomplete or does not match the manifest.</exception>
    protected BertClassifier(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options)
        : this(modelDirectory, definition, options, logger: null)
    {
    }

    /// <summary>Loads the model folder and checks it against the manifest's labels; logs the load through <paramref name="logger"/>.</summary>
    /// <exception cref="ModelLoadException">The folder is missing, incomplete or does not match the manifest (also logged as an error).</exception>
    protected BertClassifier(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options, ILogger? logger)
    {
        _model = ClassifierLog.Load(modelDirectory, definition, options, problem: null, logger);
        _definition = definition;
    }

    /// <summary>Where the model was loaded from and what it is.</summary>
    public ModelInfo Info => _model.Info;

    /// <summary>The labels in model output order.</summary>
    public IReadOnlyList<TLabel> Labels => _definition.Labels;

    /// <summary>Classifies one text. Empty or whitespace-only text is valid (the model sees only [CLS] [SEP]).</summary>
    public Prediction<TLabel> Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = _model.Classify(text);
        return ToPrediction(result);
    }

    /// <summary>Classifies many texts, batched and padded to the longest text of each batch. Results keep input order.</summary>
    public IReadOnlyList<Prediction<TLabel>> PredictBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = _model.ClassifyBatch(texts);
        return ClassifierLog.ToPredictions(results, ToPrediction);
    }

    /// <summary>
    /// Why the model chose its label for <paramref name="text"/>: each word's and word piece's contribution to the
    /// predicted label's probability, by occlusion (see <see cref="TextExplanation"/> for what a word is and how
    /// truncation is handled). All occluded variants run batched, so a 30-word text costs one batched call.
    /// </summary>
    public Explanation<TLabel> Explain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var explanation = _model.Explain(text);
        return new Explanation<TLabel>(ToPrediction(explanation.Prediction), explanation.Words);
    }

    /// <summary>
    /// Classifies a sentence pair (premise and hypothesis, question and passage…) as [CLS] text [SEP] textPair [SEP]
    /// with token types 0 then 1, truncated longest_first to the token limit as Hugging Face does. An empty
    /// <paramref name="textPair"/> classifies <paramref name="text"/> alone (HF's <c>text_pair=""</c>).
    /// </summary>
    public Prediction<TLabel> Predict(string text, string textPair)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return ToPrediction(_model.Classify(text, textPair));
    }

    /// <summary>
    /// Classifies many sentence pairs (<c>texts[i]</c> with <c>textPairs[i]</c>), batched as
    /// <see cref="PredictBatch(IReadOnlyList{string})"/>. Results keep input order.
    /// </summary>
    public IReadOnlyList<Prediction<TLabel>> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        for (var i = 0; i < textPairs.Count; i++)
        {
            _ = textPairs[i] ?? throw new ArgumentException($"textPairs[{i}] is null.", nameof(textPairs));
        }

        var results = _model.ClassifyBatch(texts, textPairs);
        return ClassifierLog.ToPredictions(results, ToPrediction);
    }

    /// <summary>Classifies a sentence pair on a thread-pool thread (see <see cref="PredictAsync(string, CancellationToken)"/>).</summary>
    public Task<Prediction<TLabel>> PredictAsync(string text, string textPair, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return Task.Run(() => Predict(text, textPair), cancellationToken);
    }

    /// <summary>Classifies many sentence pairs on a thread-pool thread (see <see cref="PredictAsync(string, CancellationToken)"/>).</summary>
    public Task<IReadOnlyList<Prediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        return Task.Run(() => PredictBatch(texts, textPairs), cancellationToken);
    }

    /// <summary>
    /// Classifies one text on a thread-pool thread: the inference is CPU work and runs as <see cref="Predict(string)"/> does,
    /// under <see cref="Task.Run(Action, CancellationToken)"/>. It frees the calling thread (a UI or request thread);
    /// it neither batches concurrent calls nor stops a running inference, and <paramref name="cancellationToken"/> only
    /// cancels a call that has not started. For throughput, gather texts and call <see cref="PredictBatch(IReadOnlyList{string})"/>.
    /// </summary>
    public Task<Prediction<TLabel>> PredictAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Task.Run(() => Predict(text), cancellationToken);
    }

    /// <summary>
    /// Classifies many texts on a thread-pool thread, as <see cref="PredictBatch(IReadOnlyList{string})"/> does (see <see cref="PredictAsync(string, CancellationToken)"/>:
    /// the token cancels only a call that has not started).
    /// </summary>
    public Task<IReadOnlyList<Prediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Task.Run(() => PredictBatch(texts), cancellationToken);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _model.Dispose();
        }
    }

    private Prediction<TLabel> ToPrediction(ClassificationResult result) =>
        new(_definition.Labels, result.Probabilities, result.Index, result.TokenCount, result.Truncated);
}
