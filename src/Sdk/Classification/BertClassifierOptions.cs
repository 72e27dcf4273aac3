namespace FastBert;

/// <summary>How a classifier runs. Every property has a documented default suited to low-latency inference.</summary>
public sealed class BertClassifierOptions
{
    /// <summary>Threads ONNX Runtime may use inside one inference. Default: the number of cores.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ORT worker threads spin while waiting for work. Default: false — on a machine whose cores are shared
    /// with other work, spinning workers made short calls several times slower (README, performance section).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Texts sent to the model together by <c>PredictBatch</c>. Default: 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Overrides the manifest's token limit (including [CLS] and [SEP]). Default: the manifest's value.</summary>
    public int? MaxTokens { get; set; }
}
