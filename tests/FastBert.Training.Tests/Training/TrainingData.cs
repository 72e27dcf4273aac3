using FastBert.Models.Data;
using FastBert.Tests;

namespace FastBert.Training.Tests.Training;

/// <summary>Small slices of the shared real data sets, for runs of a few steps.</summary>
internal static class TrainingData
{
    public static readonly string[] SmsLabels = ["ham", "spam"];
    public static readonly string[] EmotionLabels = ["sadness", "joy", "love", "anger", "fear", "surprise"];

    public static string SmsFile => Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection");

    public static string EmotionTrainFile => Path.Combine(TestPaths.Data, "emotion", "train.txt");

    public static IReadOnlyList<LabelledExample> Sms(int skip, int take) =>
        LabelledDataReader.Read(SmsFile, DataReadOptions.Default, SmsLabels).Examples.Skip(skip).Take(take).ToList();

    public static IReadOnlyList<LabelledExample> Emotion(int skip, int take) =>
        LabelledDataReader.Read(EmotionTrainFile, DataReadOptions.Default, EmotionLabels).Examples.Skip(skip).Take(take).ToList();

}

/// <summary>Output folders for one test class, deleted with it (a trained checkpoint is 17 MB).</summary>
internal sealed class TemporaryFolders : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-train-tests", Guid.NewGuid().ToString("N"));

    public TemporaryFolders() => Directory.CreateDirectory(_root);

    /// <summary>A path inside the root that does not exist yet (so siblings like path + "-onnx" are inside too).</summary>
    public string New() => Path.Combine(_root, Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
