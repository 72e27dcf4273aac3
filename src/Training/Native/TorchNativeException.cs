namespace FastBert.Training.Native;

/// <summary>TorchSharp's native libraries cannot be loaded on this system; the message says why and what to install.</summary>
public sealed class TorchNativeException : InvalidOperationException
{
    public TorchNativeException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
