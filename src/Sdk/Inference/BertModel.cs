using System.Buffers;
using System.Globalization;
using FastBert.ModelFolders;
using FastBert.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace FastBert;

/// <summary>
/// A BERT-family sequence classifier in a folder (model.onnx, vocab.txt, config.json): one shared ONNX Runtime
/// session and tokenizer, thread-safe, with dynamic padding. The typed generated classifiers sit on top of it.
/// </summary>
public sealed class BertModel : IDisposable
{
    public const string ModelFileName = ModelFolder.OnnxFile;

    private const string InputIdsName = "input_ids";
    private const string AttentionMaskName = "attention_mask";
    private const string TokenTypeIdsName = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _hasTokenTypeIds;
    private readonly int _labelCount;
    private readonly int _maxBatchSize;
    private readonly RunBufferPool _buffers;

    // Dispose must not free the native session under a running call: each call counts itself in, Dispose marks the
    // model disposed, then waits for the count to drain before releasing the session.
    private int _callsInFlight;
    private int _disposed;

    private BertModel(InferenceSession session, BertTextTokenizer tokenizer, ModelInfo info, bool hasTokenTypeIds, string outputName, int labelCount, int maxBatchSize)
    {
        _session = session;
        Tokenizer = tokenizer;
        Info = info;
        _hasTokenTypeIds = hasTokenTypeIds;
        _inputNames = hasTokenTypeIds
            ? [InputIdsName, AttentionMaskName, TokenTypeIdsName]
            : [InputIdsName, AttentionMaskName];
        _outputNames = [outputName];
        _labelCount = labelCount;
        _maxBatchSize = maxBatchSize;
        _buffers = new RunBufferPool(() => new RunBuffers(_session, _inputNames, outputName, labelCount, maxBatchSize, info.MaxTokens));
    }

    public ModelInfo Info { get; }

    public BertTextTokenizer Tokenizer { get; }

    /// <summary>Loads a model folder.</summary>
    /// <exception cref="ModelLoadException">A file is missing or corrupt, or the labels disagree with <see cref="BertModelOptions.ExpectedLabels"/>.</exception>
    public static BertModel Load(string modelDirectory, BertModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        options ??= new BertModelOptions();
        if (options.MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchSize, "MaxBatchSize must be at least 1.");
        }

