namespace FastBert.Training.Optimization;

/// <summary>
/// Linear warmup then linear decay to zero, as transformers' get_linear_schedule_with_warmup: step k (0-based) uses
/// lr·k/w during the w warmup steps, then lr·(T−k)/(T−w).
/// </summary>
internal sealed record LinearSchedule(double PeakLearningRate, int TotalSteps, int WarmupSteps)
{
    public static LinearSchedule Create(double peak, int totalSteps, double warmupRatio) =>
        new(peak, totalSteps, (int)Math.Ceiling(totalSteps * warmupRatio));

    public double At(int step)
    {
        if (step < WarmupSteps)
        {
            return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        }

        return PeakLearningRate * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
