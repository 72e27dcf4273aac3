using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;
using FastBert.Training.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FastBert.Training.Modeling;

/// <summary>What <see cref="TransformerClassifier"/> trains.</summary>
public enum TrainingMode
{
    /// <summary>Every weight.</summary>
    Full,

    /// <summary>Only the classification head (the layers outside the base model); the encoder is frozen.</summary>
    Head,

    /// <summary>Low-rank adapters on the targeted linear layers plus the head; the base weights are frozen.</summary>
    Lora,
}

/// <summary>LoRA settings: rank, alpha (the update is scaled by alpha / rank), targets and dropout on the adapter input.</summary>
public sealed record LoraOptions(int Rank = 8, double Alpha = 16, IReadOnlyList<string>? Targets = null, double Dropout = 0.0)
{
    /// <summary>Target meaning every linear layer of the base model (PEFT's spelling).</summary>
    public const string AllLinear = "all-linear";

    public IReadOnlyList<string> EffectiveTargets => Targets is { Count: > 0 } ? Targets : [AllLinear];
}

/// <summary>
/// A BERT / DistilBERT / ELECTRA sequence classifier in TorchSharp, written as a function of named weights: every
/// weight keeps its Hugging Face name (<c>bert.encoder.layer.0.attention.self.query.weight</c>), so loading from and
/// saving to checkpoints is a name lookup and the forward pass reads like the architecture (post-LayerNorm encoder,
/// exact GELU, the family's head). Mirrors the ONNX graph fastbert exports.
/// </summary>
public sealed class TransformerClassifier : IDisposable
{
    private readonly Dictionary<string, Parameter> _weights;
    private readonly Dictionary<string, LoraAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<WeightSlot> _slots;

    // The run's own random source (initialisation, LoRA, dropout): torch's global generator is shared by everything in
    // the process, so a concurrent user of it would make a seeded run irreproducible.
    private readonly torch.Generator _random;

    private TransformerClassifier(TransformerConfig config, ArchitectureSpec spec, IReadOnlyList<WeightSlot> slots, Dictionary<string, Parameter> weights, IReadOnlyList<string> newlyInitialized, torch.Generator random)
    {
        _random = random;
        Config = config;
        Spec = spec;
        _slots = slots;
        _weights = weights;
        NewlyInitialized = newlyInitialized;
    }

    public TransformerConfig Config { get; }

    public ArchitectureSpec Spec { get; }

    /// <summary>Weights that started random because the checkpoint had no usable value for them.</summary>
    public IReadOnlyList<string> NewlyInitialized { get; }

    public IReadOnlyList<string> Labels => Config.Id2Label;

    public long TotalParameters => _weights.Values.Sum(p => p.numel()) + _adapters.Values.Sum(a => a.ParameterCount);

    internal IReadOnlyDictionary<string, Parameter> Weights => _weights;

    internal IReadOnlyDictionary<string, LoraAdapter> Adapters => _adapters;

    /// <summary>
    /// Builds the classifier for <paramref name="config"/> (whose id2label are the labels to train). Weights come from
    /// <paramref name="checkpoint"/> by name; the head's output layer is kept only when
    /// <paramref name="keepOutputLayer"/> (the base was trained on the same labels). Head weights the checkpoint lacks
    /// start random; any other missing weight is an error. With no checkpoint every weight starts random (seed with
    /// <paramref name="seed"/>, which also seeds LoRA initialisation and dropout).
    /// </summary>
    /// <exception cref="TrainingException">A base weight is missing or has the wrong shape.</exception>
    public static TransformerClassifier Create(TransformerConfig config, ICheckpoint? checkpoint, bool keepOutputLayer, int seed = 0)
    {
        TorchNative.EnsureLoaded();
        var random = new torch.Generator(unchecked((ulong)seed));
        var spec = ArchitectureSpec.For(config);
        var slots = ParameterLayout.For(config, spec);
        var outputLayer = new[] { spec.Classifier.Weight, spec.Classifier.Bias };
        var weights = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        var fresh = new List<string>();
        try
        {
            foreach (var slot in slots)
            {
                var stored = checkpoint?.Find(slot.Name);
                var reuse = stored is not null && (keepOutputLayer || !outputLayer.Contains(slot.Name));
                if (stored is null && checkpoint is not null && !slot.InHead && slot.Name != spec.HeadDense.Weight && slot.Name != spec.HeadDense.Bias)
                {
                    throw new TrainingException(
                        $"{checkpoint.Path} has no weight '{slot.Name}', which a {config.ModelType} encoder needs. Is this a {config.ModelType} checkpoint matching {config.SourcePath ?? "config.json"}?");
                }

                Tensor value;
                if (reuse)
                {
                    if (!stored!.Shape.SequenceEqual(slot.Shape))
                    {
                        throw new TrainingException(
                            $"{checkpoint!.Path}: '{stored.Name}' has shape [{string.Join(", ", stored.Shape)}] but config.json implies [{string.Join(", ", slot.Shape)}].");
                    }

                    value = torch.tensor(checkpoint!.ReadFloat32(stored.Name), slot.Shape);
                }
                else
                {
                    value = Initial(slot, config.InitializerRange, random);
                    if (checkpoint is not null)
                    {
                        fresh.Add(slot.Name);
                    }
                }

                weights.Add(slot.Name, new Parameter(value));
            }
        }
        catch
        {
            foreach (var weight in weights.Values)
            {
                weight.Dispose();
            }

            random.Dispose();
            throw;
        }

        return new TransformerClassifier(config, spec, slots, weights, fresh, random);
    }

