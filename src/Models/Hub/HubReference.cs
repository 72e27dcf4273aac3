namespace FastBert.Models.Hub;

/// <summary>What a Hub repository holds: a model (the default) or a dataset.</summary>
public enum HubRepositoryKind
{
    Model,
    Dataset,
}

/// <summary>
/// A model repository on the Hugging Face Hub and a revision in it, written <c>hf:org/name@revision</c>
/// (or <c>hf:name</c>; the revision defaults to <c>main</c>). The revision is a branch, a tag or a commit sha.
/// A dataset repository (<see cref="HubRepositoryKind.Dataset"/>) is written <c>hf-dataset:org/name@revision</c>.
/// </summary>
public sealed record HubReference
{
    /// <summary>The prefix that marks a Hub reference.</summary>
    public const string Prefix = "hf:";

    /// <summary>The revision used when none is given.</summary>
    public const string DefaultRevision = "main";

    private const int MaxRepoIdLength = 96;
    private const int MaxRevisionLength = 255;

    /// <summary>A reference to <paramref name="repoId"/> (<c>org/name</c> or <c>name</c>) at <paramref name="revision"/>.</summary>
    /// <exception cref="FormatException">The repository id or the revision is not valid.</exception>
    public HubReference(string repoId, string? revision = null, HubRepositoryKind kind = HubRepositoryKind.Model)
    {
        ArgumentNullException.ThrowIfNull(repoId);
        revision ??= DefaultRevision;
        var problem = RepoIdProblem(repoId) ?? RevisionProblem(revision);
        if (problem is not null)
        {
            throw new FormatException($"'{repoId}@{revision}' is not a valid Hugging Face Hub reference: {problem}");
        }

        RepoId = repoId;
        Revision = revision;
        Kind = kind;
    }

    /// <summary>The prefix of a dataset reference (<c>hf-dataset:org/name</c>).</summary>
    public const string DatasetPrefix = "hf-dataset:";

    /// <summary>A model or a dataset repository.</summary>
    public HubRepositoryKind Kind { get; }

    /// <summary>The same repository at <paramref name="revision"/>.</summary>
    public HubReference AtRevision(string revision) => new(RepoId, revision, Kind);

    /// <summary>The URL path segment before the repository id: empty for models, <c>datasets/</c> for datasets.</summary>
    internal string UrlPrefix => Kind == HubRepositoryKind.Dataset ? "datasets/" : string.Empty;

    /// <summary>The repository id: <c>org/name</c>, or <c>name</c> for a repository without an organisation.</summary>
    public string RepoId { get; }

    /// <summary>The branch, tag or commit sha.</summary>
    public string Revision { get; }

    /// <summary>The organisation (or user), or null for <c>hf:name</c>.</summary>
    public string? Organization => RepoId.IndexOf('/') is var slash and >= 0 ? RepoId[..slash] : null;

    /// <summary>The repository name without the organisation.</summary>
    public string Name => RepoId[(RepoId.IndexOf('/') + 1)..];

    /// <summary>Whether <see cref="Revision"/> is a full 40-character commit sha (an immutable revision).</summary>
    public bool IsCommitRevision => IsCommitSha(Revision);

    /// <summary>The repository's folder in the cache, as huggingface_hub names it: <c>models--org--name</c> (<c>datasets--org--name</c>).</summary>
    public string CacheFolderName => (Kind == HubRepositoryKind.Dataset ? "datasets--" : "models--") + RepoId.Replace("/", "--", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="text"/> starts with <c>hf:</c> (whether or not the rest is valid).</summary>
    public static bool IsHubReference(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Parses <c>hf:org/name@revision</c>, <c>hf:org/name</c>, <c>hf:name@revision</c> or <c>hf:name</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid reference; the message says what is wrong.</exception>
    public static HubReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problem = TryParseCore(text, out var reference);
        return reference ?? throw new FormatException($"'{text}' is not a valid Hugging Face Hub reference: {problem}");
    }

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out HubReference? reference)
    {
        reference = null;
        return text is not null && TryParseCore(text, out reference) is null;
    }

