using System.Diagnostics;
using System.Text;

namespace FastBert.Tool.Tests;

/// <summary>
/// The real <c>fastbert</c> process (the fastbert.dll next to the tests) with its standard streams held open, for a
/// client that writes a line and waits for the answer. Every wait has a time-out, so a tool that holds answers back
/// fails the test instead of hanging it.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _error = new();

    private CliProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_error)
                {
                    _error.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fastbert.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return new CliProcess(Process.Start(start)!);
    }

    public string Error
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Writes one line to the tool's stdin and flushes it (stdin stays open).</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.Write(line + "\n");
        _process.StandardInput.Flush();
    }

    /// <summary>The next stdout line; fails when none arrives within <paramref name="timeout"/>.</summary>
    public string ReadLine(TimeSpan timeout)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            throw new TimeoutException($"fastbert wrote no answer within {timeout.TotalSeconds:0} s of being sent a line (it holds answers back). stderr: {Error}");
        }

        return read.Result ?? throw new InvalidOperationException($"fastbert closed its output early (exit {(_process.HasExited ? _process.ExitCode : -1)}). stderr: {Error}");
    }

    /// <summary>Closes stdin, then returns the rest of stdout and the exit code.</summary>
    public (int Exit, string RemainingOutput) CloseInputAndWait(TimeSpan timeout)
    {
        _process.StandardInput.Close();
        var rest = _process.StandardOutput.ReadToEndAsync();
        if (!rest.Wait(timeout) || !_process.WaitForExit(timeout))
        {
            throw new TimeoutException($"fastbert did not exit within {timeout.TotalSeconds:0} s after its input ended. stderr: {Error}");
        }

        _process.WaitForExit(); // drains the stderr reader
        return (_process.ExitCode, rest.Result);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
