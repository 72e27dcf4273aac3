using System.CommandLine;
using System.Reflection;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Hub;
using FastBert.Models.Onnx;
using FastBert.Models.Quantization;
using FastBert.Tokenization;
using FastBert.Tool.Commands;
using FastBert.Training;
using FastBert.Training.Native;
using FastBert.Tool.Io;

namespace FastBert.Tool;

/// <summary>The <c>fastbert</c> command line: builds the command tree and maps failures to exit codes.</summary>
public static class Cli
{
    [ThreadStatic]
    private static TextReader? t_input;

    /// <summary>Standard input of the running invocation (tests substitute their own).</summary>
    internal static TextReader Input => t_input ?? Console.In;

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("fastbert: BERT-family text classifiers for .NET — tokenize and classify text with a model folder.")
        {
            TokenizeCommand.Create(),
            PredictCommand.Create(),
            ExportCommand.Create(),
            EvaluateCommand.Create(),
            BenchmarkCommand.Create(),
            QuantizeCommand.Create(),
            ReportCommand.Create(),
            PullCommand.Create(),
            InitCommand.Create(),
            PrepareCommand.Create(),
            TrainCommand.Create(),
        };
        return root;
    }

    /// <summary>Runs the command line with the given streams and returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var previous = t_input;
        t_input = input;
        try
        {
            var parse = CreateRootCommand().Parse(args);
            var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            if (parse.CommandResult.Command.Name == TrainCommand.Name)
            {
                // train handles Ctrl+C itself: it finishes the batch and keeps the last epoch instead of being cut off.
                config.ProcessTerminationTimeout = null;
            }

            if (parse.Errors.Count > 0)
            {
                parse.Invoke(config);
                return ExitCodes.Usage;
            }

            try
            {
                return parse.Invoke(config);
            }
            catch (HubException ex)
            {
                error.WriteLine($"fastbert: error: {ex.Message}");
                return ex is HubNetworkException or HubOfflineException ? ExitCodes.NetworkError : ExitCodes.InputError;
            }
            catch (UsageException ex)
            {
                error.WriteLine($"fastbert: usage: {ex.Message}");
                return ExitCodes.Usage;
            }

            // IOException and UnauthorizedAccessException: a file the command could not read or write (missing, no
            // permission, disk full, a folder where a file should be); their messages name the path.
            catch (Exception ex) when (ex is InputLineException or ModelLoadException or TokenizerLoadException or IOException or UnauthorizedAccessException
                or ExportException or CheckpointFormatException or ConfigException or DataFormatException or InvalidDataException or QuantizationException
                or TrainingException or TorchNativeException or OutputFolderException)
            {
                error.WriteLine($"fastbert: error: {ex.Message}");
                return ExitCodes.InputError;
            }
        }
        finally
        {
            t_input = previous;
        }
    }

    public static string Version =>
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
