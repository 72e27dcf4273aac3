using Spectre.Console;

namespace FastBert.Tool.Io;

/// <summary>
/// Progress for long work on stderr (stdout stays machine-readable): a Spectre.Console status line on a terminal,
/// plain lines when stderr is redirected (CI logs, tests).
/// </summary>
internal sealed class ConsoleProgress : IProgress<string>
{
    private readonly TextWriter _writer;
    private readonly IAnsiConsole? _console;

    public ConsoleProgress(TextWriter writer)
    {
        _writer = writer;
        if (ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected)
        {
            _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        }
    }

    public void Report(string value)
    {
        if (_console is not null)
        {
            _console.MarkupLine($"[grey]›[/] {Markup.Escape(value)}");
        }
        else
        {
            _writer.WriteLine(value);
        }
    }

    /// <summary>Runs work under a spinner on a terminal, or directly otherwise.</summary>
    public T Run<T>(string title, Func<IProgress<string>, T> work)
    {
        if (_console is null)
        {
            return work(this);
        }

        return _console.Status().Spinner(Spinner.Known.Dots).Start(title, context =>
            work(new Progress(context)));
    }

    private sealed class Progress(StatusContext context) : IProgress<string>
    {
        public void Report(string value) => context.Status(Markup.Escape(value));
    }
}
