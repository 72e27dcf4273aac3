using FastBert.ModelFolders;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace FastBert;

/// <summary>
/// Base of every generated multi-label sentence-pair classifier (<c>problem: multi-label</c> with <c>input: pair</c> or
/// <c>inputs: [a, b]</c>): a sigmoid per label, each compared with its threshold, for pairs encoded as
/// <see cref="BertPairClassifier{TLabel}"/> encodes them; no single-text <c>Predict(string)</c>, for the same reason.
/// </summary>
/// <typeparam name="TLabel">The generated <c>[Flags]</c> label enum.</typeparam>
public abstract class MultiLabelBertPairClassifier<TLabel> : IMultiLabelTextPairClassifier<TLabel>, IDisposable
    where TLabel : struct, Enum
{
    private readonly BertModel _model;
    private readonly ClassifierDefinition<TLabel> _definition;

    /// <summary>Loads the model folder and checks it against the manifest's labels; logs the load through <paramref name="logger"/>.</summary>
    /// <exception cref="ModelLoadException">The folder is missing, incomplete or does not match the manifest (also logged as an error).</exception>
    protected MultiLabelBertPairClassifier(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options, ILogger? logger)
    {
        _model = ClassifierLog.Load(modelDirectory, definition, options, ClassificationProblem.MultiLabel, logger);
        _definition = definition;
    }

    /// <summary>Where the model was loaded from and what it is (<see cref="ModelInfo.Thresholds"/>: the thresholds in use).</summary>
    public ModelInfo Info => _model.Info;

    /// <summary>The labels in model output order.</summary>
    public IReadOnlyList<TLabel> Labels => _definition.Labels;

    /// <summary>
    /// Classifies the pair [CLS] <paramref name="first"/> [SEP] <paramref name="second"/> [SEP] (token types 0 then 1),
    /// truncated <c>longest_first</c> to the token limit as Hugging Face does: every label at or above its threshold.
    /// </summary>
    protected MultiLabelPrediction<TLabel> PredictPair(
        string first,
        string second,
        [CallerArgumentExpression(nameof(first))] string firstName = "",
        [CallerArgumentExpression(nameof(second))] string secondName = "")
    {
        PairArguments.Check(first, second, firstName, secondName);
        return ToPrediction(_model.Classify(first, second));
    }

    /// <summary>Classifies <c>firsts[i]</c> with <c>seconds[i]</c> for every i, batched and padded per batch; results keep input order.</summary>
    protected IReadOnlyList<MultiLabelPrediction<TLabel>> PredictPairBatch(
        IReadOnlyList<string> firsts,
        IReadOnlyList<string> seconds,
        [CallerArgumentExpression(nameof(firsts))] string firstsName = "",
        [CallerArgumentExpression(nameof(seconds))] string secondsName = "")
    {
        PairArguments.Check(firsts, seconds, firstsName, secondsName);
        var results = _model.ClassifyBatch(firsts, seconds);
        return ClassifierLog.ToPredictions(results, ToPrediction);
    }

    /// <summary>
    /// <see cref="PredictPair"/> on a thread-pool thread, as <see cref="MultiLabelBertClassifier{TLabel}.PredictAsync(string, CancellationToken)"/>
    /// does: no batching of concurrent calls; the token cancels only a call that has not started.
    /// </summary>
    protected Task<MultiLabelPrediction<TLabel>> PredictPairAsync(
        string first,
        string second,
        CancellationToken cancellationToken,
        [CallerArgumentExpression(nameof(first))] string firstName = "",
        [CallerArgumentExpression(nameof(second))] string secondName = "")
    {
        PairArguments.Check(first, second, firstName, secondName);
        return Task.Run(() => ToPrediction(_model.Classify(first, second)), cancellationToken);
    }

    /// <summary><see cref="PredictPairBatch"/> on a thread-pool thread (see <see cref="PredictPairAsync"/>).</summary>
    protected Task<IReadOnlyList<MultiLabelPrediction<TLabel>>> PredictPairBatchAsync(
        IReadOnlyList<string> firsts,
        IReadOnlyList<string> seconds,
        CancellationToken cancellationToken,
        [CallerArgumentExpression(nameof(firsts))] string firstsName = "",
        [CallerArgumentExpression(nameof(seconds))] string secondsName = "")
    {
        PairArguments.Check(firsts, seconds, firstsName, secondsName);
        return Task.Run(() => PredictPairBatch(firsts, seconds, firstsName, secondsName), cancellationToken);
    }

    MultiLabelPrediction<TLabel> IMultiLabelTextPairClassifier<TLabel>.Predict(string text, string textPair) => PredictPair(text, textPair);

    IReadOnlyList<MultiLabelPrediction<TLabel>> IMultiLabelTextPairClassifier<TLabel>.PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs) =>
        PredictPairBatch(texts, textPairs);

    Task<MultiLabelPrediction<TLabel>> IMultiLabelTextPairClassifier<TLabel>.PredictAsync(string text, string textPair, CancellationToken cancellationToken) =>
        PredictPairAsync(text, textPair, cancellationToken);

    Task<IReadOnlyList<MultiLabelPrediction<TLabel>>> IMultiLabelTextPairClassifier<TLabel>.PredictBatchAsync(IReadOnlyList<string> texts, IReadOnlyList<string> textPairs, CancellationToken cancellationToken) =>
        PredictPairBatchAsync(texts, textPairs, cancellationToken);

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
