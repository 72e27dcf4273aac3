namespace FastBert.Manifest;

/// <summary>
/// A Hugging Face Hub model in model.source: <c>hf:org/name@revision</c>, <c>hf:org/name</c>, <c>hf:name@revision</c> or
/// <c>hf:name</c> (the revision defaults to <see cref="DefaultRevision"/>). The rules match the Hub client's
/// (FastBert.Models.Hub.HubReference), so a manifest that parses names a reference the build can pull.
/// </summary>
/// <param name="RepoId">The repository id: <c>org/name</c>, or <c>name</c> for a repository without an organisation.</param>
/// <param name="Revision">The branch, tag or commit sha; <see cref="DefaultRevision"/> when the reference names none.</param>
public sealed record HubModelReference(string RepoId, string Revision)
{
    /// <summary>The prefix that marks a Hub reference (lowercase, as written).</summary>
    public const string Prefix = ManifestPaths.HubPrefix;

    /// <summary>The revision used when the reference has no <c>@revision</c>.</summary>
    public const string DefaultRevision = "main";

    /// <summary>The syntax, as messages show it.</summary>
    public const string Syntax = "hf:org/name or hf:name, optionally followed by @revision (a branch, tag or commit sha; default main)";

    private const int MaxRepoIdLength = 96;
    private const int MaxRevisionLength = 255;

    /// <summary>The canonical text form, <c>hf:org/name@revision</c>.</summary>
    public override string ToString() => Prefix + RepoId + "@" + Revision;

    /// <summary>Parses a Hub reference.</summary>
    /// <param name="text">The reference, starting with <c>hf:</c>.</param>
    /// <param name="reference">The reference when valid.</param>
    /// <param name="problem">When not valid, what is wrong (one sentence, ending with a period).</param>
    /// <returns>True when <paramref name="text"/> is a valid reference.</returns>
    public static bool TryParse(string? text, out HubModelReference? reference, out string? problem)
    {
        reference = null;
        problem = Problem(text, out var repoId, out var revision);
        if (problem is null)
        {
            reference = new HubModelReference(repoId!, revision!);
        }

        return reference is not null;
    }

    private static string? Problem(string? text, out string? repoId, out string? revision)
    {
        repoId = null;
        revision = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return text is not null && text.Trim().StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                ? "it must start with a lowercase 'hf:' and have no spaces around it."
                : "it must start with 'hf:'.";
        }

        return BodyProblem(text.Substring(Prefix.Length), Prefix, out repoId, out revision);
    }

    /// <summary>What is wrong with <c>org/name@revision</c> (the text after <paramref name="prefix"/>), or null when it is valid.</summary>
    internal static string? BodyProblem(string body, string prefix, out string? repoId, out string? revision)
    {
        repoId = null;
        revision = null;
        if (body.Length == 0)
        {
            return "the repository id after '" + prefix + "' is missing.";
        }

        var at = body.IndexOf('@');
        repoId = at < 0 ? body : body.Substring(0, at);
        revision = at < 0 ? DefaultRevision : body.Substring(at + 1);
        if (at >= 0 && revision.Length == 0)
        {
            return "the revision after '@' is empty; name a branch, tag or commit sha, or leave out '@' for 'main'.";
        }

        return RepoIdProblem(repoId) ?? RevisionProblem(revision);
    }

    private static string? RepoIdProblem(string repoId)
    {
        if (repoId.Length == 0)
        {
            return "the repository id before '@' is empty.";
        }

        if (repoId.Length > MaxRepoIdLength)
        {
            return "the repository id is longer than 96 characters.";
        }

        var parts = repoId.Split('/');
        if (parts.Length > 2)
        {
            return "the repository id '" + repoId + "' has more than one '/'.";
        }

        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                return "the repository id '" + repoId + "' has an empty organisation or name.";
            }

            foreach (var c in part)
            {
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    return "'" + part + "' contains " + Describe(c) + "; repository names use only letters, digits, '-', '_' and '.'.";
                }
            }

            if (part[0] is '-' or '.' || part[part.Length - 1] is '-' or '.')
            {
                return "'" + part + "' starts or ends with '-' or '.', which repository names cannot.";
            }

            if (part.IndexOf("--", StringComparison.Ordinal) >= 0 || part.IndexOf("..", StringComparison.Ordinal) >= 0)
            {
                return "'" + part + "' contains '--' or '..', which repository names cannot.";
            }
        }

        return null;
    }

    private static string? RevisionProblem(string revision)
    {
        if (revision.Length > MaxRevisionLength)
        {
            return "the revision is longer than 255 characters.";
        }

        foreach (var c in revision)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '\\' or '~' or '^' or ':' or '?' or '*' or '[' or '@')
            {
                return "the revision '" + revision + "' contains " + Describe(c) + ", which a branch, tag or commit cannot.";
            }
        }

        var badPart = false;
        foreach (var part in revision.Split('/'))
        {
            badPart |= part.StartsWith(".", StringComparison.Ordinal);
        }

        if (badPart
            || revision.StartsWith("/", StringComparison.Ordinal)
            || revision.EndsWith("/", StringComparison.Ordinal)
            || revision.IndexOf("//", StringComparison.Ordinal) >= 0
            || revision.IndexOf("..", StringComparison.Ordinal) >= 0
            || revision.EndsWith(".lock", StringComparison.Ordinal))
        {
            return "the revision '" + revision + "' is not a valid branch, tag or commit name.";
        }

        return null;
    }

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c)
            ? "the character U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)
            : "'" + c + "'";
}
