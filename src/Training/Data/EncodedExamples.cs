using FastBert.Models.Data;
using FastBert.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace FastBert.Training.Data;

/// <summary>One padded batch as tensors; dispose after the step.</summary>
internal sealed record TensorBatch(Tensor InputIds, Tensor AttentionMask, Tensor? TokenTypeIds, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds?.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Examples tokenized once ([CLS] … [SEP], or [CLS] a [SEP] b [SEP] with token types 0 / 1 for a sentence pair,
/// truncated to the run's max tokens as the runtime truncates) and cut into padded batches. Training
/// batches group similar lengths (shuffle, sort within windows of 50 batches, shuffle the batches) so little compute
/// goes to padding while every epoch still sees a fresh, seeded order.
/// </summary>
internal sealed class EncodedExamples
{
    private const int SortWindowBatches = 50;
    private readonly int[][] _ids;
    // A sentence pair's token type ids; null for a single text (all 0).
    private readonly int[]?[] _types;
    private readonly int[] _labels;
    private readonly int _padId;
    private readonly bool _tokenTypes;
    private readonly int[][]? _labelSets;
    private readonly int _labelCount;

    /// <param name="multiLabelCount">Multi-label training: the number of labels; batches then carry multi-hot float targets [rows, labels].</param>
    public EncodedExamples(IReadOnlyList<LabelledExample> examples, BertTextTokenizer tokenizer, int maxTokens, bool tokenTypes, int? multiLabelCount = null)
    {
        if (multiLabelCount is { } count)
        {
            _labelSets = examples.Select(e => e.LabelSet.ToArray()).ToArray();
            _labelCount = count;
        }

        _ids = new int[examples.Count][];
        _types = new int[examples.Count][];
        for (var i = 0; i < examples.Count; i++)
        {
            if (examples[i].TextPair is { } textPair)
            {
                var pair = tokenizer.EncodePair(examples[i].Text, textPair, maxTokens);
                (_ids[i], _types[i]) = (pair.InputIds, pair.TokenTypeIds);
            }
            else
            {
                _ids[i] = tokenizer.Encode(examples[i].Text, maxTokens);
            }
        }

        _labels = examples.Select(e => e.Label).ToArray();
        _padId = tokenizer.PadId;
        _tokenTypes = tokenTypes;
    }

    public int Count => _ids.Length;

    public IReadOnlyList<int> Labels => _labels;

    /// <summary>Multi-label: every example's label set; null for single-label examples.</summary>
    public IReadOnlyList<IReadOnlyList<int>>? LabelSets => _labelSets;

    public int BatchCount(int batchSize) => (Count + batchSize - 1) / batchSize;

    /// <summary>An epoch's batches of row indices, from the caller's seeded random source.</summary>
    public List<int[]> TrainingOrder(int batchSize, Random random)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        random.Shuffle(order);
        var window = batchSize * SortWindowBatches;
        var batches = new List<int[]>();
        for (var start = 0; start < order.Length; start += window)
        {
            var chunk = order.Skip(start).Take(window).OrderBy(i => _ids[i].Length).ToArray();
            batches.AddRange(chunk.Chunk(batchSize));
        }

        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled.ToList();
    }

    /// <summary>Batches in order of length, for evaluation (results are put back in row order by the caller).</summary>
    public List<int[]> EvaluationOrder(int batchSize) =>
        Enumerable.Range(0, Count).OrderBy(i => _ids[i].Length).Chunk(batchSize).ToList();

    public TensorBatch Build(int[] rows)
    {
        var length = rows.Max(r => _ids[r].Length);
        var ids = new long[rows.Length * length];
        var mask = new long[rows.Length * length];
        var types = new long[rows.Length * length];
        Array.Fill(ids, _padId);
        for (var b = 0; b < rows.Length; b++)
        {
            var tokens = _ids[rows[b]];
            var tokenTypes = _types[rows[b]];
            for (var t = 0; t < tokens.Length; t++)
            {
                ids[(b * length) + t] = tokens[t];
                mask[(b * length) + t] = 1;
                types[(b * length) + t] = tokenTypes?[t] ?? 0;
            }
        }

        long[] shape = [rows.Length, length];
        return new TensorBatch(
            torch.tensor(ids, shape),
            torch.tensor(mask, shape),
            _tokenTypes ? torch.tensor(types, shape) : null,
            _labelSets is null ? torch.tensor(rows.Select(r => (long)_labels[r]).ToArray()) : MultiHot(rows));
    }

    private Tensor MultiHot(int[] rows)
    {
        var targets = new float[rows.Length * _labelCount];
        for (var b = 0; b < rows.Length; b++)
        {
            foreach (var label in _labelSets![rows[b]])
            {
                targets[(b * _labelCount) + label] = 1f;
            }
        }

        return torch.tensor(targets, [rows.Length, _labelCount]);
    }
}
