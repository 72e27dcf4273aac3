using FastBert.ModelFolders;
using FastBert.Models.Data;
using FastBert.Training.Modeling;

namespace FastBert.Training;

/// <summary>Everything a fine-tuning run needs; defaults are the command line's.</summary>
public sealed record TrainingRequest
{
    /// <summary>The base checkpoint folder: config.json, vocab.txt and (unless <see cref="FromScratch"/>) weights.</summary>
    public required string BaseDirectory { get; init; }

    /// <summary>Start every weight random (the base folder then only provides config.json and the vocabulary).</summary>
    public bool FromScratch { get; init; }

    /// <summary>The labels to train, in output order.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    public required IReadOnlyList<LabelledExample> Train { get; init; }

    /// <summary>Validation examples, evaluated after every epoch; empty for none.</summary>
    public IReadOnlyList<LabelledExample> Validation { get; init; } = [];

    /// <summary>Where the training data came from (for the record).</summary>
    public required string TrainDataPath { get; init; }

    public string? ValidationDataPath { get; init; }

    /// <summary>Written when training ends (the kept epoch); fastbert's own earlier output there is replaced.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace an existing output folder that is not a fastbert training output (no train.json).</summary>
    public bool Force { get; init; }

    public TrainingMode Mode { get; init; } = TrainingMode.Full;

    /// <summary>
    /// Single-label (softmax + cross-entropy) or multi-label (a sigmoid per label + binary cross-entropy with logits;
    /// each example's <see cref="LabelledExample.LabelSet"/> is its target).
    /// </summary>
    public ClassificationProblem Problem { get; init; } = ClassificationProblem.SingleLabel;

    public LoraOptions Lora { get; init; } = new();

    public int Epochs { get; init; } = 3;

    /// <summary>Peak learning rate; null picks the mode's default (<see cref="DefaultLearningRate"/>).</summary>
    public double? LearningRate { get; init; }

    public int BatchSize { get; init; } = 32;

    public int MaxTokens { get; init; } = 128;

    public int Seed { get; init; } = 42;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Share of all steps spent warming the learning rate up from 0.</summary>
    public double WarmupRatio { get; init; } = 0.06;

    /// <summary>Gradients are rescaled so their global L2 norm is at most this (0 = off).</summary>
    public double GradientClip { get; init; } = 1.0;

    /// <summary>
    /// Weight each class's loss by N / (classes · count): rare classes count more. Multi-label: each label's positive
    /// term is weighted by negatives / positives (<c>pos_weight</c>).
    /// </summary>
    public bool BalanceClasses { get; init; }

    /// <summary>Stop after this many epochs without a better validation macro-F1 and keep the best epoch; null = off.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Also write the LoRA matrices (adapter_model.safetensors + adapter_config.json) beside the merged model.</summary>
    public bool KeepAdapters { get; init; }

    /// <summary>The command line, for the report.</summary>
    public string Command { get; init; } = "fastbert train";

    public double EffectiveLearningRate => LearningRate ?? DefaultLearningRate(Mode);

    /// <summary>Full fine-tuning 5e-5 (BERT's recipe); a frozen encoder's head 1e-3; LoRA 5e-4.</summary>
    public static double DefaultLearningRate(TrainingMode mode) => mode switch
    {
        TrainingMode.Head => 1e-3,
        TrainingMode.Lora => 5e-4,
        _ => 5e-5,
    };
}
