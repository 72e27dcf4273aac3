using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace FastBert.Tool.Io;

/// <summary>
/// Reads a <see cref="TextReader"/> line by line on a background thread, so that the consumer can tell the lines
/// that have already arrived (taken without waiting) from the ones still to come. Line numbers count from 1.
/// </summary>
internal sealed class LineReadAhead : IDisposable
{
    private const int ReadAheadLines = 4096;

    private readonly BlockingCollection<(int Number, string Text)> _lines = new(ReadAheadLines);
    private readonly CancellationTokenSource _stop = new();
    private Exception? _failure;

    public LineReadAhead(TextReader reader)
    {
        // A background thread: a read blocked on an interactive stdin must not keep the process alive.
        new Thread(() => Pump(reader)) { IsBackground = true, Name = "fastbert input" }.Start();
    }

    /// <summary>Waits for the next line; false at the end of the input.</summary>
    /// <exception cref="IOException">Reading the input failed (rethrown from the reading thread).</exception>
    public bool WaitForLine(out (int Number, string Text) line)
    {
        if (_lines.TryTake(out line, Timeout.Infinite))
        {
            return true;
        }

        if (Volatile.Read(ref _failure) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return false;
    }

    /// <summary>The next line if it has already arrived; never waits.</summary>
    public bool TryTakeLine(out (int Number, string Text) line) => _lines.TryTake(out line);

    /// <summary>Stops reading ahead (a read already waiting on the input ends with the process).</summary>
    public void Dispose() => _stop.Cancel();

    private void Pump(TextReader reader)
    {
        try
        {
            var number = 0;
            while (!_stop.IsCancellationRequested && reader.ReadLine() is { } text)
            {
                _lines.Add((++number, text), _stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, e);
        }
        finally
        {
            _lines.CompleteAdding();
        }
    }
}
