using System.Text.Json;

namespace FastBert.Tool.Extensions;

/// <summary>
/// The local tool manifest that <c>dotnet tool run</c> would use from a folder: the nearest
/// <c>.config/dotnet-tools.json</c> or <c>dotnet-tools.json</c> listing a tool, walking up until a manifest says
/// <c>"isRoot": true</c> — the SDK's own search order.
/// </summary>
internal static class LocalToolManifest
{
    /// <summary>The manifest file that lists <paramref name="packageId"/> for <paramref name="directory"/>, or null.</summary>
    public static string? Listing(string packageId, string directory)
    {
        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(folder.FullName, ".config", "dotnet-tools.json"), Path.Combine(folder.FullName, "dotnet-tools.json") })
            {
                if (!File.Exists(candidate))
                {
                    continue;
                }

                var (lists, isRoot) = Read(candidate, packageId);
                if (lists)
                {
                    return candidate;
                }

                if (isRoot)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static (bool Lists, bool IsRoot) Read(string path, string packageId)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (false, false);
            }

            var isRoot = root.TryGetProperty("isRoot", out var flag) && flag.ValueKind == JsonValueKind.True;
            var lists = root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Object
                && tools.EnumerateObject().Any(tool => string.Equals(tool.Name, packageId, StringComparison.OrdinalIgnoreCase));
            return (lists, isRoot);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // dotnet tool run reports a broken manifest itself; for finding the extension it lists nothing.
            return (false, false);
        }
    }
}
