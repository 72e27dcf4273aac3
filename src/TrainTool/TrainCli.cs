using System.CommandLine;
using System.Reflection;
using FastBert.Tool.Commands;
using FastBert.Tool.Extensions;
using FastBert.Training;
using FastBert.Training.Native;

namespace FastBert.Tool;

/// <summary>The <c>fastbert-train</c> command line: train's options at the root, failures mapped as fastbert maps them.</summary>
internal static class TrainCli
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        WarnOnVersionMismatch(error);
        var root = new RootCommand();
        TrainCommand.Configure(root);
        var parse = root.Parse(args);

        // train handles Ctrl+C itself: it finishes the batch and keeps the last epoch instead of being cut off.
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (parse.Errors.Count > 0)
        {
            parse.Invoke(config);
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(config);
        }
        catch (Exception ex) when (CliFailures.Report(ex, error, e => e is TrainingException or TorchNativeException) is { } exit)
        {
            return exit;
        }
    }

    private static string Version =>
        typeof(TrainCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static void WarnOnVersionMismatch(TextWriter error)
    {
        var core = Environment.GetEnvironmentVariable(ExtensionEnvironment.CoreVersionVariable);
        var own = Version.Split('+')[0];
        if (!string.IsNullOrEmpty(core) && core.Split('+')[0] != own)
        {
            error.WriteLine($"fastbert: warning: the training extension is fastbert-train {own} but fastbert is {core.Split('+')[0]}; "
                + $"install the matching one (dotnet tool update fastbert-train --version {core.Split('+')[0]}, with the same --global/--tool-path as fastbert).");
        }
    }
}
