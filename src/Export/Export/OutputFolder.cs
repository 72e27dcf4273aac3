using System.Diagnostics;
using System.Text.Json;
using FastBert.ModelFolders;

namespace FastBert.Models.Export;

/// <summary>What a writer puts in its output folder, and so which stamp marks a folder as fastbert's own.</summary>
public enum OutputKind
{
    /// <summary>export, quantize: a model folder stamped by model.json.</summary>
    Model,

    /// <summary>prepare: model.json, or only the report.json of a prepare whose gates failed.</summary>
    PreparedModel,

    /// <summary>train: a checkpoint folder stamped by train.json.</summary>
    Training,

    /// <summary>report: report.md, report.html and report.json.</summary>
    Report,

    /// <summary>export --format triton|kserve: a model repository stamped by fastbert-repository.json.</summary>
    ServingRepository,
}

/// <summary>Refused: the output folder overlaps an input, holds files fastbert did not write, or cannot be written.</summary>
public sealed class OutputFolderException(string message, Exception? innerException = null) : IOException(message, innerException);

/// <summary>
/// One output folder being written. <see cref="Begin"/> checks that the target may be written and opens a staging
/// container beside it (<c>.&lt;name&gt;.fastbert-stage-&lt;id&gt;/</c> with a marker naming the target and the
/// writing process, and <see cref="Directory"/> to write into); <see cref="Commit"/> swaps the finished folder in;
/// <see cref="Dispose"/> without a commit removes the container and leaves the target as it was.
/// </summary>
/// <remarks>
/// The swap moves the old target into <c>.&lt;name&gt;.fastbert-old-&lt;id&gt;/out</c>, renames the new folder to the
/// target, then deletes the old one. Each step is one rename, so a process killed at any moment leaves the target
/// either as it was, or complete and new, or missing with the old folder still aside. The next
/// <see cref="Begin"/> for the same target removes the containers of processes that are gone and, when the target
/// is missing, moves the old folder back.
/// </remarks>
public sealed class OutputFolder : IDisposable
{
    /// <summary>The report a report, prepare or train output carries (also the stamp of a report folder).</summary>
    public const string ReportFileName = "report.json";

    /// <summary>Test hook: the name of a step (<see cref="PausePoints"/>) at which to print a marker line to stderr and wait.</summary>
    public const string PauseVariable = "FASTBERT_TEST_PAUSE_AT";

    /// <summary>Printed (followed by the step name) when <see cref="PauseVariable"/> stops a run.</summary>
    public const string PauseMarker = "fastbert-test-paused-at:";

    /// <summary>The steps <see cref="PauseVariable"/> can name, in the order a run passes them.</summary>
    public static IReadOnlyList<string> PausePoints { get; } = ["staging", "staged", "old-aside", "placed"];

    private const string StageInfix = ".fastbert-stage-";
    private const string OldInfix = ".fastbert-old-";
    private const string MarkerFileName = "fastbert-output.json";
    private const string ContentFolderName = "out";
    private const string ScratchFolderName = "scratch";
    private const string TrashFolderName = "trash";
    private const int FilesNamed = 5;

    private static readonly StringComparison PathComparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _container;
    private bool _committed;

    private OutputFolder(string target, string container)
    {
        Target = target;
        _container = container;
        Directory = Path.Combine(container, ContentFolderName);
    }

    /// <summary>The folder being written (absolute).</summary>
    public string Target { get; }

    /// <summary>Where the writer puts the new folder's files; it becomes <see cref="Target"/> at <see cref="Commit"/>.</summary>
    public string Directory { get; }

    /// <summary>A work folder removed with the container (never part of the output); created on first use.</summary>
    public string ScratchDirectory
    {
        get
        {
            var scratch = Path.Combine(_container, ScratchFolderName);
            System.IO.Directory.CreateDirectory(scratch);
            return scratch;
        }
    }

