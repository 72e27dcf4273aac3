using System.CommandLine;
using System.Reflection;
using FastBert.Tool.Commands;
using FastBert.Tool.Extensions;
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
            ExplainCommand.Create(),
            ExportCommand.Create(),
            EvaluateCommand.Create(),
            BenchmarkCommand.Create(),
            QuantizeCommand.Create(),
            ReportCommand.Create(),
            PullCommand.Create(),
            InitCommand.Create(),
            PrepareCommand.Create(),
            TrainExtension.CreateCommand(),
        };
        return root;
    }

    /// <summary>Runs the command line with the given streams and returns the exit code.</summary>
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        // train lives in the fastbert-train extension: every argument after it is the extension's, --help included.
        if (args is [TrainExtension.CommandName, .. var trainArguments])
        {
            return TrainExtension.Run(trainArguments, input, output, error);
        }

        var previous = t_input;
        t_input = input;
        try
        {
            var parse = CreateRootCommand().Parse(args);
            var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
            if (parse.Errors.Count > 0)
            {
                parse.Invoke(config);
                return ExitCodes.Usage;
            }

            try
            {
                return parse.Invoke(config);
            }
            catch (Exception ex) when (CliFailures.Report(ex, error, e => e is InputLineException) is { } exit)
            {
                return exit;
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
