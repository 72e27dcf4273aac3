using FastBert.ModelFolders;

namespace FastBert;

/// <summary>How <see cref="BertModel"/> loads and runs a model folder.</summary>
public sealed class BertModelOptions
{
    public BertModelOptions()
    {
    }

    /// <summary>Copies the runtime settings of a classifier's options.</summary>
    public BertModelOptions(BertClassifierOptions? classifierOptions)
    {
        if (classifierOptions is null)
        {
            return;
        }

        IntraOpThreads = classifierOptions.IntraOpThreads;
        AllowSpinning = classifierOptions.AllowSpinning;
        SpinMicroseconds = classifierOptions.SpinMicroseconds;
        MaxBatchSize = classifierOptions.MaxBatchSize;
        MaxTokens = classifierOptions.MaxTokens;
    }

    /// <summary>Threads ONNX Runtime may use inside one inference. Default: the number of cores.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Measured in README's performance section (compare --spin-study).</summary>
    public const int DefaultSpinMicroseconds = 20;

    /// <summary>Whether ORT worker threads spin without bound while waiting for work. Default: false (see <see cref="BertClassifierOptions.AllowSpinning"/>).</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Unless <see cref="AllowSpinning"/>: microseconds an idle worker spins before it sleeps; 0 never spins. Default: 20 (see <see cref="BertClassifierOptions.SpinMicroseconds"/>).</summary>
    public int SpinMicroseconds { get; set; } = DefaultSpinMicroseconds;

    /// <summary>Texts per model call in <see cref="BertModel.ClassifyBatch(IReadOnlyList{string})"/>. Default: 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Token limit including [CLS] and [SEP]. Default: the model's max_position_embeddings (512 for BERT).</summary>
    public int? MaxTokens { get; set; }

    /// <summary>
    /// The ONNX file to run, relative to the model folder (e.g. onnx/model_quantized.onnx in the Optimum /
    /// transformers.js layout). Default: model.onnx, else onnx/model.onnx.
    /// </summary>
    public string? OnnxFile { get; set; }

    /// <summary>Lowercasing; null follows tokenizer_config.json (or tokenizer.json's normalizer).</summary>
    public bool? Lowercase { get; set; }

    /// <summary>Labels the caller expects in output order (the manifest's); checked against the model at load.</summary>
    public IReadOnlyList<string>? ExpectedLabels { get; set; }

    /// <summary>Extra ONNX Runtime session config entries (key → value), for the benchmarks' thread studies.</summary>
    internal IReadOnlyDictionary<string, string>? SessionConfigEntries { get; set; }

    /// <summary>Overrides config.json's problem_type (the manifest's <c>problem:</c>). Default: config.json's, else single-label.</summary>
    public ClassificationProblem? Problem { get; set; }

    /// <summary>A multi-label model's threshold per label in output order (the manifest's or lock file's). Default: model.json's, else 0.5.</summary>
    public IReadOnlyList<float>? Thresholds { get; set; }
}
