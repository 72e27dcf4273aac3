using System.Globalization;
using System.Reflection;
using FastBert.Manifest;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Models.Preparation;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// Prepares one manifest's model into its intermediate folder. MSBuild runs it only when an input is newer than the
/// stamp (the target's Inputs/Outputs), so it does no up-to-date check of its own. Engine <c>export</c>: the local
/// checkpoint is prepared here by <see cref="PlainModelPreparer"/>, the same steps <c>fastbert prepare</c> takes. Engine <c>tool</c>:
/// <c>fastbert prepare</c> runs in its own process, found by <see cref="FastBertToolLocator"/>; its diagnostics (printed
/// in MSBuild's canonical form) become this task's errors and warnings, so each problem is reported once, at its line.
/// </summary>
public sealed class PrepareBertModel : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly object _gate = new();
    private ToolProcess? _running;
    private bool _cancelled;

    /// <summary>One item of <see cref="ResolveBertModels.PrepareModels"/>.</summary>
    [Required]
    public ITaskItem Model { get; set; } = null!;

    /// <summary>Where the local tool manifest search starts, and the tool's working folder.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = string.Empty;

    /// <summary><c>FastBertToolPath</c> (or <c>FASTBERT_TOOL_PATH</c>): the executable, fastbert.dll, or their folder.</summary>
    public string? ToolPath { get; set; }

    /// <summary>The fastbert version this build expects; default: this Sdk's own version.</summary>
    public string? ExpectedToolVersion { get; set; }

    public bool Offline { get; set; }

    public string? CacheDirectory { get; set; }

    /// <summary>The Sdk's version: the informational version of this assembly, without build metadata.</summary>
    public static string SdkVersion { get; } = FastBertToolLocator.Normalize(
        typeof(PrepareBertModel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(PrepareBertModel).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private string ManifestPath => Model.GetMetadata("FullPath");

    private string ExpectedVersion => string.IsNullOrWhiteSpace(ExpectedToolVersion) ? SdkVersion : FastBertToolLocator.Normalize(ExpectedToolVersion!);

    public override bool Execute()
    {
        var engine = Model.GetMetadata("Engine");
        return engine == ResolveBertModels.ExportEngine ? Export() : RunTool();
    }

    public void Cancel()
    {
        lock (_gate)
        {
            _cancelled = true;
            _running?.Kill();
        }
    }

    private bool Export()
    {
        var result = ManifestParser.Parse(ManifestPath, File.ReadAllText(ManifestPath), rootNamespace: null, new ManifestParseOptions { LabelsOptional = true });
        if (result.Manifest is not { } manifest)
        {
            return true; // the source generator reports the manifest's errors
        }

        var checks = new ModelChecks(Log);
        var checkpoint = manifest.ResolveModelDirectory()!;
        var output = Model.GetMetadata("OutputDirectory");
        var labels = manifest.LabelSource == LabelSource.Missing ? null : manifest.Labels.Select(l => l.Name).ToList();
        try
        {
            if (labels is null && PreparationSteps.ResolveLabels(checkpoint, null).Labels is null)
            {
                return true; // no labels anywhere: the source generator reports FB0004 at the manifest, once
            }

            Log.LogMessage(MessageImportance.High, "fastbert: exporting {0} to ONNX in {1}", checkpoint, output);
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var prepared = PlainModelPreparer.Prepare(new PlainPreparation
            {
                ManifestPath = manifest.Path,
                Source = manifest.ModelSource,
                SourceDirectory = checkpoint,
                Labels = labels,
                OutputDirectory = output,
            });
            if (!prepared.Succeeded)
            {
                var span = prepared.Key == PlainPreparationKey.Labels ? manifest.LabelsSpan ?? manifest.ModelSourceSpan : manifest.ModelSourceSpan;
                checks.LogAtSource(manifest.Path, span, prepared.Code!, prepared.Message!);
                return false;
            }

            Log.LogMessage(MessageImportance.High, "fastbert: exported {0} ({1} labels) in {2} s", checkpoint, prepared.Lock!.Labels.Count, stopwatch.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is ExportException or CheckpointFormatException or CheckpointSecurityException or ConfigException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            checks.LogAtSource(manifest.Path, manifest.ModelSourceSpan, ManifestDiagnosticIds.ModelUnreadable, $"model.source '{manifest.ModelSource}' could not be exported: {ex.Message}");
            return false;
        }

        return !Log.HasLoggedErrors;
    }

    private bool RunTool()
    {
        var installCommand = $"dotnet new tool-manifest && dotnet tool install fastbert --version {ExpectedVersion}";
        var (tool, problem) = FastBertToolLocator.Locate(ProjectDirectory, ToolPath, Environment.GetEnvironmentVariable("PATH"), installCommand);
        if (tool is null)
        {
            ReportToolProblem(problem!);
            return false;
        }

        // The probe shows that the tool starts (a pinned tool that was never restored does not) and reports its version.
        var probe = Start(tool, ["--version"]);
        var version = probe.Output.Count > 0 ? FastBertToolLocator.Normalize(probe.Output[^1]) : null;
        if (probe.ExitCode != 0 || version is null)
        {
            var detail = string.Join(" ", probe.Error.Concat(probe.Output).Where(l => l.Trim().Length > 0).Take(3));
            ReportToolProblem(tool.Manifest is { } entry
                ? new ToolProblem($"fastbert {entry.Version} is pinned in {entry.Path} but is not installed on this machine. Run `dotnet tool restore` in {entry.RootDirectory}. (dotnet tool run said: {detail})", entry)
                : new ToolProblem($"{tool.Description} does not run (`--version` exited with code {probe.ExitCode}: {detail}). Reinstall it: `dotnet tool update -g fastbert --version {ExpectedVersion}`, or point FastBertToolPath at a working fastbert.", null));
            return false;
        }

        CheckVersion(tool, tool.PinnedVersion ?? version);

        var arguments = new List<string> { "prepare", ManifestPath, "--output", Model.GetMetadata("OutputDirectory") };
        if (Offline)
        {
            arguments.Add("--offline");
        }

        if (!string.IsNullOrWhiteSpace(CacheDirectory))
        {
            arguments.AddRange(["--cache-dir", CacheDirectory!]);
        }

        Log.LogMessage(MessageImportance.High, "fastbert: preparing {0} from {1} with {2}", Model.GetMetadata("ModelName"), ManifestPath, tool.Description);
        var run = Start(tool, arguments, line => ToolDiagnostics.TryLog(Log, line));
        if (run.ExitCode != 0 && !Log.HasLoggedErrors)
        {
            // A failure the tool did not describe in canonical form (a crash, a kill): one error, with what it printed last.
            var tail = string.Join(" ", run.Error.Concat(run.Output).Where(l => l.Trim().Length > 0).TakeLast(5));
            LogAtReason(ManifestDiagnosticIds.PrepareFailed, $"fastbert prepare ({tool.Description}) exited with code {run.ExitCode}: {tail}");
        }

        return run.ExitCode == 0 && !Log.HasLoggedErrors;
    }

    private void CheckVersion(FastBertTool tool, string toolVersion)
    {
        if (string.Equals(FastBertToolLocator.Normalize(toolVersion), ExpectedVersion, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var message = tool.Manifest is { } entry
            ? $"fastbert {toolVersion} is pinned in {entry.Path}, but this build uses FastBert.Sdk {ExpectedVersion}; a tool of another version may prepare models this Sdk reads differently. Pin the same version: `dotnet tool update fastbert --local --version {ExpectedVersion}`."
            : $"{tool.Description} is version {toolVersion}, but this build uses FastBert.Sdk {ExpectedVersion}; a tool of another version may prepare models this Sdk reads differently. Install the same version: `dotnet tool update -g fastbert --version {ExpectedVersion}`, or pin it for the project: `dotnet new tool-manifest && dotnet tool install fastbert --version {ExpectedVersion}`.";
        if (!FirstInBuild("version:" + message))
        {
            return;
        }

        if (tool.Manifest is { } at)
        {
            Log.LogWarning(null, ManifestDiagnosticIds.ToolVersionMismatch, null, at.Path, at.Line, at.Column, 0, 0, message);
        }
        else
        {
            LogAtReason(ManifestDiagnosticIds.ToolVersionMismatch, message, warning: true);
        }
    }

    // One report per build for a tool problem shared by every manifest that needs the tool.
    private void ReportToolProblem(ToolProblem problem)
    {
        if (!FirstInBuild("problem:" + problem.Message))
        {
            // Still a failure of this manifest, already explained once.
            Log.LogMessage(MessageImportance.High, "fastbert: {0} is not prepared: the fastbert tool is missing (see the error above).", Model.GetMetadata("ModelName"));
            return;
        }

        if (problem.Manifest is { } entry)
        {
            Log.LogError(null, ManifestDiagnosticIds.ToolNotFound, null, entry.Path, entry.Line, entry.Column, 0, 0, problem.Message);
        }
        else
        {
            LogAtReason(ManifestDiagnosticIds.ToolNotFound, $"{Model.GetMetadata("ToolReason")}, so the build needs the fastbert tool, but {problem.Message}");
        }
    }

    private bool FirstInBuild(string key)
    {
        var fullKey = "FastBert.Build.PrepareBertModel:" + key;
        if (BuildEngine4.GetRegisteredTaskObject(fullKey, RegisteredTaskObjectLifetime.Build) is not null)
        {
            return false;
        }

        BuildEngine4.RegisterTaskObject(fullKey, new object(), RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return true;
    }

    // At what makes the manifest need the tool (model.source, quantize or validate).
    private void LogAtReason(string code, string message, bool warning = false)
    {
        var line = int.TryParse(Model.GetMetadata("ToolReasonLine"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : 1;
        var column = int.TryParse(Model.GetMetadata("ToolReasonColumn"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 1;
        if (warning)
        {
            Log.LogWarning(null, code, null, ManifestPath, line, column, 0, 0, message);
        }
        else
        {
            Log.LogError(null, code, null, ManifestPath, line, column, 0, 0, message);
        }
    }

    private ToolProcess.Result Start(FastBertTool tool, IReadOnlyList<string> arguments, Func<string, bool>? onOutputLine = null)
    {
        var process = new ToolProcess(tool.FileName, [.. tool.PrefixArguments, .. arguments], ProjectDirectory);
        lock (_gate)
        {
            if (_cancelled)
            {
                return new ToolProcess.Result(-1, [], []);
            }

            _running = process;
        }

        try
        {
            return process.Run(line =>
            {
                if (onOutputLine is null || !onOutputLine(line))
                {
                    Log.LogMessage(MessageImportance.Normal, line);
                }
            });
        }
        finally
        {
            lock (_gate)
            {
                _running = null;
            }

            process.Dispose();
        }
    }
}
