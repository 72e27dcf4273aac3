using System.Text.Json;
using System.Text.RegularExpressions;
using FastBert.ModelFolders;
using FastBert.Tests;

namespace FastBert.Tool.Tests;

/// <summary>
/// <c>fastbert prepare</c> on a multi-label manifest: the SMS checkpoint with <c>problem_type:
/// multi_label_classification</c> (ham and spam as two independent sigmoids), SMS messages as one-label sets.
/// </summary>
public sealed class MultiLabelPrepareCliTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-multilabel-prepare", Guid.NewGuid().ToString("N"));
    private readonly string _checkpoint;

    public MultiLabelPrepareCliTests()
    {
        _checkpoint = Path.Combine(_root, "checkpoint");
        MultiLabelModelFolder.WriteCheckpoint(_checkpoint);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TuneThresholds_WithInt8_RecordsF1BestThresholdsInLockAndModelJson_RuntimeUsesThem()
    {
        var messages = SmsData.HeldOut().Take(200).ToList();
        var data = WriteData(messages);
        var manifest = WriteManifest($"model:\n  source: {_checkpoint}\nlabels: [ham, spam]\nproblem: multi-label\nthresholds: tune\nquantize: {{ mode: int8 }}\nvalidate:\n  data: {data}\n  minAccuracy: 0.5\n");
        var output = Path.Combine(_root, "out");

        var (exit, stdout, stderr) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", output);

        Assert.True(exit == 0, stdout + stderr);
        using var lockJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "tags.lock.json")));
        var root = lockJson.RootElement;
        Assert.Equal("multi-label", root.GetProperty("problem").GetString());
        var thresholds = new[] { "ham", "spam" }.Select(l => root.GetProperty("thresholds").GetProperty(l).GetDouble()).ToArray();
        Assert.True(root.GetProperty("validation").GetProperty("microF1").GetDouble() >= 0.5);

        // Independent check: the PyTorch exporter's fp32 graph shipped with the model, and for each label every
        // candidate threshold (each distinct probability) tried by brute force; the recorded one must reach the best F1.
        using var reference = BertModel.Load(TestPaths.SmsModel, new BertModelOptions { Problem = ClassificationProblem.MultiLabel });
        var probabilities = reference.ClassifyBatch(messages.Select(m => Regex.Replace(m.Text, "\\s+", " ")).ToList()).Select(r => r.Probabilities).ToList();
        for (var c = 0; c < 2; c++)
        {
            var label = c == 0 ? "ham" : "spam";
            var scored = messages.Select((m, i) => (P: (double)probabilities[i][c], Positive: m.Label == label)).ToList();
            var best = scored.Select(s => s.P).Distinct().Max(t => F1(scored, t));
            Assert.Equal(best, F1(scored, thresholds[c]), 6);
        }

        var description = ModelDescription.Read(Path.Combine(output, ModelDescription.FileName));
        Assert.Equal("multi-label", description.Problem);
        Assert.Equal(thresholds, new[] { description.Thresholds!["ham"], description.Thresholds["spam"] });
        using var prepared = BertModel.Load(output);
        Assert.Equal("int8", prepared.Info.Quantization);
        Assert.Equal(thresholds.Select(t => (float)t), prepared.Info.Thresholds);
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "report.json")));
        Assert.Equal("multi-label", report.RootElement.GetProperty("quantization").GetProperty("problem").GetString());
        Assert.Equal(200, report.RootElement.GetProperty("multiLabelEvaluations")[0].GetProperty("metrics").GetProperty("examples").GetInt32());
    }

    [Fact]
    public void AccuracyGate_OfAMultiLabelManifest_GatesMicroF1()
    {
        // Every message tagged with both labels: the model (about one label per message) gets a micro F1 near 2/3.
        var data = WriteData(SmsData.HeldOut().Take(60).Select(m => ("ham|spam", m.Text)).ToList());
        var manifest = WriteManifest($"model:\n  source: {_checkpoint}\nlabels: [ham, spam]\nproblem: multi-label\nvalidate:\n  data: {data}\n  minAccuracy: 0.9\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"tags\.yaml\(7,\d+\): error FB0301: micro F1 0\.\d+ is below validate\.minAccuracy 0\.9", stdout);
    }

    [Fact]
    public void TuneThresholds_OnASingleLabelManifest_IsFB0009AtTheThresholdsLine()
    {
        var manifest = WriteManifest($"model:\n  source: {_checkpoint}\nlabels: [ham, spam]\nthresholds: tune\nvalidate:\n  data: x.tsv\n");

        var (exit, stdout, _) = CliRunner.Run(string.Empty, "prepare", manifest, "--output", Path.Combine(_root, "out"));

        Assert.NotEqual(0, exit);
        Assert.Matches(@"tags\.yaml\(4,\d+\): error FB0009: thresholds: tune applies to multi-label models", stdout);
    }

    private static double F1(IReadOnlyList<(double P, bool Positive)> scored, double threshold)
    {
        var tp = scored.Count(s => s.Positive && s.P >= threshold);
        var fp = scored.Count(s => !s.Positive && s.P >= threshold);
        var fn = scored.Count(s => s.Positive && s.P < threshold);
        return 2.0 * tp / (2 * tp + fp + fn);
    }

    private string WriteManifest(string yaml)
    {
        var path = Path.Combine(_root, "tags.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private string WriteData(IReadOnlyList<(string Label, string Text)> messages)
    {
        var path = Path.Combine(_root, "tags.jsonl");
        File.WriteAllLines(path, messages.Select(m => JsonSerializer.Serialize(new { text = Regex.Replace(m.Text, "\\s+", " "), labels = m.Label.Split('|') })));
        return path;
    }
}
