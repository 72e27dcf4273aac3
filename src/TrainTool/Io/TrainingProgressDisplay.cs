using System.Globalization;
using FastBert.Training;
using Spectre.Console;

namespace FastBert.Tool.Io;

/// <summary>
/// Training progress on stderr: on a terminal, Spectre.Console bars for the epochs and the current epoch's batches
/// (with the running loss) and a line per finished epoch; when stderr is redirected, the lines only.
/// </summary>
internal static class TrainingProgressDisplay
{
    public static T Run<T>(TextWriter error, bool quiet, Func<IProgress<TrainingEvent>, T> work)
    {
        if (quiet)
        {
            return work(new Sink(_ => { }));
        }

        if (!ReferenceEquals(error, Console.Error) || Console.IsErrorRedirected)
        {
            return work(new Sink(e => WriteLine(error, e)));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? epochs = null;
                ProgressTask? batches = null;
                var runningLoss = 0.0;
                return work(new Sink(e =>
                {
                    switch (e)
                    {
                        case EpochStarted started:
                            epochs ??= context.AddTask("epochs", maxValue: started.Epochs);
                            batches?.StopTask();
                            batches = context.AddTask($"epoch {started.Epoch}", maxValue: started.Batches);
                            runningLoss = 0;
                            break;
                        case BatchCompleted batch when batches is not null:
                            runningLoss = batch.Batch == 1 ? batch.Loss : (0.98 * runningLoss) + (0.02 * batch.Loss);
                            batches.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {batch.Epoch} loss {runningLoss:0.0000}");
                            batches.Value = batch.Batch;
                            break;
                        case EvaluationStarted evaluation when batches is not null:
                            batches.Description = $"epoch {evaluation.Epoch} validating {evaluation.Examples} examples";
                            break;
                        case EpochCompleted completed:
                            epochs?.Increment(1);
                            if (batches is not null)
                            {
                                batches.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {completed.Summary.Epoch} loss {completed.Summary.TrainLoss:0.0000}");
                            }

                            console.MarkupLine(Markup.Escape(Describe(completed)));
                            break;
                        case TrainingMessage message:
                            console.MarkupLine($"[grey]›[/] {Markup.Escape(message.Text)}");
                            break;
                    }
                }));
            });
    }

    private static void WriteLine(TextWriter writer, TrainingEvent e)
    {
        switch (e)
        {
            case EpochCompleted completed:
                writer.WriteLine(Describe(completed));
                break;
            case TrainingMessage message:
                writer.WriteLine(message.Text);
                break;
        }
    }

    private static string Describe(EpochCompleted completed)
    {
        var s = completed.Summary;
        var c = CultureInfo.InvariantCulture;
        var validation = s.Accuracy is { } accuracy
            ? string.Create(c, $", validation loss {s.ValidationLoss:0.0000}, accuracy {accuracy:0.0000}, macro F1 {s.MacroF1:0.0000}{(s.Auroc is { } auc ? $", AUROC {auc:0.0000}" : string.Empty)}")
            : string.Empty;
        return string.Create(c, $"epoch {s.Epoch}: train loss {s.TrainLoss:0.0000}{validation} ({s.Seconds:0.0} s){(completed.Kept ? ", saved" : string.Empty)}");
    }

    private sealed class Sink(Action<TrainingEvent> report) : IProgress<TrainingEvent>
    {
        public void Report(TrainingEvent value) => report(value);
    }
}
