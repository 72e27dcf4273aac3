namespace FastBert.Training;

/// <summary>A training run cannot start or continue: bad base model, data or settings. The message says what to fix.</summary>
public sealed class TrainingException : Exception
{
    public TrainingException(string message)
        : base(message)
    {
    }

    public TrainingException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
