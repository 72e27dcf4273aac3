using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Export;
using FastBert.Models.Metrics;
using FastBert.Models.Onnx;
using FastBert.Models.Reports;
using Google.Protobuf;

namespace FastBert.Models.Quantization;

/// <summary>
/// Dynamic int8 quantization written straight from checkpoint weights, guarded by accuracy on labelled examples.
/// </summary>
/// <remarks>
/// <para>
/// The float32 reference is the Standard-form export of the same checkpoint. The first layout quantizes every
/// encoder linear layer and the word embeddings. When it loses more accuracy than allowed, or agrees with fp32 on
/// too few argmaxes, each linear layer's sensitivity is measured by quantizing it alone (word embeddings int8,
/// other linears fp32) and taking the mean KL divergence of its class probabilities from fp32's on the examples.
/// One-at-a-time isolates each layer's own error (at 8 bits the errors of different layers add up roughly
/// independently), costs one evaluation per layer like leave-one-out does, and KL is a continuous signal where
/// accuracy or argmax agreement on a few hundred examples mostly ties at zero.
/// </para>
/// <para>
/// Next comes the widest layout, every linear fp32 with only the word embeddings int8. When even that fails, no
/// int8 layout passes and nothing is written: an fp32 model is not an int8 model, so the unquantized layout is
/// recorded as a final attempt only to tell an unreachable budget from a quantization that cannot meet it.
/// Otherwise the most sensitive layers are kept fp32 in growing numbers k = 1, 2, 4, …, then bisecting back to
/// the smallest k that passes (accuracy is assumed to grow with k): the fewest fp32 layers, the smallest model.
/// </para>
/// </remarks>
public static class Int8Quantizer
{
    /// <summary>Quantization name recorded in model.json and reports.</summary>
    public const string QuantizationName = "int8";

    /// <summary>How quantized linears are written by default: standard ONNX ops (measured as fast as the contrib op; see <see cref="QuantizedMatMulKind"/>).</summary>
    public const QuantizedMatMulKind DefaultMatMul = QuantizationPlan.DefaultMatMul;

    private const double Tolerance = 1e-12;

    public static QuantizeResult Quantize(QuantizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var stopwatch = Stopwatch.StartNew();
        var checkpointDirectory = ResolveCheckpoint(request.Source);
        using var output = OutputFolder.Begin(request.OutputDirectory, OutputKind.Model, [request.Source, checkpointDirectory], request.Force);
        var result = QuantizeInto(request, checkpointDirectory, output.Directory, output.ScratchDirectory);
        if (result.Accepted)
        {
            RuntimeGraph.Write(output.Directory, request.Progress);
            HubLayout.AddTo(output.Directory, ModelFolder.QuantizedOnnxLayoutFile);
            result = result with { Model = ModelDescription.Read(Path.Combine(output.Directory, ModelDescription.FileName)) };
            request.Progress?.Report($"Writing {output.Target}");
            output.Commit();
        }

        return result with { OutputDirectory = result.Accepted ? output.Target : null, Elapsed = stopwatch.Elapsed };
    }