    /// <summary>
    /// Checks <paramref name="target"/> and opens its staging container. Refused (<see cref="OutputFolderException"/>)
    /// when the target is one of <paramref name="inputs"/> (files or folders), lies inside one or contains one; when
    /// it is a file; or when it is a non-empty folder without the stamp of <paramref name="kind"/> and
    /// <paramref name="force"/> is false. Leftovers of killed runs for this target are cleaned up first.
    /// </summary>
    public static OutputFolder Begin(string target, OutputKind kind, IEnumerable<string?> inputs, bool force)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(inputs);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        var parent = Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(parent))
        {
            throw new OutputFolderException($"--output {full} is a root folder; write to a folder inside it.");
        }

        foreach (var input in inputs)
        {
            if (!string.IsNullOrWhiteSpace(input))
            {
                RefuseOverlap(full, Path.TrimEndingDirectorySeparator(Path.GetFullPath(input)));
            }
        }

        if (File.Exists(full))
        {
            throw new OutputFolderException($"--output {full} is a file, not a folder; name a folder to write.");
        }

        System.IO.Directory.CreateDirectory(parent);
        Recover(full);
        if (!force)
        {
            RefuseForeign(full, kind);
        }

        var container = Path.Combine(parent, $".{Path.GetFileName(full)}{StageInfix}{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(container);
        var folder = new OutputFolder(full, container);
        try
        {
            WriteMarker(container, full);
            System.IO.Directory.CreateDirectory(folder.Directory);
        }
        catch
        {
            folder.Dispose();
            throw;
        }

        PauseIfAsked("staging");
        return folder;
    }

    /// <summary>Empties <see cref="Directory"/> (a writer that stages several times, e.g. once per kept epoch).</summary>
    public void Clear()
    {
        DeleteIfExists(Directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Makes the written <see cref="Directory"/> the target: old target aside, new one in, old one deleted.</summary>
    public void Commit()
    {
        if (_committed)
        {
            throw new InvalidOperationException($"{Target} was already committed.");
        }

        PauseIfAsked("staged");
        string? old = null;
        if (System.IO.Directory.Exists(Target))
        {
            old = Path.Combine(Path.GetDirectoryName(Target)!, $".{Path.GetFileName(Target)}{OldInfix}{Guid.NewGuid():N}");
            System.IO.Directory.CreateDirectory(old);
            WriteMarker(old, Target);
            System.IO.Directory.Move(Target, Path.Combine(old, ContentFolderName));
            PauseIfAsked("old-aside");
        }

        try
        {
            System.IO.Directory.Move(Directory, Target);
        }
        catch when (old is not null && !System.IO.Directory.Exists(Target))
        {
            System.IO.Directory.Move(Path.Combine(old, ContentFolderName), Target);
            RemoveContainer(old);
            throw;
        }

        _committed = true;
        PauseIfAsked("placed");
        if (old is not null)
        {
            RemoveContainer(old);
        }

        RemoveContainer(_container);
    }

    /// <summary>Removes the staging container unless <see cref="Commit"/> ran; the target stays as it was.</summary>
    public void Dispose()
    {
        if (System.IO.Directory.Exists(_container))
        {
            RemoveContainer(_container);
        }
    }

    /// <summary>Whether <paramref name="folder"/> carries the stamp fastbert writes for <paramref name="kind"/>.</summary>
    public static bool HasStamp(string folder, OutputKind kind) => kind switch
    {
        OutputKind.Model => IsModelDescription(Path.Combine(folder, ModelFolder.DescriptionFile)),
        OutputKind.PreparedModel => IsModelDescription(Path.Combine(folder, ModelFolder.DescriptionFile))
            || IsReport(Path.Combine(folder, ReportFileName), "prepare"),
        OutputKind.Training => HasJsonSchema(Path.Combine(folder, "train.json"), "fastbert.train/"),
        OutputKind.Report => IsReport(Path.Combine(folder, ReportFileName), kind: null),
        OutputKind.ServingRepository => HasJsonSchema(Path.Combine(folder, ServingRepository.StampFile), ServingRepository.SchemaPrefix),
        _ => false,
    };

    /// <summary>The staging and old containers beside <paramref name="target"/> (for tests and diagnostics).</summary>
    public static IReadOnlyList<string> Leftovers(string target)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        var parent = Path.GetDirectoryName(full)!;
        if (!System.IO.Directory.Exists(parent))
        {
            return [];
        }

        var name = Path.GetFileName(full);
        return System.IO.Directory.GetDirectories(parent, $".{name}{StageInfix}*")
            .Concat(System.IO.Directory.GetDirectories(parent, $".{name}{OldInfix}*"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static void RefuseOverlap(string target, string input)
    {
        if (string.Equals(target, input, PathComparison))
        {
            throw new OutputFolderException($"--output {target} is the input {input} itself: writing there would replace what is being read. Write to a new folder outside it.");
        }

        if (IsInside(target, input))
        {
            throw new OutputFolderException($"--output {target} is inside the input {input}: writing there would change what is being read. Write to a folder outside {input}.");
        }

        if (IsInside(input, target))
        {
            throw new OutputFolderException($"--output {target} contains the input {input}: replacing it would delete the input. Write to a folder that does not hold {input}.");
        }
    }

    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, PathComparison);

    private static void RefuseForeign(string target, OutputKind kind)
    {
        if (!System.IO.Directory.Exists(target))
        {
            return;
        }

        var entries = System.IO.Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (entries.Count == 0 || HasStamp(target, kind))
        {
            return;
        }

        var named = string.Join(", ", entries.Take(FilesNamed));
        var more = entries.Count > FilesNamed ? $" and {entries.Count - FilesNamed} more" : string.Empty;
        throw new OutputFolderException(
            $"--output {target} already holds files fastbert did not write ({named}{more}; no {StampName(kind)}), so it was left untouched. "
            + "Choose a new or empty folder, or pass --force to replace the folder and everything in it.");
    }

    private static string StampName(OutputKind kind) => kind switch
    {
        OutputKind.Training => "train.json",
        OutputKind.Report => ReportFileName,
        _ => ModelFolder.DescriptionFile,
    };

    /// <summary>Removes dead runs' containers for <paramref name="target"/>, restoring the old folder when the target is missing.</summary>
    private static void Recover(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        foreach (var old in System.IO.Directory.GetDirectories(parent, $".{name}{OldInfix}*").Order(StringComparer.Ordinal))
        {
            if (OwnerIsAlive(old))
            {
                continue;
            }

            var previous = Path.Combine(old, ContentFolderName);
            if (!System.IO.Directory.Exists(target) && System.IO.Directory.Exists(previous))
            {
                System.IO.Directory.Move(previous, target);
            }

            RemoveContainer(old);
        }

        foreach (var stage in System.IO.Directory.GetDirectories(parent, $".{name}{StageInfix}*"))
        {
            if (!OwnerIsAlive(stage))
            {
                RemoveContainer(stage);
            }
        }
    }

    private static void WriteMarker(string container, string target)
    {
        using var process = Process.GetCurrentProcess();
        var marker = new Marker(target, process.Id, process.StartTime.ToUniversalTime(), DateTime.UtcNow);
        File.WriteAllText(Path.Combine(container, MarkerFileName), JsonSerializer.Serialize(marker) + "\n");
    }

    // A container without a readable marker is being created or deleted this instant, or its owner died mid-way;
    // only the second lasts, so it counts as dead.
    private static bool OwnerIsAlive(string container)
    {
        Marker? marker;
        try
        {
            marker = JsonSerializer.Deserialize<Marker>(File.ReadAllText(Path.Combine(container, MarkerFileName)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }

        if (marker is null)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(marker.Pid);
            // A recycled pid belongs to a process that started later.
            return !process.HasExited && !IsZombie(marker.Pid) && Math.Abs((process.StartTime.ToUniversalTime() - marker.ProcessStart).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    // A killed process whose parent has not reaped it yet (e.g. fastbert-train after a kill -9 of fastbert, until
    // init collects it) still has a pid, but writes nothing any more.
    private static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat.LastIndexOf(')') is var end and >= 0 && end + 2 < stat.Length ? stat[end + 2] : ' ';
            return state is 'Z' or 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // The content is renamed away first: a container whose deletion is cut short never holds an "out" that could be
    // restored half-deleted.
    private static void RemoveContainer(string container)
    {
        var content = Path.Combine(container, ContentFolderName);
        if (System.IO.Directory.Exists(content))
        {
            System.IO.Directory.Move(content, Path.Combine(container, $"{TrashFolderName}-{Guid.NewGuid():N}"));
        }

        DeleteIfExists(container);
    }

    private static void DeleteIfExists(string folder)
    {
        if (System.IO.Directory.Exists(folder))
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsModelDescription(string path) => ReadJson(path, root =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.Number
        && root.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Object);

    private static bool IsReport(string path, string? kind) => ReadJson(path, root =>
        root.ValueKind == JsonValueKind.Array
            ? kind is null && root.GetArrayLength() > 0 && root.EnumerateArray().All(r => IsReportObject(r, null))
            : IsReportObject(root, kind));

    private static bool IsReportObject(JsonElement element, string? kind) =>
        HasSchema(element, "fastbert.report/")
        && (kind is null || (element.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String && k.GetString() == kind));

    private static bool HasJsonSchema(string path, string prefix) => ReadJson(path, root => HasSchema(root, prefix));

    private static bool HasSchema(JsonElement element, string prefix) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.String
        && schema.GetString()!.StartsWith(prefix, StringComparison.Ordinal);

    private static bool ReadJson(string path, Func<JsonElement, bool> test)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return test(document.RootElement);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return false;
        }
    }

    private static void PauseIfAsked(string point)
    {
        if (Environment.GetEnvironmentVariable(PauseVariable) == point)
        {
            Console.Error.WriteLine($"{PauseMarker} {point}");
            Console.Error.Flush();
            Thread.Sleep(TimeSpan.FromMinutes(2));
        }
    }

    private sealed record Marker(string Target, int Pid, DateTime ProcessStart, DateTime Started);
}
