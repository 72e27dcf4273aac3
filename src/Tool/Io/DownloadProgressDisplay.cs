using FastBert.Models.Hub;
using Spectre.Console;

namespace FastBert.Tool.Io;

/// <summary>
/// Download progress on stderr: a Spectre.Console progress bar per file on a terminal; when stderr is redirected,
/// one line per finished file of more than 1 MB.
/// </summary>
internal static class DownloadProgressDisplay
{
    public static async Task<T> RunAsync<T>(TextWriter error, bool quiet, Func<IProgress<DownloadProgress>, Task<T>> work)
    {
        if (quiet)
        {
            return await work(new Progress<DownloadProgress>(_ => { }));
        }

        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return await work(new LineProgress(error));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new SynchronousProgress(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.File, out var task))
                        {
                            task = context.AddTask(Markup.Escape(p.File), maxValue: Math.Max(1, p.TotalBytes ?? 1));
                            tasks[p.File] = task;
                        }

                        task.Value = p.BytesDone;
                    }
                });
                return await work(progress);
            });
    }

    private sealed class SynchronousProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }

    private sealed class LineProgress(TextWriter writer) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is > 1_000_000 && value.BytesDone == value.TotalBytes)
            {
                writer.WriteLine($"downloaded {value.File} ({value.TotalBytes / 1048576.0:0.0} MB)");
            }
        }
    }
}
