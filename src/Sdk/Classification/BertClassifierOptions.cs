namespace FastBert;

/// <summary>How a classifier runs. Every property has a documented default suited to low-latency inference.</summary>
public sealed class BertClassifierOptions
{
    /// <summary>Threads ONNX Runtime may use inside one inference. Default: the number of cores.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>
    /// Whether ORT worker threads spin without bound while waiting for work (ONNX Runtime's own default). Default:
    /// false — on a machine whose cores are shared with other work, spinning workers made short calls several times
    /// slower (README, performance section); <see cref="SpinMicroseconds"/> applies instead.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Unless <see cref="AllowSpinning"/>: how long an idle ORT worker thread spins for more work before it sleeps,
    /// in microseconds; 0 never spins. Default: 20 — it keeps the workers awake between the operators of one call
    /// (batch-1 latency 1.2-1.4x lower on a quiet machine) without burning the shared cores between calls.
    /// </summary>
    public int SpinMicroseconds { get; set; } = BertModelOptions.DefaultSpinMicroseconds;

    /// <summary>Texts sent to the model together by <c>PredictBatch</c>. Default: 32.</summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Overrides the manifest's token limit (including [CLS] and [SEP]). Default: the manifest's value.</summary>
    public int? MaxTokens { get; set; }
}
