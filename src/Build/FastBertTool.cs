using System.Runtime.InteropServices;
using System.Text.Json;

namespace FastBert.Build;

/// <summary>How the build starts the fastbert tool: a program and the arguments that come before the command's own.</summary>
/// <param name="FileName">The program: <c>dotnet</c>, or the fastbert executable.</param>
/// <param name="PrefixArguments">E.g. <c>tool run fastbert</c>, or the path of fastbert.dll.</param>
/// <param name="Description">Where the tool came from, for messages ("the local tool manifest …").</param>
/// <param name="PinnedVersion">The version a local tool manifest pins; null when the tool was found by path.</param>
/// <param name="Manifest">The local tool manifest and the line of its fastbert entry, when there is one.</param>
public sealed record FastBertTool(string FileName, IReadOnlyList<string> PrefixArguments, string Description, string? PinnedVersion, ToolManifestEntry? Manifest);

/// <summary>The fastbert entry of a local tool manifest (<c>.config/dotnet-tools.json</c>).</summary>
public sealed record ToolManifestEntry(string Path, int Line, int Column, string Version)
{
    /// <summary>The folder the manifest belongs to (the parent of <c>.config/</c>), where <c>dotnet tool restore</c> runs.</summary>
    public string RootDirectory
    {
        get
        {
            var folder = System.IO.Path.GetDirectoryName(Path)!;
            return System.IO.Path.GetFileName(folder) == ".config" ? System.IO.Path.GetDirectoryName(folder)! : folder;
        }
    }
}

/// <summary>Why no tool could be found, and where to report it (a local tool manifest line, or null: the BertModel manifest).</summary>
public sealed record ToolProblem(string Message, ToolManifestEntry? Manifest);

/// <summary>
/// Finds the fastbert tool the way <c>dotnet tool run</c> users expect, in this order: a local tool manifest
/// (<c>.config/dotnet-tools.json</c> or <c>dotnet-tools.json</c>, searched from the project folder upwards, stopping at
/// <c>"isRoot": true</c>) that lists fastbert → <c>dotnet tool run fastbert</c>; else <c>FastBertToolPath</c> /
/// <c>FASTBERT_TOOL_PATH</c> (the executable, fastbert.dll, or a folder holding either); else fastbert on PATH.
/// </summary>
public static class FastBertToolLocator
{
    public const string CommandName = "fastbert";

    private static string ExecutableName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "fastbert.exe" : "fastbert";

    /// <summary>The <c>dotnet</c> host that runs this build (MSBuild sets DOTNET_HOST_PATH), else <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static (FastBertTool? Tool, ToolProblem? Problem) Locate(string projectDirectory, string? toolPath, string? pathVariable, string installCommand)
    {
        if (FindManifestEntry(projectDirectory) is { } entry)
        {
            return (new FastBertTool(DotnetHost, ["tool", "run", CommandName], $"fastbert {entry.Version} from the local tool manifest {entry.Path}", entry.Version, entry), null);
        }

        if (!string.IsNullOrWhiteSpace(toolPath))
        {
            return FromPath(toolPath!.Trim()) is { } explicitTool
                ? (explicitTool, null)
                : (null, new ToolProblem(
                    $"FastBertToolPath (or FASTBERT_TOOL_PATH) is '{toolPath}', which is neither the fastbert executable, fastbert.dll, nor a folder holding one of them. Point it at the tool (e.g. ~/.dotnet/tools/fastbert or its folder), or remove it and use a local tool manifest: {installCommand}.",
                    null));
        }

        foreach (var folder in (pathVariable ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder.Trim('"'), ExecutableName);
            if (File.Exists(candidate))
            {
                return (new FastBertTool(candidate, [], $"{candidate} (on PATH)", null, null), null);
            }
        }

        return (null, new ToolProblem(
            $"the fastbert tool was not found: no local tool manifest (.config/dotnet-tools.json) lists it, FastBertToolPath / FASTBERT_TOOL_PATH is not set, and it is not on PATH. Install it for this project with `{installCommand}` (the .config/dotnet-tools.json it writes makes `dotnet tool restore` bring it back on any machine).",
            null));
    }

    // The executable or fastbert.dll itself, or a folder holding one of them (the executable first).
    private static FastBertTool? FromPath(string toolPath)
    {
        var full = Path.GetFullPath(toolPath);
        if (Directory.Exists(full))
        {
            foreach (var name in new[] { ExecutableName, "fastbert.dll" })
            {
                if (FromPath(Path.Combine(full, name)) is { } tool)
                {
                    return tool;
                }
            }

            return null;
        }

        if (!File.Exists(full))
        {
            return null;
        }

        return full.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new FastBertTool(DotnetHost, [full], $"{full} (FastBertToolPath)", null, null)
            : new FastBertTool(full, [], $"{full} (FastBertToolPath)", null, null);
    }

    /// <summary>The nearest local tool manifest that lists fastbert, as <c>dotnet tool run</c> searches them.</summary>
    public static ToolManifestEntry? FindManifestEntry(string startDirectory)
    {
        for (var directory = new DirectoryInfo(Path.GetFullPath(startDirectory)); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, ".config", "dotnet-tools.json"), Path.Combine(directory.FullName, "dotnet-tools.json") })
            {
                if (!File.Exists(candidate))
                {
                    continue;
                }

                var (entry, isRoot) = ReadManifest(candidate);
                if (entry is not null)
                {
                    return entry;
                }

                if (isRoot)
                {
                    return null;
                }
            }
        }

        return null;
    }

    // A manifest that is not valid JSON is left to `dotnet tool` to report; here it simply lists no fastbert.
    private static (ToolManifestEntry? Entry, bool IsRoot) ReadManifest(string path)
    {
        string text;
        JsonDocument document;
        try
        {
            text = File.ReadAllText(path);
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return (null, false);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, false);
            }

            var isRoot = root.TryGetProperty("isRoot", out var rootFlag) && rootFlag.ValueKind == JsonValueKind.True;
            if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Object)
            {
                return (null, isRoot);
            }

            foreach (var tool in tools.EnumerateObject())
            {
                if (string.Equals(tool.Name, CommandName, StringComparison.OrdinalIgnoreCase)
                    && tool.Value.ValueKind == JsonValueKind.Object
                    && tool.Value.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String)
                {
                    var (line, column) = LineOf(text, tool.Name);
                    return (new ToolManifestEntry(path, line, column, version.GetString()!), isRoot);
                }
            }

            return (null, isRoot);
        }
    }

    // 1-based line and column of the entry's "name" key (JsonDocument keeps no positions).
    private static (int Line, int Column) LineOf(string text, string name)
    {
        var index = text.IndexOf('"' + name + '"', StringComparison.Ordinal);
        if (index < 0)
        {
            return (1, 1);
        }

        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }

    /// <summary>A version without build metadata (<c>0.1.0+abc123</c> → <c>0.1.0</c>), for comparing.</summary>
    public static string Normalize(string version)
    {
        var trimmed = version.Trim();
        var plus = trimmed.IndexOf('+');
        return plus < 0 ? trimmed : trimmed.Substring(0, plus);
    }
}
