using FastBert.ModelFolders;
using Microsoft.Extensions.Logging;

namespace FastBert;

/// <summary>
/// Base of every generated multi-label classifier: a sigmoid per label, each compared with its threshold; one shared
/// ONNX Runtime session and tokenizer, thread-safe prediction.
/// </summary>
/// <typeparam name="TLabel">The generated <c>[Flags]</c> label enum.</typeparam>
public abstract class MultiLabelBertClassifier<TLabel> : IMultiLabelTextClassifier<TLabel>, IDisposable
    where TLabel : struct, Enum
{
    private readonly BertModel _model;
    private readonly ClassifierDefinition<TLabel> _definition;

    /// <summary>Loads the model folder and checks it against the manifest's labels.</summary>
    /// <exception cref="ModelLoadException">The folder is missing, incomplete or does not match the manifest.</exception>
    protected MultiLabelBertClassifier(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options)
        : this(modelDirectory, definition, options, logger: null)
    {
    }

    /// <summary>Loads the model folder and checks it against the manifest's labels; logs the load through <paramref name="logger"/>.</summary>
    /// <exception cref="ModelLoadException">The folder is missing, incomplete or does not match the manifest (also logged as an error).</exception>
    protected MultiLabelBertClassifier(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options, ILogger? logger)
    {
        _model = ClassifierLog.Load(modelDirectory, definition, options, ClassificationProblem.MultiLabel, logger);
        _definition = definition;
    }

    /// <summary>Where the model was loaded from and what it is (<see cref="ModelInfo.Thresholds"/>: the thresholds in use).</summary>
    public ModelInfo Info => _model.Info;

    /// <summary>The labels in model output order.</summary>
    public IReadOnlyList<TLabel> Labels => _definition.Labels;

    /// <summary>Classifies one text. Empty or whitespace-only text is valid (the model sees only [CLS] [SEP]).</summary>
    public MultiLabelPrediction<TLabel> Predict(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ToPrediction(_model.Classify(text));
    }

    /// <summary>Classifies many texts, batched and padded to the longest text of each batch. Results keep input order.</summary>
    public IReadOnlyList<MultiLabelPrediction<TLabel>> PredictBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = _model.ClassifyBatch(texts);
        return ClassifierLog.ToPredictions(results, ToPrediction);
    }

    /// <summary>
    /// Classifies one text on a thread-pool thread (<see cref="Task.Run(Action, CancellationToken)"/>), as
    /// <see cref="BertClassifier{TLabel}.PredictAsync(string, CancellationToken)"/> does: no batching of concurrent calls; the token cancels only a
    /// call that has not started.
    /// </summary>
    public Task<MultiLabelPrediction<TLabel>> PredictAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Task.Run(() => Predict(text), cancellationToken);
    }

    /// <summary>Classifies many texts on a thread-pool thread, as <see cref="PredictAsync"/> does.</summary>
    public Task<IReadOnlyList<MultiLabelPrediction<TLabel>>> PredictBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
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

    private MultiLabelPrediction<TLabel> ToPrediction(ClassificationResult result) =>
        new(_definition.Labels, result.Probabilities, result.ChosenIndices(_model.Info.Thresholds), result.TokenCount, result.Truncated);
}
