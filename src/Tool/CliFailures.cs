using FastBert.ModelFolders;
using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Models.Export;
using FastBert.Models.Hub;
using FastBert.Models.Onnx;
using FastBert.Models.Quantization;
using FastBert.Tokenization;
using FastBert.Tool.Commands;

namespace FastBert.Tool;

/// <summary>
/// The failures a user can cause, as one message on stderr and an exit code — shared by <c>fastbert</c> and the
/// <c>fastbert-train</c> extension (compiled into both), so both answer a mistake the same way.
/// </summary>
internal static class CliFailures
{
    /// <summary>Writes the message for <paramref name="exception"/> and returns its exit code; null for anything else (a bug).</summary>
    /// <param name="isInputError">The caller's own input failures (e.g. a bad stdin line, a training error).</param>
    public static int? Report(Exception exception, TextWriter error, Func<Exception, bool> isInputError)
    {
        switch (exception)
        {
            case HubException hub:
                error.WriteLine($"fastbert: error: {hub.Message}");
                return hub is HubNetworkException or HubOfflineException ? ExitCodes.NetworkError : ExitCodes.InputError;
            case UsageException usage:
                error.WriteLine($"fastbert: usage: {usage.Message}");
                return ExitCodes.Usage;

            // IOException and UnauthorizedAccessException: a file the command could not read or write (missing, no
            // permission, disk full, a folder where a file should be); their messages name the path.
            case ModelLoadException or TokenizerLoadException or IOException or UnauthorizedAccessException or ExportException
                or CheckpointFormatException or ConfigException or DataFormatException or InvalidDataException or QuantizationException
                or OutputFolderException:
            case var _ when isInputError(exception):
                error.WriteLine($"fastbert: error: {exception.Message}");
                return ExitCodes.InputError;
            default:
                return null;
        }
    }
}