        if (options.SpinMicroseconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SpinMicroseconds, "SpinMicroseconds must be 0 (never spin) or more.");
        }

        var directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, "model folder not found. Build the project that declares the <BertModel> (it copies the model to bin/…/fastbert/<name>/), or pass the folder that holds model.onnx (or onnx/model.onnx), vocab.txt (or tokenizer.json) and config.json.");
        }

        if (options.OnnxFile is { } named && ModelFolder.InvalidOnnxFileReason(named) is { } invalid)
        {
            throw new ModelLoadException(directory, $"the ONNX file {invalid}");
        }

        var modelFile = ModelFolder.FindOnnx(directory, options.OnnxFile)
            ?? throw new ModelLoadException(
                Path.Combine(directory, options.OnnxFile ?? ModelFileName),
                options.OnnxFile is null
                    ? $"the model folder has neither {ModelFolder.OnnxFile} nor {ModelFolder.OnnxLayoutFile}."
                    : $"{options.OnnxFile} is missing from the model folder.");

        // model.json (does a pre-optimised model.ort stand in for the ONNX file?) is read while ONNX Runtime's native
        // start-up runs — each takes ~25 ms in a fresh process — and config.json and the vocabulary while the session
        // builds (the longest step). Their problems still win over a session problem, as they would if read first.
        var descriptionLoad = Task.Run(() => ReadDescription(directory));
        var folderLoad = Task.Run(() => FolderFiles.Read(directory, options.Lowercase));
        _ = OrtEnv.Instance();
        ModelDescription? description;
        try
        {
            description = descriptionLoad.GetAwaiter().GetResult();
        }
        catch
        {
            _ = folderLoad.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed, not awaited
            throw;
        }

        var runtimeGraph = RuntimeGraph.UsableFor(directory, modelFile, description);
        InferenceSession? session = null;
        ModelLoadException? sessionProblem = null;
        try
        {
            session = runtimeGraph is null ? null : TryCreateRuntimeGraphSession(runtimeGraph, options);
            if (session is null)
            {
                runtimeGraph = null;
                session = CreateSession(modelFile, options);
            }
        }
        catch (ModelLoadException ex)
        {
            sessionProblem = ex;
        }

        FolderFiles files;
        try
        {
            files = folderLoad.GetAwaiter().GetResult();
        }
        catch
        {
            session?.Dispose();
            throw;
        }

        if (session is null)
        {
            throw sessionProblem!;
        }

        var (config, tokenizer) = files;
        try
        {
            var inputs = session.InputMetadata;
            foreach (var required in new[] { InputIdsName, AttentionMaskName })
            {
                if (!inputs.ContainsKey(required))
                {
                    throw new ModelLoadException(modelFile, $"the ONNX graph has no '{required}' input (it has: {string.Join(", ", inputs.Keys)}). Export the model with inputs input_ids, attention_mask[, token_type_ids].");
                }
            }

            var outputName = session.OutputMetadata.ContainsKey("logits") ? "logits" : session.OutputNames[0];
            var labelCount = OutputWidth(session.OutputMetadata[outputName]) ?? config.Id2Label?.Count
                ?? throw new ModelLoadException(modelFile, "cannot tell how many labels the model has: its output width is dynamic and config.json has no id2label.");
            var labelNames = ResolveLabelNames(directory, config, labelCount, options.ExpectedLabels);
            var problem = options.Problem ?? config.Problem;
            var thresholds = problem == ClassificationProblem.MultiLabel
                ? MultiLabelThresholds.Resolve(directory, labelNames, options.Thresholds, description)
                : [];

            var modelLimit = config.MaxPositionEmbeddings ?? 512;
            var maxTokens = options.MaxTokens ?? modelLimit;
            if (maxTokens < 2 || maxTokens > modelLimit)
            {
                throw new ModelLoadException(directory, $"a token limit of {maxTokens} is outside 2..{modelLimit} (the model's max_position_embeddings). Lower tokenizer.maxTokens in the manifest.");
            }

            var info = new ModelInfo
            {
                Directory = directory,
                ModelFile = modelFile,
                RuntimeGraphFile = runtimeGraph,
                ModelType = config.ModelType,
                LabelNames = labelNames,
                Problem = problem,
                Thresholds = thresholds,
                MaxTokens = maxTokens,
                MaxPositions = modelLimit,
                Lowercase = tokenizer.Settings.Lowercase,
                InputNames = session.InputNames.ToArray(),
                Source = description?.Source,
                Revision = description?.Revision,
                Sha256 = description?.Files.GetValueOrDefault(Path.GetRelativePath(directory, modelFile).Replace('\\', '/')),
                Quantization = description?.Quantization,
                Validation = description?.Validation,
            };
            return new BertModel(session, tokenizer, info, inputs.ContainsKey(TokenTypeIdsName), outputName, labelCount, options.MaxBatchSize);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The folder's small files, read while the session builds.</summary>
    private sealed record FolderFiles(ModelConfig Config, BertTextTokenizer Tokenizer)
    {
        public static FolderFiles Read(string directory, bool? lowercase)
        {
            var config = ModelConfig.Read(directory);
            try
            {
                return new FolderFiles(config, BertTextTokenizer.FromModelDirectory(directory, lowercase));
            }
            catch (TokenizerLoadException ex)
            {
                throw new ModelLoadException(directory, ex.Message, ex);
            }
        }
    }

    // model.json is optional (a folder from another exporter has none) but must be valid when present.
    private static ModelDescription? ReadDescription(string directory)
    {
        var path = Path.Combine(directory, ModelDescription.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return ModelDescription.Read(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelLoadException(path, ex.Message, ex);
        }
    }

    /// <summary>Classifies one text.</summary>
    public ClassificationResult Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        EnterCall();
        var buffers = _buffers.Rent();
        try
        {
            // The text is encoded straight into the input tensor's memory: one row, padded to itself.
            var tokens = Tokenizer.EncodeInto(text, buffers.InputIds.AsSpan(0, Info.MaxTokens), out var truncated);
            buffers.AttentionMask.AsSpan(0, tokens).Fill(1);
            buffers.Run(_runOptions, 1, tokens);
            return Result(buffers.Logits.AsSpan(0, _labelCount), tokens, truncated);
        }
        finally
        {
            _buffers.Return(buffers);
            LeaveCall();
        }
    }

    /// <summary>
    /// Explains the prediction for one text by occlusion: each word's and word piece's contribution to the predicted
    /// label's probability (see <see cref="TextExplanation"/>). The variants run batched; deterministic for a model.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is multi-label.</exception>
    public TextExplanation Explain(string text) => OcclusionExplainer.Explain(this, text);

    /// <summary>
    /// Classifies a sentence pair (premise and hypothesis, query and passage…), encoded as [CLS] text [SEP] textPair
    /// [SEP] with token types 0 then 1 and truncated <c>longest_first</c> to the token limit, as Hugging Face does.
    /// An empty <paramref name="textPair"/> classifies <paramref name="text"/> alone (HF's <c>text_pair=""</c>).
    /// </summary>
    public ClassificationResult Classify(string text, string textPair)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        return ClassifyBatch([text], [textPair])[0];
    }

    /// <summary>
    /// Classifies many texts. Texts are sorted by token count and cut into batches of at most MaxBatchSize whose
    /// padding stays small, each padded only to its own longest member; results come back in input order.
    /// </summary>
    public IReadOnlyList<ClassificationResult> ClassifyBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var count = texts.Count;
        var encoded = new int[count][];
        var truncated = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            encoded[i] = Tokenizer.Encode(text, Info.MaxTokens, out truncated[i]);
        }

        return ClassifyEncoded(encoded, firstSegments: null, truncated);
    }

    /// <summary>
    /// Classifies many texts, each alone or as a sentence pair with <c>textPairs[i]</c> (see
    /// <see cref="Classify(string, string)"/>); a null <c>textPairs[i]</c> classifies <c>texts[i]</c> alone. Batched
    /// as <see cref="ClassifyBatch(IReadOnlyList{string})"/>; results come back in input order.
    /// </summary>
    public IReadOnlyList<ClassificationResult> ClassifyBatch(IReadOnlyList<string> texts, IReadOnlyList<string?> textPairs)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(textPairs);
        if (textPairs.Count != texts.Count)
        {
            throw new ArgumentException($"textPairs has {textPairs.Count} entries for {texts.Count} texts; give one per text (null for a text alone).", nameof(textPairs));
        }

        var count = texts.Count;
        var encoded = new int[count][];
        var firstSegments = new int[count];
        var truncated = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            if (textPairs[i] is { } textPair)
            {
                var pair = Tokenizer.EncodePair(text, textPair, Info.MaxTokens);
                encoded[i] = pair.InputIds;
                truncated[i] = pair.Truncated;
                firstSegments[i] = FirstSegmentLength(pair.TokenTypeIds);
            }
            else
            {
                encoded[i] = Tokenizer.Encode(text, Info.MaxTokens, out truncated[i]);
                firstSegments[i] = encoded[i].Length;
            }
        }

        return ClassifyEncoded(encoded, firstSegments, truncated);
    }

    private static int FirstSegmentLength(int[] tokenTypeIds)
    {
        var second = Array.IndexOf(tokenTypeIds, 1);
        return second < 0 ? tokenTypeIds.Length : second;
    }

    private ClassificationResult[] ClassifyEncoded(int[][] encoded, int[]? firstSegments, bool[] truncated)
    {
        var count = encoded.Length;
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => encoded[a].Length != encoded[b].Length ? encoded[a].Length.CompareTo(encoded[b].Length) : a.CompareTo(b));

        var results = new ClassificationResult[count];
        var start = 0;
        while (start < count)
        {
            var size = NextBatchSize(encoded, order, start);
            var slice = new ArraySegment<int>(order, start, size);
            var batchIds = new int[size][];
            var batchSegments = firstSegments is null ? null : new int[size];
            var batchTruncated = new bool[size];
            for (var j = 0; j < size; j++)
            {
                batchIds[j] = encoded[slice[j]];
                batchTruncated[j] = truncated[slice[j]];
                if (batchSegments is not null)
                {
                    batchSegments[j] = firstSegments![slice[j]];
                }
            }

            RunBatch(batchIds, batchSegments, batchTruncated, slice, results);
            start += size;
        }

        return results;
    }

    // Texts are sorted by length, so each added text sets the batch's padded width. A batch grows while padding stays
    // under a quarter of the real tokens: on a few cores a padded token costs as much as a real one, and small
    // well-filled batches beat one large ragged batch.
    private int NextBatchSize(int[][] encoded, int[] order, int start)
    {
        const double MaxPaddingShare = 0.25;
        long realTokens = encoded[order[start]].Length;
        var size = 1;
        while (start + size < order.Length && size < _maxBatchSize)
        {
            var width = encoded[order[start + size]].Length;
            var padded = (long)(size + 1) * width;
            if (padded > (realTokens + width) * (1 + MaxPaddingShare))
            {
                break;
            }

            realTokens += width;
            size++;
        }

        return size;
    }

    /// <summary>Runs the ONNX graph on already tokenized rows and returns the raw logits [rows, labels].</summary>
    public float[] ComputeLogits(IReadOnlyList<int[]> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        var logits = new float[tokenIds.Count * _labelCount];
        RunModel(tokenIds, null, logits);
        return logits;
    }

    /// <summary>
    /// Runs the ONNX graph on already tokenized sentence pairs (<see cref="BertTextTokenizer.EncodePair"/>) and returns
    /// the raw logits [rows, labels]. Each row's token types are 0 up to its first index of type 1, then 1; a model
    /// without a token_type_ids input (DistilBERT) ignores them.
    /// </summary>
    public float[] ComputeLogits(IReadOnlyList<EncodedPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var logits = new float[pairs.Count * _labelCount];
        RunModel(pairs.Select(p => p.InputIds).ToArray(), pairs.Select(p => FirstSegmentLength(p.TokenTypeIds)).ToArray(), logits);
        return logits;
    }

    /// <summary>
    /// Releases the ONNX Runtime session. Safe while other threads classify: calls already running finish first
    /// (Dispose waits for them), calls that start afterwards throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var wait = new SpinWait();
        while (Volatile.Read(ref _callsInFlight) != 0)
        {
            wait.SpinOnce(sleep1Threshold: 20);
        }

        _buffers.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    // Interlocked operations are full fences, so either this call sees the disposed flag or Dispose sees the call
    // counted in and waits for it.
    private void EnterCall()
    {
        Interlocked.Increment(ref _callsInFlight);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _callsInFlight);
            throw new ObjectDisposedException(nameof(BertModel), "This model was disposed; load it again to classify.");
        }
    }

    private void LeaveCall() => Interlocked.Decrement(ref _callsInFlight);

    private void RunBatch(IReadOnlyList<int[]> ids, int[]? firstSegments, bool[] truncated, IReadOnlyList<int> resultSlots, ClassificationResult[] results)
    {
        var logits = ArrayPool<float>.Shared.Rent(ids.Count * _labelCount);
        try
        {
            RunModel(ids, firstSegments, logits.AsSpan(0, ids.Count * _labelCount));
            for (var row = 0; row < ids.Count; row++)
            {
                results[resultSlots[row]] = Result(logits.AsSpan(row * _labelCount, _labelCount), ids[row].Length, truncated[row]);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
        }
    }

    private ClassificationResult Result(ReadOnlySpan<float> logits, int tokenCount, bool truncated)
    {
        var rowLogits = logits.ToArray();
        var probabilities = Info.Problem == ClassificationProblem.MultiLabel ? Softmax.Sigmoid(rowLogits) : Softmax.Compute(rowLogits);
        return new ClassificationResult(Softmax.ArgMax(rowLogits), probabilities, rowLogits, tokenCount, truncated);
    }

    // Pads to the longest row in pooled, pre-bound buffers and writes logits into the caller's span. A row's ids from
    // firstSegments[row] on are token type 1 (a pair's second text); null = every id is type 0.
    private void RunModel(IReadOnlyList<int[]> rows, IReadOnlyList<int>? firstSegments, Span<float> logits)
    {
        EnterCall();
        try
        {
            RunSession(rows, firstSegments, logits);
        }
        finally
        {
            LeaveCall();
        }
    }

    private void RunSession(IReadOnlyList<int[]> rows, IReadOnlyList<int>? firstSegments, Span<float> logits)
    {
        var batch = rows.Count;
        var sequence = 0;
        foreach (var row in rows)
        {
            sequence = Math.Max(sequence, row.Length);
        }

        // Rows beyond the pooled buffers' size (ComputeLogits accepts any) get buffers of their own for this call.
        var pooled = batch <= _maxBatchSize && sequence <= Info.MaxTokens;
        var buffers = pooled ? _buffers.Rent() : new RunBuffers(_session, _inputNames, _outputNames[0], _labelCount, batch, sequence);
        try
        {
            var padId = Tokenizer.PadId;
            for (var r = 0; r < batch; r++)
            {
                var row = rows[r];
                var ids = buffers.InputIds.AsSpan(r * sequence, sequence);
                var mask = buffers.AttentionMask.AsSpan(r * sequence, sequence);
                for (var t = 0; t < row.Length; t++)
                {
                    ids[t] = row[t];
                }

                ids[row.Length..].Fill(padId);
                mask[..row.Length].Fill(1);
                mask[row.Length..].Clear();
            }

            var typed = _hasTokenTypeIds && firstSegments is not null && WriteSecondSegments(rows, firstSegments, buffers.TokenTypeIds, sequence);
            try
            {
                buffers.Run(_runOptions, batch, sequence);
            }
            finally
            {
                if (typed)
                {
                    // Single texts rely on the token type buffer being all zeros.
                    buffers.TokenTypeIds.AsSpan(0, batch * sequence).Clear();
                }
            }

            buffers.Logits.AsSpan(0, batch * _labelCount).CopyTo(logits);
        }
        finally
        {
            if (pooled)
            {
                _buffers.Return(buffers);
            }
            else
            {
                buffers.Dispose();
            }
        }
    }

    /// <summary>Marks each row's second segment as token type 1; false when no row has one (nothing written).</summary>
    private static bool WriteSecondSegments(IReadOnlyList<int[]> rows, IReadOnlyList<int> firstSegments, long[] tokenTypeIds, int sequence)
    {
        var written = false;
        for (var r = 0; r < rows.Count; r++)
        {
            var start = firstSegments[r];
            if (start < rows[r].Length)
            {
                tokenTypeIds.AsSpan(r * sequence + start, rows[r].Length - start).Fill(1);
                written = true;
            }
        }

        return written;
    }

    private static InferenceSession CreateSession(string modelFile, BertModelOptions options)
    {
        using var sessionOptions = SessionOptionsFor(options);
        try
        {
            return new InferenceSession(modelFile, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(modelFile, $"ONNX Runtime cannot load this file; it is corrupt or not an ONNX model ({ex.Message}). Re-export or re-copy model.onnx.", ex);
        }
    }

    // model.ort is an optimisation only: whatever is wrong with it, the ONNX file it stands in for still loads.
    private static InferenceSession? TryCreateRuntimeGraphSession(string runtimeGraphFile, BertModelOptions options)
    {
        using var sessionOptions = SessionOptionsFor(options);
        RuntimeGraph.ConfigureLoad(sessionOptions);
        try
        {
            return new InferenceSession(runtimeGraphFile, sessionOptions);
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
    }

    private static SessionOptions SessionOptionsFor(BertModelOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads ?? Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning || options.SpinMicroseconds > 0 ? "1" : "0");
        if (!options.AllowSpinning && options.SpinMicroseconds > 0)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.spin_duration_us", options.SpinMicroseconds.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in options.SessionConfigEntries ?? new Dictionary<string, string>())
        {
            sessionOptions.AddSessionConfigEntry(key, value);
        }

        return sessionOptions;
    }

    private static int? OutputWidth(NodeMetadata output)
    {
        var dims = output.Dimensions;
        return dims.Length == 2 && dims[1] > 0 ? dims[1] : null;
    }

    private static string[] ResolveLabelNames(string directory, ModelConfig config, int labelCount, IReadOnlyList<string>? expected)
    {
        var configLabels = config.Id2Label;
        if (LabelAgreement.ModelProblem(configLabels, labelCount) is { } modelProblem)
        {
            throw new ModelLoadException(Path.Combine(directory, ModelConfig.FileName), modelProblem);
        }

        if (expected is null)
        {
            return configLabels?.ToArray() ?? Enumerable.Range(0, labelCount).Select(i => $"LABEL_{i}").ToArray();
        }

        if (LabelAgreement.Problem(expected, configLabels, labelCount) is { } problem)
        {
            throw new ModelLoadException(directory, problem);
        }

        return expected.ToArray();
    }
}
