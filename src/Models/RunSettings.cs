namespace FastBert.Models;

/// <summary>
/// How the app runs a model, as its manifest says (tokenizer.maxTokens, tokenizer.lowercase). Every build-time
/// measurement (accuracy gate, latency gate, int8 guard) runs the model with these, so it tests what ships.
/// </summary>
/// <param name="MaxTokens">Token limit including [CLS] and [SEP]; null: the model's position limit, as at run time.</param>
/// <param name="Lowercase">Tokenizer lowercasing; null: the model folder's tokenizer_config.json decides.</param>
public sealed record RunSettings(int? MaxTokens = null, bool? Lowercase = null)
{
    public static RunSettings Default { get; } = new();

    /// <summary>Load options for these settings.</summary>
    public BertModelOptions ToModelOptions(int? intraOpThreads = null, int maxBatchSize = 32) => new()
    {
        MaxTokens = MaxTokens,
        Lowercase = Lowercase,
        IntraOpThreads = intraOpThreads,
        MaxBatchSize = maxBatchSize,
    };
}
