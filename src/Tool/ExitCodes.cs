namespace FastBert.Tool;

/// <summary>Process exit codes; documented in README and stable for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 1;
    public const int ValidationFailed = 2;
    public const int InputError = 3;
    public const int NetworkError = 4;

    /// <summary>The command needs an extension that is not installed (train: the fastbert-train tool); the message says how to install it.</summary>
    public const int ExtensionMissing = 5;

    /// <summary>Interrupted (Ctrl+C); for train, the output folder holds the last completed epoch, if any.</summary>
    public const int Cancelled = 130;
}
