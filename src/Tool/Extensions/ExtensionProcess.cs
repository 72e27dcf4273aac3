using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FastBert.Tool.Extensions;

/// <summary>
/// Runs an extension tool as a child process with the caller's arguments and answers its exit code. From a terminal
/// the child inherits stdin, stdout and stderr (progress bars and Ctrl+C work as if it were fastbert itself); with
/// substituted streams (tests, hosts) they are piped through.
/// </summary>
internal sealed class ExtensionProcess(string fileName, IReadOnlyList<string> leadingArguments, string description)
{
    /// <summary>How it was found, for messages (e.g. "FASTBERT_TRAIN_TOOL=/x/fastbert-train.dll").</summary>
    public string Description { get; } = description;

    public int Run(IReadOnlyList<string> arguments, TextReader input, TextWriter output, TextWriter error)
    {
        var inherit = ReferenceEquals(input, Console.In) && ReferenceEquals(output, Console.Out) && ReferenceEquals(error, Console.Error);
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false };
        foreach (var argument in leadingArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[ExtensionEnvironment.ParentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        start.Environment[ExtensionEnvironment.CoreVersionVariable] = Cli.Version;
        if (!inherit)
        {
            start.RedirectStandardInput = start.RedirectStandardOutput = start.RedirectStandardError = true;
            start.StandardInputEncoding = start.StandardOutputEncoding = start.StandardErrorEncoding = new UTF8Encoding(false);
        }

        output.Flush();
        error.Flush();

        // Ctrl+C reaches the child too (same terminal): it decides when to stop, and its exit code is the answer.
        ConsoleCancelEventHandler keepRunning = (_, e) => e.Cancel = true;
        if (inherit)
        {
            Console.CancelKeyPress += keepRunning;
        }

        try
        {
            using var process = Process.Start(start) ?? throw new IOException($"{Description} did not start.");
            if (inherit)
            {
                process.WaitForExit();
                return process.ExitCode;
            }

            var copyOutput = Task.Run(() => Copy(process.StandardOutput, output));
            var copyError = Task.Run(() => Copy(process.StandardError, error));
            try
            {
                using var stdin = process.StandardInput;
                stdin.Write(input.ReadToEnd());
            }
            catch (IOException)
            {
                // The child exited without reading its input; its exit code tells the rest.
            }

            process.WaitForExit();
            Task.WaitAll(copyOutput, copyError);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException($"{Description} could not be started: {ex.Message}", ex);
        }
        finally
        {
            if (inherit)
            {
                Console.CancelKeyPress -= keepRunning;
            }
        }
    }

    private static void Copy(StreamReader from, TextWriter to)
    {
        var buffer = new char[4096];
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            to.Write(buffer, 0, read);
            to.Flush();
        }
    }
}
