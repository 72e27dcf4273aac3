using FastBert.Models.Reports;

namespace FastBert.Training;

/// <summary>What a running <see cref="FineTuner"/> reports (to progress bars, logs).</summary>
public abstract record TrainingEvent;

/// <summary>A one-line note worth showing (a new head, the parameter counts…).</summary>
public sealed record TrainingMessage(string Text) : TrainingEvent;

public sealed record EpochStarted(int Epoch, int Epochs, int Batches) : TrainingEvent;

public sealed record BatchCompleted(int Epoch, int Batch, int Batches, double Loss, double LearningRate) : TrainingEvent;

public sealed record EvaluationStarted(int Epoch, int Examples) : TrainingEvent;

/// <summary>An epoch finished; <paramref name="Kept"/> when its weights were written to the output folder.</summary>
public sealed record EpochCompleted(EpochSummary Summary, bool Kept) : TrainingEvent;

/// <summary>The outcome of a run: the summary (also train.json) and whether a model was written.</summary>
public sealed record TrainingResult(TrainingSummary Summary, string OutputDirectory, bool ModelWritten);
