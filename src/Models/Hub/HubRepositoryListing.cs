using System.Text.Json;

namespace FastBert.Models.Hub;

/// <summary>A repository's files at one commit, as the Hub's repository API lists them.</summary>
/// <param name="Commit">The commit the revision resolved to.</param>
/// <param name="Files">Every file's path in the repository, '/'-separated, in the order the Hub gave.</param>
public sealed record HubRepositoryListing(string Commit, IReadOnlyList<string> Files)
{
    /// <summary>Reads <c>{"sha": "...", "siblings": [{"rfilename": "..."}]}</c>; null when the JSON is not of that shape.</summary>
    internal static HubRepositoryListing? Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sha", out var sha) || sha.ValueKind != JsonValueKind.String || !HubReference.IsCommitSha(sha.GetString())
                || !root.TryGetProperty("siblings", out var siblings) || siblings.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var files = new List<string>();
            foreach (var sibling in siblings.EnumerateArray())
            {
                if (sibling.ValueKind == JsonValueKind.Object && sibling.TryGetProperty("rfilename", out var name)
                    && name.ValueKind == JsonValueKind.String && HubClient.InvalidFilePathReason(name.GetString()) is null)
                {
                    files.Add(name.GetString()!);
                }
            }

            return new HubRepositoryListing(sha.GetString()!, files);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
