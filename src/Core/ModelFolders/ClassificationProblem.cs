namespace FastBert.ModelFolders;

/// <summary>
/// What a classifier's outputs mean: one label per text (softmax over the logits) or any set of labels (a sigmoid per
/// label, each compared with its threshold). config.json's <c>problem_type</c> says which, as in transformers.
/// </summary>
public enum ClassificationProblem
{
    /// <summary>One label per text: <c>single_label_classification</c> (the default).</summary>
    SingleLabel,

    /// <summary>Any set of labels per text: <c>multi_label_classification</c>.</summary>
    MultiLabel,
}

/// <summary>The names a classification problem goes by in config.json and in manifests, reports and model.json.</summary>
public static class ClassificationProblems
{
    public const string SingleLabelConfigName = "single_label_classification";
    public const string MultiLabelConfigName = "multi_label_classification";
    public const string RegressionConfigName = "regression";

    /// <summary>The manifest / model.json / report spelling: <c>single-label</c> or <c>multi-label</c>.</summary>
    public static string Name(this ClassificationProblem problem) =>
        problem == ClassificationProblem.MultiLabel ? "multi-label" : "single-label";

    /// <summary>Reads the manifest / model.json spelling; null when it is neither.</summary>
    public static ClassificationProblem? TryParse(string? name) => name switch
    {
        "multi-label" => ClassificationProblem.MultiLabel,
        "single-label" => ClassificationProblem.SingleLabel,
        _ => null,
    };

    /// <summary>config.json's spelling.</summary>
    public static string ConfigName(this ClassificationProblem problem) =>
        problem == ClassificationProblem.MultiLabel ? MultiLabelConfigName : SingleLabelConfigName;

    /// <summary>The threshold a label gets when nothing else sets one.</summary>
    public const float DefaultThreshold = 0.5f;
}
