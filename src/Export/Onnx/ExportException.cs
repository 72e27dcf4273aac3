namespace FastBert.Models.Onnx;

/// <summary>A checkpoint cannot be exported: a tensor is missing or has the wrong shape for its config.json.</summary>
public sealed class ExportException(string message, Exception? innerException = null) : Exception(message, innerException);
