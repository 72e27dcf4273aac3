namespace FastBert.Manifest;

/// <summary>
/// A Hugging Face Hub dataset in validate.data: <c>hf-dataset:org/name@revision</c>, <c>hf-dataset:org/name</c>,
/// <c>hf-dataset:name</c> (the revision defaults to <see cref="HubModelReference.DefaultRevision"/>). Repository ids and
/// revisions follow the same rules as <see cref="HubModelReference"/> (and the Hub client's).
/// </summary>
/// <param name="RepoId">The dataset repository: <c>org/name</c>, or <c>name</c> (e.g. <c>glue</c>).</param>
/// <param name="Revision">The branch, tag or commit sha; <c>main</c> when the reference names none.</param>
public sealed record HubDatasetReference(string RepoId, string Revision)
{
    /// <summary>The prefix that marks a Hub dataset (lowercase, as written).</summary>
    public const string Prefix = "hf-dataset:";

    /// <summary>The syntax, as messages show it.</summary>
    public const string Syntax = "hf-dataset:org/name or hf-dataset:name, optionally followed by @revision (a branch, tag or commit sha; default main)";

    /// <summary>The canonical text form, <c>hf-dataset:org/name@revision</c>.</summary>
    public override string ToString() => Prefix + RepoId + "@" + Revision;

    /// <summary>True when <paramref name="data"/> is meant as a Hub reference rather than a file: it starts with <c>hf-dataset:</c> or <c>hf:</c> (any case, spaces around).</summary>
    public static bool LooksLikeHubReference(string? data)
    {
        var text = data?.Trim() ?? string.Empty;
        return text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || text.StartsWith(HubModelReference.Prefix, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses a dataset reference.</summary>
    /// <param name="text">The reference, starting with <c>hf-dataset:</c>.</param>
    /// <param name="reference">The reference when valid.</param>
    /// <param name="problem">When not valid, what is wrong (one sentence, ending with a period).</param>
    public static bool TryParse(string? text, out HubDatasetReference? reference, out string? problem)
    {
        reference = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var trimmed = text?.Trim() ?? string.Empty;
            problem = trimmed.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                ? "it must start with a lowercase 'hf-dataset:' and have no spaces around it."
                : trimmed.StartsWith(HubModelReference.Prefix, StringComparison.OrdinalIgnoreCase)
                    ? "'hf:' names a model repository; a dataset is written 'hf-dataset:'."
                    : "it must start with 'hf-dataset:'.";
            return false;
        }

        problem = HubModelReference.BodyProblem(text.Substring(Prefix.Length), Prefix, out var repoId, out var revision);
        if (problem is null)
        {
            reference = new HubDatasetReference(repoId!, revision!);
        }

        return reference is not null;
    }
}
