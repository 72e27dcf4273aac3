namespace FastBert;

/// <summary>
/// What a manifest says about a classifier, as the source generator bakes it into the generated class:
/// the model's folder name, its labels in output order and tokenizer settings.
/// </summary>
/// <typeparam name="TLabel">The generated label enum.</typeparam>
public sealed class ClassifierDefinition<TLabel>
    where TLabel : struct, Enum
{
    /// <param name="modelName">Folder name under the output's <c>fastbert/</c> directory (the manifest's file name).</param>
    /// <param name="labelNames">Label names as written in the manifest, in model output order.</param>
    /// <param name="labels">The enum value of each label, same order.</param>
    /// <param name="maxTokens">Token limit including [CLS] and [SEP]; null uses the model's own limit.</param>
    /// <param name="lowercase">Lowercasing; null uses the model's tokenizer_config.json.</param>
    /// <param name="thresholds">A multi-label classifier's threshold per label (manifest or lock file); null uses model.json's, else 0.5.</param>
    public ClassifierDefinition(string modelName, string[] labelNames, TLabel[] labels, int? maxTokens = null, bool? lowercase = null, float[]? thresholds = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentNullException.ThrowIfNull(labels);
        if (labelNames.Length != labels.Length || labels.Length == 0)
        {
            throw new ArgumentException("Every label needs exactly one enum value.", nameof(labels));
        }

        if (thresholds is not null && thresholds.Length != labels.Length)
        {
            throw new ArgumentException("Every label needs exactly one threshold.", nameof(thresholds));
        }

        ModelName = modelName;
        Thresholds = thresholds;
        LabelNames = labelNames;
        Labels = labels;
        MaxTokens = maxTokens;
        Lowercase = lowercase;
    }

    public string ModelName { get; }

    public IReadOnlyList<string> LabelNames { get; }

    public IReadOnlyList<TLabel> Labels { get; }

    public int? MaxTokens { get; }

    public bool? Lowercase { get; }

    public IReadOnlyList<float>? Thresholds { get; }
}