    /// <summary>
    /// Quantizes into <paramref name="folder"/> (empty, created by the caller, who owns its placement), evaluating
    /// the candidate layouts under <paramref name="scratch"/>. When the result is not accepted the folder stays empty.
    /// </summary>
    internal static QuantizeResult QuantizeInto(QuantizeRequest request, string checkpointDirectory, string folder, string scratch)
    {
        Validate(request);
        var config = TransformerConfig.Load(Path.Combine(checkpointDirectory, ModelFolder.ConfigFile));
        CheckpointTokenizer.Verify(checkpointDirectory, config);

        var multiLabel = config.Problem == ClassificationProblem.MultiLabel;
        if (request.Examples is not null && multiLabel)
        {
            throw new ArgumentException($"{config.SourcePath} says problem_type {ClassificationProblems.MultiLabelConfigName}: pass the examples' label sets as MultiLabelExamples, not Examples.", nameof(request));
        }

        if (request.MultiLabelExamples is not null && !multiLabel)
        {
            throw new ArgumentException($"{config.SourcePath} is a single-label model: pass Examples, not MultiLabelExamples.", nameof(request));
        }

        if (request.Examples is { } examples)
        {
            for (var i = 0; i < examples.Count; i++)
            {
                if (examples[i].Label < 0 || examples[i].Label >= config.NumLabels)
                {
                    throw new ArgumentException($"Examples[{i}] has label {examples[i].Label}, outside 0..{config.NumLabels - 1} (the model's {config.NumLabels} labels).", nameof(request));
                }
            }
        }

        if (request.MultiLabelExamples is { } sets)
        {
            for (var i = 0; i < sets.Count; i++)
            {
                if (sets[i].Labels.Any(l => l < 0 || l >= config.NumLabels))
                {
                    throw new ArgumentException($"MultiLabelExamples[{i}] has a label index outside 0..{config.NumLabels - 1} (the model's {config.NumLabels} labels).", nameof(request));
                }
            }
        }

        if (request.Thresholds is { } given && (given.Count != config.NumLabels || given.Any(t => !(t is >= 0 and <= 1))))
        {
            throw new ArgumentException($"Thresholds: {given.Count} values for the model's {config.NumLabels} labels; give one probability in [0, 1] per label.", nameof(request));
        }

        var work = Path.Combine(scratch, $"quantize-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            using var checkpoint = CheckpointLoader.Open(checkpointDirectory);
            ExpectedTensorShapes.Verify(config, checkpoint);
            var session = new Session(request, config, checkpoint, checkpointDirectory, work);
            var result = session.Run();
            if (result.Accepted)
            {
                foreach (var file in Directory.GetFiles(session.AcceptedFolder!))
                {
                    File.Move(file, Path.Combine(folder, Path.GetFileName(file)));
                }
            }

            return result;
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>
    /// The checkpoint folder behind <paramref name="source"/>: the folder itself when it holds config.json and
    /// weights, else the SourceDirectory recorded in its model.json.
    /// </summary>
    public static string ResolveCheckpoint(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        var full = Path.GetFullPath(source);
        if (!Directory.Exists(full))
        {
            throw new QuantizationException($"{full}: folder not found. Pass a checkpoint folder (config.json + model.safetensors or pytorch_model.bin) or a folder written by fastbert export.");
        }

        if (ModelFolder.Inspect(full).HasFlag(ModelFolderContents.Checkpoint))
        {
            return full;
        }

        var descriptionPath = Path.Combine(full, ModelDescription.FileName);
        if (!File.Exists(descriptionPath))
        {
            throw new QuantizationException($"{full}: neither a checkpoint folder (config.json + {string.Join(" or ", ModelFolder.WeightFiles)}) nor an exported model folder (model.json). Quantization needs the checkpoint's float32 weights.");
        }

        ModelDescription description;
        try
        {
            description = ModelDescription.Read(descriptionPath);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new QuantizationException($"{descriptionPath}: unreadable model.json ({ex.Message}).", ex);
        }

        if (string.IsNullOrEmpty(description.SourceDirectory))
        {
            throw new QuantizationException($"{descriptionPath} does not record the checkpoint folder it was exported from (sourceDirectory). Pass the checkpoint folder itself, or re-export it with this version of fastbert.");
        }

        var checkpoint = Path.GetFullPath(description.SourceDirectory);
        if (!ModelFolder.Inspect(checkpoint).HasFlag(ModelFolderContents.Checkpoint))
        {
            throw new QuantizationException($"{full} was exported from {checkpoint}, which no longer holds a checkpoint ({string.Join(" or ", ModelFolder.WeightFiles)}). Quantization reads the checkpoint's float32 weights: pass the checkpoint folder.");
        }

        return checkpoint;
    }

    /// <summary>The ONNX bytes of a checkpoint in the Standard form, int8 per <paramref name="plan"/> (null: float32).</summary>
    public static byte[] BuildOnnx(TransformerConfig config, ICheckpoint checkpoint, QuantizationPlan? plan) =>
        BuildOnnx(config, name => OnnxExporter.ReadWeight(checkpoint, name), plan);

    internal static byte[] BuildOnnx(TransformerConfig config, Func<string, WeightTensor> weights, QuantizationPlan? plan)
    {
        var writer = new TransformerGraphWriter(OnnxExporter.ToSpec(config), weights, OnnxGraphForm.Standard, plan);
        var metadata = new Dictionary<string, string>
        {
            ["fastbert.model_type"] = config.ModelType.ToString().ToLowerInvariant(),
            ["fastbert.labels"] = JsonSerializer.Serialize(config.Id2Label),
            ["fastbert.graph_form"] = OnnxGraphForm.Standard.ToString().ToLowerInvariant(),
        };
        if (plan is not null)
        {
            metadata["fastbert.quantization"] = QuantizationName;
            metadata["fastbert.kept_fp32"] = JsonSerializer.Serialize(plan.KeepFp32.Order(StringComparer.Ordinal).ToList());
        }

        return writer.Write(typeof(Int8Quantizer).Assembly.GetName().Version?.ToString() ?? "0.0.0", metadata).ToByteArray();
    }

    private static void Validate(QuantizeRequest request)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.Source, nameof(request.Source));
        ArgumentException.ThrowIfNullOrEmpty(request.OutputDirectory, nameof(request.OutputDirectory));
        if (double.IsNaN(request.MaxAccuracyDrop) || double.IsNaN(request.MinArgmaxAgreement))
        {
            throw new ArgumentException("MaxAccuracyDrop and MinArgmaxAgreement must be numbers.", nameof(request));
        }

        if (request.Examples is { Count: 0 } || request.MultiLabelExamples is { Count: 0 })
        {
            throw new ArgumentException("Examples is empty: pass labelled examples, or null to write the int8 model without an accuracy check.", nameof(request));
        }

        if (request.Examples is not null && request.MultiLabelExamples is not null)
        {
            throw new ArgumentException("Pass Examples (single-label model) or MultiLabelExamples (multi-label model), not both.", nameof(request));
        }
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>
    /// How one model did on the examples, against the labels and the fp32 reference. <see cref="Score"/> is accuracy
    /// (multi-label: micro F1), <see cref="Agreement"/> the share of argmaxes (multi-label: of (example, label)
    /// decisions) equal to fp32's.
    /// </summary>
    private sealed record Outcome(double Score, double Agreement, double MeanKl, int[] Predictions, bool[][] Decisions, float[][] Probabilities, MultiLabelMetrics? MultiLabel);

    /// <summary>One quantize run: weights cached once, one folder per evaluated layout under the work folder.</summary>
    private sealed class Session
    {
        private readonly QuantizeRequest _request;
        private readonly TransformerConfig _config;
        private readonly string _checkpointDirectory;
        private readonly string _weightsFile;
        private readonly string _work;
        private readonly Dictionary<string, WeightTensor> _weights = new(StringComparer.Ordinal);
        private readonly Func<string, WeightTensor> _read;
        private readonly IReadOnlyList<string> _linears;
        private readonly List<QuantizationAttempt> _attempts = [];
        private readonly List<string> _texts;
        private readonly IReadOnlyList<string?>? _textPairs;
        private readonly List<int> _labels;
        private readonly List<IReadOnlyList<int>> _labelSets;
        private readonly bool _multiLabel;
        private readonly float[] _thresholds;
        private readonly bool _recordThresholds;
        private Outcome? _reference;
        private int _folders;

        public Session(QuantizeRequest request, TransformerConfig config, ICheckpoint checkpoint, string checkpointDirectory, string work)
        {
            _request = request;
            _config = config;
            _checkpointDirectory = checkpointDirectory;
            _weightsFile = Path.GetFileName(checkpoint.Path);
            _work = work;
            _read = name =>
            {
                if (!_weights.TryGetValue(name, out var tensor))
                {
                    tensor = OnnxExporter.ReadWeight(checkpoint, name);
                    _weights[name] = tensor;
                }

                return tensor;
            };
            _linears = QuantizationPlan.LinearLayers(config);
            _multiLabel = config.Problem == ClassificationProblem.MultiLabel;
            _texts = request.Examples?.Select(e => e.Text).ToList() ?? request.MultiLabelExamples?.Select(e => e.Text).ToList() ?? [];
            _labels = request.Examples?.Select(e => e.Label).ToList() ?? [];
            _labelSets = request.MultiLabelExamples?.Select(e => e.Labels).ToList() ?? [];
            _textPairs = request.TextPairs;
            if (_textPairs is not null && _textPairs.Count != _texts.Count)
            {
                throw new ArgumentException($"TextPairs has {_textPairs.Count} entries for {_texts.Count} examples.", nameof(request));
            }
            (_thresholds, _recordThresholds) = ResolveThresholds(request, config, checkpointDirectory);
        }

        public string? AcceptedFolder { get; private set; }

        private int Count => _texts.Count;

        private bool HasExamples => _request.Examples is not null || _request.MultiLabelExamples is not null;

        private string ScoreName => _multiLabel ? "micro F1" : "accuracy";

        private string AgreementName => _multiLabel ? "decision agreement" : "argmax agreement";

        // The request's thresholds, else those in the source's model.json (an exported folder, or the checkpoint's own), else 0.5.
        private static (float[] Thresholds, bool Record) ResolveThresholds(QuantizeRequest request, TransformerConfig config, string checkpointDirectory)
        {
            if (config.Problem != ClassificationProblem.MultiLabel)
            {
                return ([], false);
            }

            if (request.Thresholds is { } given)
            {
                return (given.ToArray(), true);
            }

            var recorded = ModelDescription.TryReadFrom(request.Source)?.Thresholds ?? ModelDescription.TryReadFrom(checkpointDirectory)?.Thresholds;
            var thresholds = config.Id2Label
                .Select(label => recorded is not null && recorded.TryGetValue(label, out var t) ? (float)t : ClassificationProblems.DefaultThreshold)
                .ToArray();
            return (thresholds, recorded is not null);
        }

        public QuantizeResult Run()
        {
            _request.Progress?.Report($"Reading {_config.ModelType} checkpoint from {_checkpointDirectory}");
            var fp32 = BuildOnnx(_config, _read, plan: null);
            var fp32Size = fp32.LongLength;
            var all = Plan([]);
            if (!HasExamples)
            {
                var folder = WriteModel("int8", all);
                var reason = $"Written without an accuracy check: no examples were given. {Layout(all)}";
                return Accept(folder, all, fp32Size, null, reason, []);
            }

            _request.Progress?.Report($"Evaluating fp32 on {Count} examples");
            var fp32Folder = WriteModel("fp32", fp32);
            fp32 = [];
            _reference = Evaluate(fp32Folder);
            Directory.Delete(fp32Folder, recursive: true);

            // 1. Everything int8.
            var (allFolder, allOutcome, allPass) = Attempt(all);
            if (allPass)
            {
                return Accept(allFolder!, all, fp32Size, allOutcome, []);
            }

            // 2. Sensitivity of each linear alone, most sensitive first.
            var sensitivity = MeasureSensitivity();
            var ranked = sensitivity.Select(s => s.Layer).ToList();

            // 3. Every linear fp32, only the word embeddings int8: if even this fails, no int8 layout will pass.
            var (widest, widestOutcome, widestPass) = Attempt(Plan(ranked));
            if (!widestPass)
            {
                return Reject(fp32Size, sensitivity);
            }

            // 4. The smallest k such that keeping the k most sensitive linears fp32 passes: k = 1, 2, 4, … below
            //    the count, then bisection between the last failing and the first passing k.
            var best = (K: ranked.Count, Folder: widest!, Outcome: widestOutcome);
            var failing = 0;
            for (var k = 1; k < best.K; k *= 2)
            {
                var (folder, outcome, pass) = Attempt(Plan(ranked.Take(k)));
                if (pass)
                {
                    Discard(best.Folder);
                    best = (k, folder!, outcome);
                    break;
                }

                failing = k;
            }

            while (best.K - failing > 1)
            {
                var mid = (failing + best.K) / 2;
                var (folder, outcome, pass) = Attempt(Plan(ranked.Take(mid)));
                if (pass)
                {
                    Discard(best.Folder);
                    best = (mid, folder!, outcome);
                }
                else
                {
                    failing = mid;
                }
            }

            return Accept(best.Folder, Plan(ranked.Take(best.K)), fp32Size, best.Outcome, sensitivity);
        }

        private QuantizationPlan Plan(IEnumerable<string> keepFp32) => new()
        {
            PerChannel = _request.PerChannel,
            ReduceRange = _request.ReduceRange,
            QuantizeWordEmbeddings = true,
            KeepFp32 = new HashSet<string>(keepFp32, StringComparer.Ordinal),
            MatMul = _request.MatMul,
        };

        private List<string> KeptList(QuantizationPlan plan) => _linears.Where(plan.KeepFp32.Contains).ToList();

        // Writes and evaluates one layout; keeps its folder only when it passes.
        private (string? Folder, Outcome Outcome, bool Pass) Attempt(QuantizationPlan plan)
        {
            var number = _attempts.Count + 1;
            var kept = KeptList(plan);
            _request.Progress?.Report($"Attempt {number}: {(kept.Count == 0 ? "all linear layers int8" : $"{kept.Count} of {_linears.Count} linear layers fp32")}");
            var folder = WriteModel($"attempt-{number}", plan);
            var outcome = Evaluate(folder);
            var drop = _reference!.Score - outcome.Score;
            var pass = drop <= _request.MaxAccuracyDrop + Tolerance && outcome.Agreement >= _request.MinArgmaxAgreement - Tolerance;
            _attempts.Add(AttemptRecord(number, kept, outcome.Score, drop, outcome.Agreement, pass));
            _request.Progress?.Report($"  {ScoreName} {F(outcome.Score)} (drop {F(drop)}), {AgreementName} {F(outcome.Agreement)}: {(pass ? "within budget" : "over budget")}");
            if (!pass)
            {
                Discard(folder);
                return (null, outcome, false);
            }

            return (folder, outcome, true);
        }

        private QuantizationAttempt AttemptRecord(int number, IReadOnlyList<string> kept, double score, double drop, double agreement, bool pass) =>
            _multiLabel
                ? new QuantizationAttempt(number, kept, null, null, null, pass) { MicroF1 = score, MicroF1Drop = drop, DecisionAgreement = agreement }
                : new QuantizationAttempt(number, kept, score, drop, agreement, pass);

        private List<LinearSensitivity> MeasureSensitivity()
        {
            _request.Progress?.Report($"Measuring the sensitivity of {_linears.Count} linear layers (one at a time)");
            var results = new List<LinearSensitivity>();
            foreach (var layer in _linears)
            {
                var folder = WriteModel($"probe-{layer.Replace('/', '_')}", Plan(_linears.Where(l => l != layer)));
                var outcome = Evaluate(folder);
                Discard(folder);
                results.Add(new LinearSensitivity(layer, outcome.MeanKl, outcome.Agreement));
            }

            // Stable: ties keep graph order.
            return results.OrderByDescending(r => r.MeanKlDivergence).ThenBy(r => r.ArgmaxAgreement).ToList();
        }

        private QuantizeResult Accept(string folder, QuantizationPlan plan, long fp32Size, Outcome outcome, IReadOnlyList<LinearSensitivity> sensitivity)
        {
            var drop = _reference!.Score - outcome.Score;
            var reason = $"int8 {ScoreName} {F(outcome.Score)} vs fp32 {F(_reference.Score)} (drop {F(drop)} ≤ {F(_request.MaxAccuracyDrop)}), {AgreementName} {F(outcome.Agreement)} ≥ {F(_request.MinArgmaxAgreement)} on {Count} examples{ThresholdNote}. {Layout(plan)}";
            return Accept(folder, plan, fp32Size, outcome, reason, sensitivity);
        }

        private string ThresholdNote => _multiLabel ? $" ({_thresholds.Length * Count} (example, label) decisions at the model's thresholds)" : string.Empty;

        private QuantizeResult Accept(string folder, QuantizationPlan plan, long fp32Size, Outcome? outcome, string reason, IReadOnlyList<LinearSensitivity> sensitivity)
        {
            var kept = KeptList(plan);
            var description = ModelDescriptions.Create(_config, folder, _weightsFile, OnnxGraphForm.Standard, _checkpointDirectory, QuantizationName) with
            {
                KeptFp32 = kept,
                Thresholds = _recordThresholds ? _config.Id2Label.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => (double)_thresholds[p.i], StringComparer.Ordinal) : null,
            };
            description.Write(Path.Combine(folder, ModelDescription.FileName));
            AcceptedFolder = folder;
            var summary = Summary(new QuantizationSummary(
                Accepted: true,
                Reason: reason,
                MaxAccuracyDrop: _request.MaxAccuracyDrop,
                AccuracyFp32: _multiLabel ? null : _reference?.Score,
                AccuracyInt8: _multiLabel ? null : outcome?.Score,
                ArgmaxAgreement: _multiLabel ? null : outcome?.Agreement,
                Fp32SizeBytes: fp32Size,
                Int8SizeBytes: new FileInfo(Path.Combine(folder, BertModel.ModelFileName)).Length,
                KeptFp32: kept,
                Attempts: _attempts.ToList()), outcome);
            return new QuantizeResult(true, null, summary, description, sensitivity, TimeSpan.Zero);
        }

        // The multi-label figures (and the budget's agreement bound, for both kinds) on top of the positional fields.
        private QuantizationSummary Summary(QuantizationSummary summary, Outcome? int8) =>
            _multiLabel
                ? summary with
                {
                    Problem = ClassificationProblem.MultiLabel.Name(),
                    MinAgreement = HasExamples ? _request.MinArgmaxAgreement : null,
                    MicroF1Fp32 = _reference?.Score,
                    MicroF1Int8 = int8?.Score,
                    DecisionAgreement = int8?.Agreement,
                    Thresholds = _thresholds,
                }
                : summary with { MinAgreement = HasExamples ? _request.MinArgmaxAgreement : null };

        private QuantizeResult Reject(long fp32Size, IReadOnlyList<LinearSensitivity> sensitivity)
        {
            // The unquantized layout: the fp32 reference itself, so its figures need no evaluation.
            var fp32Score = _reference!.Score;
            var fp32Passes = 0 <= _request.MaxAccuracyDrop + Tolerance && 1 >= _request.MinArgmaxAgreement - Tolerance;
            _attempts.Add(AttemptRecord(_attempts.Count + 1, [.. _linears, QuantizationPlan.WordEmbeddings], fp32Score, 0, 1, fp32Passes));

            var first = _attempts[0];
            var embeddingsOnly = _attempts[^2]; // every linear fp32, only the word embeddings int8
            var budget = $"max {ScoreName} drop {F(_request.MaxAccuracyDrop)}, min {AgreementName} {F(_request.MinArgmaxAgreement)}";
            var why = fp32Passes
                ? "only the unquantized model meets it, and that is not an int8 model"
                : "not even the unquantized fp32 model meets it (drop 0, agreement 1): the budget is unreachable";
            var reason = $"No int8 layout met the budget ({budget}) on {Count} examples{ThresholdNote} (fp32 {ScoreName} {F(fp32Score)}). "
                + $"All linear layers int8: {ScoreName} drop {F(Drop(first))}, {AgreementName} {F(Agreement(first))}; "
                + $"every linear layer fp32 with only the word embeddings int8: drop {F(Drop(embeddingsOnly))}, agreement {F(Agreement(embeddingsOnly))}; "
                + $"{why}. Nothing was written.";
            var summary = Summary(new QuantizationSummary(
                Accepted: false,
                Reason: reason,
                MaxAccuracyDrop: _request.MaxAccuracyDrop,
                AccuracyFp32: _multiLabel ? null : fp32Score,
                AccuracyInt8: null,
                ArgmaxAgreement: null,
                Fp32SizeBytes: fp32Size,
                Int8SizeBytes: null,
                KeptFp32: [],
                Attempts: _attempts.ToList()), int8: null);
            return new QuantizeResult(false, null, summary, null, sensitivity, TimeSpan.Zero);
        }

        private static double Drop(QuantizationAttempt attempt) => attempt.AccuracyDrop ?? attempt.MicroF1Drop ?? 0;

        private static double Agreement(QuantizationAttempt attempt) => attempt.ArgmaxAgreement ?? attempt.DecisionAgreement ?? 0;

        private string Layout(QuantizationPlan plan)
        {
            var kept = KeptList(plan);
            return kept.Count == 0
                ? $"All {_linears.Count} linear layers and the word embeddings are int8."
                : $"{_linears.Count - kept.Count} of {_linears.Count} linear layers and the word embeddings are int8; the most sensitive kept fp32: {string.Join(", ", kept)}.";
        }

        private string WriteModel(string name, QuantizationPlan plan) => WriteModel(name, BuildOnnx(_config, _read, plan));

        private string WriteModel(string name, byte[] onnx)
        {
            var folder = Path.Combine(_work, $"{++_folders:D3}-{name}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, BertModel.ModelFileName), onnx);
            foreach (var file in ModelFolder.CarriedFiles)
            {
                var from = Path.Combine(_checkpointDirectory, file);
                if (File.Exists(from))
                {
                    OutputFiles.CopyWritable(from, Path.Combine(folder, file));
                }
            }

            return folder;
        }

        private Outcome Evaluate(string folder) => _multiLabel ? EvaluateMultiLabel(folder) : EvaluateSingleLabel(folder);

        private Outcome EvaluateSingleLabel(string folder)
        {
            var evaluation = ModelEvaluator.Evaluate(folder, _request.Run, _texts, _labels, _request.IntraOpThreads, _textPairs);
            var predictions = evaluation.Predictions.ToArray();
            var probabilities = evaluation.Probabilities.ToArray();
            if (_reference is not { } reference)
            {
                return new Outcome(evaluation.Accuracy, 1, 0, predictions, [], probabilities, null);
            }

            int agreeing = 0;
            var kl = 0.0;
            for (var i = 0; i < predictions.Length; i++)
            {
                agreeing += predictions[i] == reference.Predictions[i] ? 1 : 0;
                kl += KlDivergence(reference.Probabilities[i], probabilities[i]);
            }

            return new Outcome(evaluation.Accuracy, agreeing / (double)Count, kl / predictions.Length, predictions, [], probabilities, null);
        }

        // Decisions at the request's thresholds: the candidate folders carry no model.json.
        private Outcome EvaluateMultiLabel(string folder)
        {
            var options = _request.Run.ToModelOptions(_request.IntraOpThreads);
            options.Thresholds = _thresholds;
            using var model = BertModel.Load(folder, options);
            var evaluation = MultiLabelModelEvaluator.Evaluate(model, _texts, _labelSets, _thresholds, _textPairs);
            var probabilities = evaluation.Probabilities.ToArray();
            if (_reference is not { } reference)
            {
                return new Outcome(evaluation.Metrics.Micro.F1, 1, 0, [], evaluation.Decisions, probabilities, evaluation.Metrics);
            }

            var comparison = MultiLabelComparisonCalculator.Compare("fp32", "int8", reference.MultiLabel!, evaluation.Metrics, reference.Decisions, evaluation.Decisions);
            var kl = 0.0;
            for (var i = 0; i < probabilities.Length; i++)
            {
                kl += BernoulliKlDivergence(reference.Probabilities[i], probabilities[i]);
            }

            return new Outcome(evaluation.Metrics.Micro.F1, comparison.DecisionAgreement, kl / probabilities.Length, [], evaluation.Decisions, probabilities, evaluation.Metrics);
        }

        private static double KlDivergence(float[] p, float[] q)
        {
            const double Floor = 1e-12;
            var sum = 0.0;
            for (var c = 0; c < p.Length; c++)
            {
                if (p[c] > 0)
                {
                    sum += p[c] * Math.Log(p[c] / Math.Max(q[c], Floor));
                }
            }

            return Math.Max(sum, 0);
        }

        // Mean over labels of KL(Bernoulli(p) ‖ Bernoulli(q)): each sigmoid is its own two-class distribution.
        private static double BernoulliKlDivergence(float[] p, float[] q)
        {
            var sum = 0.0;
            for (var c = 0; c < p.Length; c++)
            {
                sum += KlDivergence([p[c], 1 - p[c]], [q[c], 1 - q[c]]);
            }

            return sum / p.Length;
        }

        private static void Discard(string folder)
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