    private static Tensor Initial(WeightSlot slot, double std, torch.Generator random) => slot.Init switch
    {
        WeightInit.Normal => torch.empty(slot.Shape).normal_(0, std, random),
        WeightInit.Ones => torch.ones(slot.Shape),
        _ => torch.zeros(slot.Shape),
    };

    /// <summary>
    /// Adds LoRA adapters to the linear layers of the base model named by <paramref name="options"/>' targets: a target
    /// matches a module whose name equals it or ends with "." + target (<c>query</c>, <c>attention.output.dense</c>,
    /// <c>q_lin</c>), or every base linear layer for <c>all-linear</c>. Returns the adapted module names.
    /// </summary>
    /// <exception cref="TrainingException">A target matches nothing (the message lists the available names).</exception>
    public IReadOnlyList<string> AddLoraAdapters(LoraOptions options)
    {
        if (options.Rank < 1)
        {
            throw new TrainingException($"LoRA rank must be at least 1, got {options.Rank}.");
        }

        var candidates = Spec.BaseLinears.ToList();
        var chosen = new List<LinearNames>();
        foreach (var target in options.EffectiveTargets)
        {
            var matches = target == LoraOptions.AllLinear
                ? candidates
                : candidates.Where(l => l.Module == target || l.Module.EndsWith("." + target, StringComparison.Ordinal)).ToList();
            if (matches.Count == 0)
            {
                var suffixes = candidates.Select(l => string.Join('.', l.Module.Split('.').SkipWhile(p => !int.TryParse(p, out _)).Skip(1)))
                    .Where(s => s.Length > 0).Distinct().ToList();
                throw new TrainingException(
                    $"LoRA target '{target}' matches no linear layer of this {Config.ModelType} model. Targets: {LoraOptions.AllLinear}, {string.Join(", ", suffixes)} (or a full module name).");
            }

            chosen.AddRange(matches.Where(m => !chosen.Contains(m)));
        }

        foreach (var linear in chosen)
        {
            var shape = _weights[linear.Weight].shape;
            _adapters[linear.Module] = new LoraAdapter(linear.Module, shape[1], shape[0], options.Rank, options.Alpha, options.Dropout, _random);
        }

        return chosen.Select(c => c.Module).ToList();
    }