    /// <summary>Whether <paramref name="text"/> is a full commit sha: 40 lowercase hexadecimal characters.</summary>
    public static bool IsCommitSha(string? text) => text is { Length: 40 } && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The canonical text form, <c>hf:org/name@revision</c>.</summary>
    public override string ToString() => $"{(Kind == HubRepositoryKind.Dataset ? DatasetPrefix : Prefix)}{RepoId}@{Revision}";

    /// <summary>
    /// A dataset repository: <c>org/name[@revision]</c> or <c>name[@revision]</c>, with or without <c>hf-dataset:</c>
    /// in front (fast-bert's <c>--dataset glue</c>).
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid repository id (and revision).</exception>
    public static HubReference ParseDataset(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var body = text.StartsWith(DatasetPrefix, StringComparison.Ordinal) ? text[DatasetPrefix.Length..] : text;
        var model = TryParseCore(Prefix + body, out var reference);
        return reference is null
            ? throw new FormatException($"'{text}' is not a valid Hugging Face dataset: {model?.Replace("'hf:", "'", StringComparison.Ordinal)}")
            : new HubReference(reference.RepoId, reference.Revision, HubRepositoryKind.Dataset);
    }

    private static string? TryParseCore(string text, out HubReference? reference)
    {
        reference = null;
        if (!IsHubReference(text))
        {
            return $"it must start with '{Prefix}', e.g. 'hf:org/name@main'.";
        }

        var body = text[Prefix.Length..];
        if (body.Length == 0)
        {
            return "the repository id after 'hf:' is missing, e.g. 'hf:org/name'.";
        }

        var at = body.IndexOf('@');
        var repoId = at < 0 ? body : body[..at];
        var revision = at < 0 ? DefaultRevision : body[(at + 1)..];
        if (at >= 0 && revision.Length == 0)
        {
            return "the revision after '@' is empty; give a branch, tag or commit sha, or leave out '@' for 'main'.";
        }

        var problem = RepoIdProblem(repoId) ?? RevisionProblem(revision);
        if (problem is not null)
        {
            return problem;
        }

        reference = new HubReference(repoId, revision);
        return null;
    }

    private static string? RepoIdProblem(string repoId)
    {
        if (repoId.Length == 0)
        {
            return "the repository id is empty.";
        }

        if (repoId.Length > MaxRepoIdLength)
        {
            return $"the repository id is longer than {MaxRepoIdLength} characters.";
        }

        var parts = repoId.Split('/');
        if (parts.Length > 2)
        {
            return $"the repository id '{repoId}' has more than one '/'; write 'org/name' or 'name'.";
        }

        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                return $"the repository id '{repoId}' has an empty organisation or name.";
            }

            var bad = part.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
            if (bad != default)
            {
                return $"'{part}' contains '{bad}'; only letters, digits, '-', '_' and '.' are allowed.";
            }

            if (part[0] is '-' or '.' || part[^1] is '-' or '.')
            {
                return $"'{part}' may not start or end with '-' or '.'.";
            }

            if (part.Contains("--", StringComparison.Ordinal) || part.Contains("..", StringComparison.Ordinal))
            {
                return $"'{part}' may not contain '--' or '..'.";
            }
        }

        return null;
    }

    private static string? RevisionProblem(string revision)
    {
        if (revision.Length == 0)
        {
            return "the revision is empty.";
        }

        if (revision.Length > MaxRevisionLength)
        {
            return $"the revision is longer than {MaxRevisionLength} characters.";
        }

        var bad = revision.FirstOrDefault(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '\\' or '~' or '^' or ':' or '?' or '*' or '[' or '@');
        if (bad != default)
        {
            return $"the revision '{revision}' contains '{(char.IsControl(bad) || char.IsWhiteSpace(bad) ? $"\\u{(int)bad:x4}" : bad)}', which a branch, tag or commit cannot.";
        }

        if (revision.StartsWith('/') || revision.EndsWith('/') || revision.Contains("//", StringComparison.Ordinal)
            || revision.Contains("..", StringComparison.Ordinal) || revision.EndsWith(".lock", StringComparison.Ordinal)
            || revision.Split('/').Any(p => p.StartsWith('.')))
        {
            return $"the revision '{revision}' is not a valid branch, tag or commit name.";
        }

        return null;
    }
}
