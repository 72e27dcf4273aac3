using FastBert.Models.Export;
using FastBert.Tests;

namespace FastBert.Models.Tests.Export;

/// <summary>Exported models on real held-out data, against the reference implementation's accuracy.</summary>
public sealed class ExportAccuracyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-export-accuracy", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void ExportedSmsModel_HeldOutAccuracyAtLeast0991()
    {
        var output = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "sms")).OutputDirectory;
        var heldOut = SmsData.HeldOut();

        var accuracy = Accuracy(output, heldOut.Select(m => (m.Label, m.Text)).ToList());

        Assert.True(accuracy >= 0.991, $"accuracy {accuracy:0.0000} on {heldOut.Count} held-out SMS messages (reference 0.9919)");
    }

    [Fact]
    public void ExportedEmotionModel_TestAccuracyAtLeast0885()
    {
        var output = OnnxExporter.Export(TestPaths.EmotionModel, Path.Combine(_root, "emotion")).OutputDirectory;
        var test = File.ReadLines(Path.Combine(TestPaths.Data, "emotion", "test.txt")).Skip(1)
            .Where(line => line.Length > 0)
            .Select(line =>
            {
                var split = line.LastIndexOf(';');
                return (Label: line[(split + 1)..].Trim(), Text: line[..split]);
            })
            .ToList();
        Assert.Equal(2000, test.Count);

        var accuracy = Accuracy(output, test);

        Assert.True(accuracy >= 0.885, $"accuracy {accuracy:0.0000} on {test.Count} emotion test texts (reference 0.8855)");
    }

    private static double Accuracy(string modelDirectory, IReadOnlyList<(string Label, string Text)> examples)
    {
        using var model = BertModel.Load(modelDirectory);
        var labels = model.Info.LabelNames;
        var results = model.ClassifyBatch(examples.Select(e => e.Text).ToList());
        var correct = examples.Zip(results).Count(p => LabelMatches(p.First.Label, labels, p.Second.Index));
        return correct / (double)examples.Count;
    }

    // Data files name labels (ham/spam) or give their index (emotion's 0..5).
    private static bool LabelMatches(string expected, IReadOnlyList<string> labels, int predicted) =>
        int.TryParse(expected, out var index) ? index == predicted : string.Equals(labels[predicted], expected, StringComparison.OrdinalIgnoreCase);
}
