using System.Diagnostics;
using System.Text;

namespace FastBert.Build;

/// <summary>One run of the fastbert tool with its output captured line by line (stdout handed to a callback as it comes).</summary>
internal sealed class ToolProcess(string fileName, IReadOnlyList<string> arguments, string workingDirectory) : IDisposable
{
    private Process? _process;

    public sealed record Result(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Error);

    public Result Run(Action<string> onLine)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var output = new List<string>();
        var error = new List<string>();
        try
        {
            _process = Process.Start(start)!;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            return new Result(-1, [], [ex.Message]);
        }

        _process.OutputDataReceived += (_, e) => Collect(e.Data, output, onLine);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data, error, onLine);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.WaitForExit();
        return new Result(_process.ExitCode, output, error);
    }

    // Lines are handed over in order, one at a time: the build's logger is not called from two threads at once.
    private void Collect(string? line, List<string> into, Action<string> onLine)
    {
        if (line is null)
        {
            return;
        }

        lock (into)
        {
            into.Add(line);
        }

        lock (this)
        {
            onLine(line);
        }
    }

    public void Kill()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    public void Dispose() => _process?.Dispose();
}
