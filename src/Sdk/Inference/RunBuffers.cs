using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace FastBert;

/// <summary>
/// One call's input and output memory, reused across calls: pinned int64 buffers for input_ids, attention_mask
/// and token_type_ids (all zeros, never written) of MaxBatchSize × MaxTokens cells, a logits buffer, and for each
/// [batch, sequence] shape met so far an <see cref="OrtIoBinding"/> over the first batch × sequence cells, so a
/// steady-state call creates no OrtValue, binding or name marshalling.
/// </summary>
internal sealed class RunBuffers : IDisposable
{
    // Bindings are small native objects; a batch workload meets at most MaxBatchSize × MaxTokens shapes, and the
    // cache is simply dropped when it grows past this.
    private const int MaxCachedShapes = 1024;

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private readonly int _labelCount;
    private readonly Dictionary<(int Batch, int Sequence), Bound> _bindings = new();

    public RunBuffers(InferenceSession session, string[] inputNames, string outputName, int labelCount, int rows, int columns)
    {
        _session = session;
        _inputNames = inputNames;
        _outputName = outputName;
        _labelCount = labelCount;
        Rows = rows;
        Columns = columns;
        InputIds = GC.AllocateArray<long>(rows * columns, pinned: true);
        AttentionMask = GC.AllocateArray<long>(rows * columns, pinned: true);
        TokenTypeIds = inputNames.Length > 2 ? GC.AllocateArray<long>(rows * columns, pinned: true) : [];
        Logits = GC.AllocateArray<float>(rows * labelCount, pinned: true);
    }

    /// <summary>Most rows a call can take.</summary>
    public int Rows { get; }

    /// <summary>Most tokens per row.</summary>
    public int Columns { get; }

    public long[] InputIds { get; }

    public long[] AttentionMask { get; }

    public long[] TokenTypeIds { get; }

    public float[] Logits { get; }

    /// <summary>Runs the graph on the first <paramref name="batch"/> × <paramref name="sequence"/> cells, written row-major; logits land in <see cref="Logits"/>.</summary>
    public void Run(RunOptions runOptions, int batch, int sequence)
    {
        if (!_bindings.TryGetValue((batch, sequence), out var bound))
        {
            if (_bindings.Count >= MaxCachedShapes)
            {
                ClearBindings();
            }

            bound = Bind(batch, sequence);
            _bindings.Add((batch, sequence), bound);
        }

        _session.RunWithBinding(runOptions, bound.Binding);
    }

    public void Dispose() => ClearBindings();

    private Bound Bind(int batch, int sequence)
    {
        var cells = batch * sequence;
        long[] shape = [batch, sequence];
        var values = new List<OrtValue>(4)
        {
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, InputIds.AsMemory(0, cells), shape),
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, AttentionMask.AsMemory(0, cells), shape),
        };
        if (TokenTypeIds.Length > 0)
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, TokenTypeIds.AsMemory(0, cells), shape));
        }

        values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Logits.AsMemory(0, batch * _labelCount), [batch, (long)_labelCount]));
        var binding = _session.CreateIoBinding();
        for (var i = 0; i < _inputNames.Length; i++)
        {
            binding.BindInput(_inputNames[i], values[i]);
        }

        binding.BindOutput(_outputName, values[^1]);
        return new Bound(binding, values);
    }

    private void ClearBindings()
    {
        foreach (var bound in _bindings.Values)
        {
            bound.Binding.Dispose();
            foreach (var value in bound.Values)
            {
                value.Dispose();
            }
        }

        _bindings.Clear();
    }

    private sealed record Bound(OrtIoBinding Binding, List<OrtValue> Values);
}

/// <summary>Hands out <see cref="RunBuffers"/>, one per concurrent call; they are kept for reuse until disposed.</summary>
internal sealed class RunBufferPool(Func<RunBuffers> create) : IDisposable
{
    private readonly ConcurrentBag<RunBuffers> _free = new();

    public RunBuffers Rent() => _free.TryTake(out var buffers) ? buffers : create();

    public void Return(RunBuffers buffers) => _free.Add(buffers);

    /// <summary>Only once no call holds buffers (the model drains its calls first).</summary>
    public void Dispose()
    {
        while (_free.TryTake(out var buffers))
        {
            buffers.Dispose();
        }
    }
}
