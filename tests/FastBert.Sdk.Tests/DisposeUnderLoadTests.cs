using System.Collections.Concurrent;
using FastBert.Tests;

namespace FastBert.Sdk.Tests;

/// <summary>
/// Disposing a classifier while other threads classify must end each call with a result or an
/// ObjectDisposedException. Before the in-flight guard this freed the native session under running calls and the
/// test host died (SIGSEGV or a glibc heap abort).
/// </summary>
public sealed class DisposeUnderLoadTests
{
    private const int Rounds = 12;
    private const int Threads = 4;

    [Fact]
    public void DisposeWhileThreadsPredict_EveryCallReturnsAResultOrObjectDisposed()
    {
        var texts = SmsData.HeldOut().Take(40).Select(m => m.Text).ToArray();
        string[] expectedLabels;
        using (var reference = SpamClassifier.Load())
        {
            expectedLabels = texts.Select(t => reference.Predict(t).Label.ToString()).ToArray();
        }

        var unexpected = new ConcurrentBag<string>();
        var results = 0;
        var disposedCalls = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var classifier = SpamClassifier.Load();
            using var started = new CountdownEvent(Threads);
            var workers = Enumerable.Range(0, Threads).Select(threadIndex => new Thread(() =>
            {
                var signalled = false;
                for (var i = 0; ; i++)
                {
                    var k = (i * 5 + threadIndex) % texts.Length;
                    try
                    {
                        // Half the threads use the batch path, which runs several sessions per call.
                        var label = threadIndex % 2 == 0
                            ? classifier.Predict(texts[k]).Label.ToString()
                            : classifier.PredictBatch([texts[k], texts[(k + 1) % texts.Length]])[0].Label.ToString();
                        if (label != expectedLabels[k])
                        {
                            unexpected.Add($"round {round} thread {threadIndex}: text {k} got {label}, expected {expectedLabels[k]}");
                        }

                        Interlocked.Increment(ref results);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposedCalls);
                        break;
                    }
                    catch (Exception ex)
                    {
                        unexpected.Add($"round {round} thread {threadIndex}: {ex.GetType().Name}: {ex.Message}");
                        break;
                    }

                    if (!signalled)
                    {
                        signalled = true;
                        started.Signal();
                    }
                }

                if (!signalled)
                {
                    started.Signal();
                }
            })).ToList();
            workers.ForEach(t => t.Start());

            Assert.True(started.Wait(TimeSpan.FromSeconds(60)), "the worker threads never completed a prediction");
            classifier.Dispose();
            Assert.Throws<ObjectDisposedException>(() => classifier.Predict(texts[0]));
            foreach (var worker in workers)
            {
                Assert.True(worker.Join(TimeSpan.FromSeconds(60)), "a worker kept classifying after Dispose returned");
            }
        }

        Assert.Empty(unexpected);
        Assert.Equal(Rounds * Threads, disposedCalls);
        Assert.True(results >= Rounds * Threads, $"only {results} predictions completed");
    }

    [Fact]
    public void DisposeTwice_IsHarmless()
    {
        var classifier = SpamClassifier.Load();

        classifier.Dispose();
        classifier.Dispose();

        Assert.Throws<ObjectDisposedException>(() => classifier.PredictBatch(["hello"]));
    }
}
