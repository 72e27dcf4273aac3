using System.CommandLine;

namespace FastBert.Tool.Extensions;

/// <summary>
/// <c>fastbert train</c>: fine-tuning needs TorchSharp and libtorch (about 310 MB), so it ships as a second tool,
/// <c>fastbert-train</c>, which takes train's arguments unchanged. fastbert runs it as a child process found, in
/// this order, through <c>FASTBERT_TRAIN_TOOL</c> (the executable, its .dll, or their folder), beside fastbert's own
/// executable (a <c>--global</c> or <c>--tool-path</c> install of both), in a local tool manifest
/// (<c>dotnet tool run fastbert-train</c>), or on PATH. Without it, train exits with
/// <see cref="ExitCodes.ExtensionMissing"/> and the install command.
/// </summary>
internal static class TrainExtension
{
    public const string CommandName = "train";
    public const string ToolName = "fastbert-train";
    public const string PathVariable = "FASTBERT_TRAIN_TOOL";

    /// <summary>The entry in fastbert's command list; Cli.Run hands every train invocation to <see cref="Run"/>.</summary>
    public static Command CreateCommand() => new(CommandName,
        "Fine-tune a BERT, DistilBERT or ELECTRA classifier (TorchSharp, CPU): full, frozen-encoder head or LoRA. "
        + $"Runs the {ToolName} extension (dotnet tool install {ToolName}); 'fastbert train --help' lists its options.");

    public static int Run(IReadOnlyList<string> arguments, TextReader input, TextWriter output, TextWriter error)
    {
        ExtensionProcess? extension;
        try
        {
            extension = Locate(Environment.GetEnvironmentVariable(PathVariable), Environment.ProcessPath, Environment.CurrentDirectory,
                Environment.GetEnvironmentVariable("PATH"));
        }
        catch (FileNotFoundException ex)
        {
            error.WriteLine($"fastbert: error: {ex.Message}");
            return ExitCodes.ExtensionMissing;
        }

        if (extension is null)
        {
            error.WriteLine(
                $"fastbert: error: 'fastbert train' needs the training extension ({ToolName}: TorchSharp and libtorch), which is not installed. Install it with:\n"
                + $"  {InstallCommand(Environment.ProcessPath, Environment.CurrentDirectory)}\n"
                + $"(add --add-source <folder> if fastbert came from a local folder feed; or set {PathVariable} to a {ToolName} executable).");
            return ExitCodes.ExtensionMissing;
        }

        try
        {
            return extension.Run(arguments, input, output, error);
        }
        catch (IOException ex)
        {
            error.WriteLine($"fastbert: error: {ex.Message}");
            return ExitCodes.ExtensionMissing;
        }
    }

    /// <summary>The extension to run, or null when none is installed.</summary>
    /// <exception cref="FileNotFoundException"><paramref name="configured"/> names nothing runnable.</exception>
    internal static ExtensionProcess? Locate(string? configured, string? processPath, string currentDirectory, string? searchPath)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return FromPath(configured, $"{PathVariable}={configured}")
                ?? throw new FileNotFoundException($"{PathVariable} is '{configured}', which is not a {ToolName} executable, its {ToolName}.dll, or a folder holding one. Point it at one, or unset it.");
        }

        if (OwnExecutableFolder(processPath) is { } folder && FromPath(folder, $"{ToolName} beside {processPath}") is { } beside)
        {
            return beside;
        }

        if (LocalToolManifest.Listing(ToolName, currentDirectory) is { } manifest)
        {
            return new ExtensionProcess(DotnetHost(), ["tool", "run", ToolName], $"{ToolName} from {manifest}");
        }

        foreach (var directory in (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (ExecutableIn(directory) is { } onPath)
            {
                return new ExtensionProcess(onPath, [], onPath);
            }
        }

        return null;
    }

    /// <summary>The one command that installs the extension the way this fastbert was installed.</summary>
    internal static string InstallCommand(string? processPath, string currentDirectory)
    {
        var version = $"--version {Cli.Version.Split('+')[0]}";
        if (LocalToolManifest.Listing("fastbert", currentDirectory) is not null)
        {
            return $"dotnet tool install {ToolName} {version}";
        }

        if (OwnExecutableFolder(processPath) is { } folder && !IsGlobalToolFolder(folder))
        {
            return $"dotnet tool install {ToolName} --tool-path \"{folder}\" {version}";
        }

        return $"dotnet tool install --global {ToolName} {version}";
    }

    private static ExtensionProcess? FromPath(string path, string description)
    {
        if (Directory.Exists(path))
        {
            if (ExecutableIn(path) is { } executable)
            {
                return new ExtensionProcess(executable, [], description);
            }

            path = Path.Combine(path, ToolName + ".dll");
        }

        if (!File.Exists(path))
        {
            return null;
        }

        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ExtensionProcess(DotnetHost(), ["exec", Path.GetFullPath(path)], description)
            : new ExtensionProcess(Path.GetFullPath(path), [], description);
    }

    private static string? ExecutableIn(string directory)
    {
        var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? ToolName + ".exe" : ToolName);
        return File.Exists(candidate) ? Path.GetFullPath(candidate) : null;
    }

    // The folder of fastbert's own executable (not of the dotnet host running fastbert.dll). An installed tool runs
    // from <tool folder>/.store/fastbert/<version>/…/fastbert (the command in the tool folder links to it): then the
    // tool folder, where the other tool's command is too.
    private static string? OwnExecutableFolder(string? processPath)
    {
        if (processPath is null || Path.GetFileNameWithoutExtension(processPath) != "fastbert")
        {
            return null;
        }

        for (var folder = Directory.GetParent(processPath); folder is not null; folder = folder.Parent)
        {
            if (folder.Name == ".store" && folder.Parent is { } toolFolder)
            {
                return toolFolder.FullName;
            }
        }

        return Path.GetDirectoryName(processPath);
    }

    private static bool IsGlobalToolFolder(string folder) =>
        Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) ==
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools");

    // The dotnet host that runs fastbert (DOTNET_HOST_PATH when the SDK started it), else dotnet on PATH.
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
