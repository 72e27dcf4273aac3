using System.Diagnostics;
using FastBert.ModelFolders;
using Microsoft.Extensions.Logging;

namespace FastBert;

/// <summary>How every classifier base loads its model, and their log messages (compiled once by the logging source generator).</summary>
internal static partial class ClassifierLog
{
    /// <summary>
    /// Loads the model as the manifest describes it (labels, token limit, lowercasing; a multi-label model's thresholds),
    /// with <paramref name="options"/>' runtime settings. A null <paramref name="problem"/> follows config.json's problem_type,
    /// as the single-label bases always have. With a logger, logs the load time and what was loaded, or the failure.
    /// </summary>
    public static BertModel Load<TLabel>(string modelDirectory, ClassifierDefinition<TLabel> definition, BertClassifierOptions? options, ClassificationProblem? problem, ILogger? logger)
        where TLabel : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(definition);
        var modelOptions = new BertModelOptions(options)
        {
            MaxTokens = options?.MaxTokens ?? definition.MaxTokens,
            Lowercase = definition.Lowercase,
            ExpectedLabels = definition.LabelNames,
            Problem = problem,
            Thresholds = problem == ClassificationProblem.MultiLabel ? definition.Thresholds : null,
        };

        var stopwatch = Stopwatch.StartNew();
        BertModel model;
        try
        {
            model = BertModel.Load(modelDirectory, modelOptions);
        }
        catch (ModelLoadException ex) when (logger is not null)
        {
            LoadFailed(logger, ex, definition.ModelName, modelDirectory);
            throw;
        }

        if (logger is not null)
        {
            var info = model.Info;
            Loaded(logger, definition.ModelName, info.Directory, stopwatch.Elapsed.TotalMilliseconds, info.ModelType ?? "unknown", string.Join(", ", info.LabelNames), info.MaxTokens, info.Quantization ?? "none", info.Source ?? "unrecorded", info.Sha256 ?? "unrecorded");
        }

        return model;
    }

    /// <summary>Turns a batch of model results into predictions, keeping input order.</summary>
    public static TPrediction[] ToPredictions<TPrediction>(IReadOnlyList<ClassificationResult> results, Func<ClassificationResult, TPrediction> toPrediction)
    {
        var predictions = new TPrediction[results.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            predictions[i] = toPrediction(results[i]);
        }

        return predictions;
    }

    [LoggerMessage(EventId = 1, EventName = "ClassifierLoaded", Level = LogLevel.Information,
        Message = "Loaded model {ModelName} from {ModelDirectory} in {ElapsedMilliseconds:0.0} ms: {ModelType}, labels [{Labels}], max {MaxTokens} tokens, quantization {Quantization}, source {Source}, model.onnx sha256 {Sha256}")]
    public static partial void Loaded(ILogger logger, string modelName, string modelDirectory, double elapsedMilliseconds, string modelType, string labels, int maxTokens, string quantization, string source, string sha256);

    [LoggerMessage(EventId = 2, EventName = "ClassifierLoadFailed", Level = LogLevel.Error,
        Message = "Could not load model {ModelName} from {ModelDirectory}")]
    public static partial void LoadFailed(ILogger logger, Exception exception, string modelName, string modelDirectory);
}
