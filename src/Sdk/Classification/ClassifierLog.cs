using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FastBert;

/// <summary>How both classifier bases load their model, and their log messages (compiled once by the logging source generator).</summary>
internal static partial class ClassifierLog
{
    /// <summary>Loads the model; with a logger, logs the load time and what was loaded, or the failure.</summary>
    public static BertModel Load<TLabel>(string modelDirectory, ClassifierDefinition<TLabel> definition, BertModelOptions options, ILogger? logger)
        where TLabel : struct, Enum
    {
        var stopwatch = Stopwatch.StartNew();
        BertModel model;
        try
        {
            model = BertModel.Load(modelDirectory, options);
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

    [LoggerMessage(EventId = 1, EventName = "ClassifierLoaded", Level = LogLevel.Information,
        Message = "Loaded model {ModelName} from {ModelDirectory} in {ElapsedMilliseconds:0.0} ms: {ModelType}, labels [{Labels}], max {MaxTokens} tokens, quantization {Quantization}, source {Source}, model.onnx sha256 {Sha256}")]
    public static partial void Loaded(ILogger logger, string modelName, string modelDirectory, double elapsedMilliseconds, string modelType, string labels, int maxTokens, string quantization, string source, string sha256);

    [LoggerMessage(EventId = 2, EventName = "ClassifierLoadFailed", Level = LogLevel.Error,
        Message = "Could not load model {ModelName} from {ModelDirectory}")]
    public static partial void LoadFailed(ILogger logger, Exception exception, string modelName, string modelDirectory);
}