    /// <summary>
    /// Marks what <paramref name="mode"/> trains as requiring gradients (and freezes the rest); returns those
    /// parameters with whether weight decay applies (not to biases and LayerNorm weights).
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter, bool Decay)> SetTrainable(TrainingMode mode)
    {
        var trainable = new List<(string, Parameter, bool)>();
        foreach (var slot in _slots)
        {
            var train = mode == TrainingMode.Full || slot.InHead;
            _weights[slot.Name].requires_grad_(train);
            if (train)
            {
                trainable.Add((slot.Name, _weights[slot.Name], slot.Init == WeightInit.Normal));
            }
        }

        foreach (var adapter in _adapters.Values)
        {
            var train = mode == TrainingMode.Lora;
            adapter.A.requires_grad_(train);
            adapter.B.requires_grad_(train);
            if (train)
            {
                trainable.Add(($"{adapter.Module}.lora_A.weight", adapter.A, true));
                trainable.Add(($"{adapter.Module}.lora_B.weight", adapter.B, true));
            }
        }

        return trainable;
    }

    /// <summary>Logits [batch, labels] for int64 token ids and attention mask [batch, sequence].</summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds, bool training)
    {
        var batch = inputIds.shape[0];
        var sequence = inputIds.shape[1];
        var config = Config;
        var spec = Spec;

        var hidden = Embed(inputIds, tokenTypeIds, sequence, training);
        if (spec.EmbeddingProjection is { } projection)
        {
            hidden = Linear(hidden, projection, training);
        }

        // 0 for real tokens, a large negative number for padding: softmax then gives padded keys weight 0.
        var maskBias = attentionMask.to_type(ScalarType.Float32).neg().add(1.0).mul(-1e9).view(batch, 1, 1, sequence);
        var heads = config.NumHeads;
        var headSize = config.HeadSize;
        var scale = 1.0 / Math.Sqrt(headSize);
        foreach (var layer in spec.Layers)
        {
            var query = Linear(hidden, layer.Query, training).view(batch, sequence, heads, headSize).transpose(1, 2);
            var key = Linear(hidden, layer.Key, training).view(batch, sequence, heads, headSize).transpose(1, 2);
            var value = Linear(hidden, layer.Value, training).view(batch, sequence, heads, headSize).transpose(1, 2);
            var scores = query.matmul(key.transpose(-1, -2)).mul(scale).add(maskBias);
            var probabilities = Dropout(scores.softmax(-1), config.AttentionDropout, training);
            var context = probabilities.matmul(value).transpose(1, 2).reshape(batch, sequence, config.HiddenSize);
            var attended = Dropout(Linear(context, layer.AttentionOutput, training), config.HiddenDropout, training);
            hidden = Norm(attended.add(hidden), layer.AttentionNorm, config.HiddenSize);

            var intermediate = F.gelu(Linear(hidden, layer.Intermediate, training));
            var output = Dropout(Linear(intermediate, layer.Output, training), config.HiddenDropout, training);
            hidden = Norm(output.add(hidden), layer.OutputNorm, config.HiddenSize);
        }

        var cls = hidden.select(1, 0);
        return spec.Head switch
        {
            ClassifierHead.BertPooler => Linear(
                Dropout(Linear(cls, spec.HeadDense, training).tanh(), config.ClassifierDropout, training), spec.Classifier, training),
            ClassifierHead.DistilBertPreClassifier => Linear(
                Dropout(F.relu(Linear(cls, spec.HeadDense, training)), config.ClassifierDropout, training), spec.Classifier, training),
            _ => Linear(
                Dropout(F.gelu(Linear(Dropout(cls, config.ClassifierDropout, training), spec.HeadDense, training)), config.ClassifierDropout, training),
                spec.Classifier, training),
        };
    }

    private Tensor Embed(Tensor inputIds, Tensor? tokenTypeIds, long sequence, bool training)
    {
        var spec = Spec;
        var words = _weights[spec.WordEmbeddings].index_select(0, inputIds.reshape(-1)).view(inputIds.shape[0], sequence, -1);
        var positions = _weights[spec.PositionEmbeddings].narrow(0, 0, sequence);
        var sum = words.add(positions);
        if (spec.TokenTypeEmbeddings is { } tokenTypeName)
        {
            var table = _weights[tokenTypeName];
            sum = tokenTypeIds is null
                ? sum.add(table.select(0, 0))
                : sum.add(table.index_select(0, tokenTypeIds.reshape(-1)).view(inputIds.shape[0], sequence, -1));
        }

        var normalized = Norm(sum, spec.EmbeddingNorm, Config.EmbeddingSize);
        return Dropout(normalized, Config.HiddenDropout, training);
    }

    private Tensor Linear(Tensor input, LinearNames names, bool training)
    {
        var output = F.linear(input, _weights[names.Weight], _weights[names.Bias]);
        return _adapters.TryGetValue(names.Module, out var adapter) ? output.add(adapter.Update(Dropout(input, adapter.Dropout, training))) : output;
    }

    /// <summary>Inverted dropout drawing from the run's generator: zero each value with probability p, scale the rest by 1/(1−p).</summary>
    private Tensor Dropout(Tensor input, double probability, bool training)
    {
        if (!training || probability <= 0)
        {
            return input;
        }

        using var keep = torch.empty_like(input).bernoulli_(1 - probability, _random);
        return input.mul(keep).div(1 - probability);
    }

    private Tensor Norm(Tensor input, NormNames names, long size) =>
        F.layer_norm(input, [size], _weights[names.Weight], _weights[names.Bias], Config.LayerNormEps);

    /// <summary>
    /// Every weight as float32 arrays under its Hugging Face name, in architecture order, LoRA updates merged into
    /// their base weights (what model.safetensors holds).
    /// </summary>
    public IReadOnlyList<NamedTensor> ExportWeights()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var tensors = new List<NamedTensor>(_slots.Count);
        foreach (var slot in _slots)
        {
            var weight = (Tensor)_weights[slot.Name];
            var module = slot.Name[..slot.Name.LastIndexOf('.')];
            if (slot.Name.EndsWith(".weight", StringComparison.Ordinal) && _adapters.TryGetValue(module, out var adapter))
            {
                weight = adapter.Merge(weight);
            }

            tensors.Add(new NamedTensor(slot.Name, ToArray(weight), slot.Shape));
        }

        return tensors;
    }

    /// <summary>The LoRA matrices in PEFT's naming (<c>base_model.model.{module}.lora_A.weight</c>).</summary>
    public IReadOnlyList<NamedTensor> ExportAdapters() =>
        _adapters.Values.SelectMany(a => new[]
        {
            new NamedTensor($"base_model.model.{a.Module}.lora_A.weight", ToArray(a.A), a.A.shape),
            new NamedTensor($"base_model.model.{a.Module}.lora_B.weight", ToArray(a.B), a.B.shape),
        }).ToList();

    private static float[] ToArray(Tensor tensor) => tensor.detach().contiguous().cpu().data<float>().ToArray();

    public void Dispose()
    {
        foreach (var weight in _weights.Values)
        {
            weight.Dispose();
        }

        foreach (var adapter in _adapters.Values)
        {
            adapter.Dispose();
        }

        _random.Dispose();
    }
}
