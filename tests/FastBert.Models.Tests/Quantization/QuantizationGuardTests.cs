using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Models.Quantization;
using FastBert.Tests;
using Xunit.Abstractions;

namespace FastBert.Models.Tests.Quantization;

/// <summary>The accuracy guard: what is written, what is refused, and what the summary says.</summary>
public sealed class QuantizationGuardTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-quantization-guard", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    // 400 held-out messages keep the sensitivity search quick; spam and ham both occur.
    private static IReadOnlyList<(string Text, int Label)> Sms() => QuantizationTestData.SmsHeldOut().Take(400).ToList();

    [Fact]
    public void NegativeAccuracyBudget_IsRefused_NothingWritten_ReasonGivesTheDrops()
    {
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = target, Examples = Sms(), MaxAccuracyDrop = -1 });

        AssertRefused(result, target);
        Assert.Contains("max accuracy drop -1.0000", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Contains("accuracy drop", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Contains("the budget is unreachable", result.Summary.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AgreementAboveOne_IsRefused_NothingWritten_ReasonGivesTheAgreement()
    {
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = target, Examples = Sms(), MinArgmaxAgreement = 1.01 });

        AssertRefused(result, target);
        Assert.Contains("min argmax agreement 1.0100", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Contains("argmax agreement", result.Summary.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedRun_LeavesAnExistingOutputFolderUntouched_EvenWithForce()
    {
        var target = Path.Combine(_root, "existing");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = target, Examples = Sms(), MinArgmaxAgreement = 1.01, Force = true });

        Assert.False(result.Accepted);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Equal(["existing"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void OutlierCheckpoint_CollapsesUnderInt8_GuardRanksTheBrokenLayersFirstAndKeepsOnlySomeOfThemFp32()
    {
        var checkpoint = QuantizationTestData.OutlierCheckpoint(Path.Combine(_root, "outlier-checkpoint"));
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = target, Examples = Sms() });

        foreach (var attempt in result.Summary.Attempts)
        {
            output.WriteLine($"attempt {attempt.Attempt}: kept [{string.Join(", ", attempt.KeptFp32)}] accuracy {attempt.Accuracy:0.0000} drop {attempt.AccuracyDrop:0.0000} agreement {attempt.ArgmaxAgreement:0.0000} {(attempt.WithinBudget ? "ok" : "over")}");
        }

        foreach (var s in result.Sensitivity)
        {
            output.WriteLine($"{s.Layer}: KL {s.MeanKlDivergence:0.000000} agreement {s.ArgmaxAgreement:0.0000}");
        }

        output.WriteLine(result.Summary.Reason);
        var first = result.Summary.Attempts[0];
        Assert.Empty(first.KeptFp32);
        Assert.False(first.WithinBudget);
        Assert.True(first.ArgmaxAgreement < 0.99, $"all-int8 agreement {first.ArgmaxAgreement} should collapse");
        string[] broken = ["layer0/attn_out", "layer0/ffn_out", "layer1/attn_out", "layer1/ffn_out"];
        Assert.Equal(broken, result.Sensitivity.Take(4).Select(s => s.Layer).Order());
        Assert.All(result.Sensitivity.Skip(4), s => Assert.True(s.MeanKlDivergence < result.Sensitivity[3].MeanKlDivergence / 10, $"{s.Layer} KL {s.MeanKlDivergence}"));
        Assert.True(result.Accepted, result.Summary.Reason);
        Assert.NotEmpty(result.Summary.KeptFp32);
        Assert.Subset(broken.ToHashSet(), result.Summary.KeptFp32.ToHashSet());
        Assert.Equal(result.Summary.KeptFp32, ModelDescription.Read(Path.Combine(target, ModelDescription.FileName)).KeptFp32);
        Assert.True(result.Summary.Attempts[^1].WithinBudget);
        Assert.All(result.Summary.KeptFp32, layer => Assert.Contains(layer, result.Summary.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void OutlierCheckpoint_WithAnUnreachableBudget_IsRefusedAfterTryingEveryLinearFp32()
    {
        var checkpoint = QuantizationTestData.OutlierCheckpoint(Path.Combine(_root, "outlier-checkpoint"));
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = target, Examples = Sms(), MinArgmaxAgreement = 1.01 });

        AssertRefused(result, target);
        Assert.True(result.Summary.Attempts[0].ArgmaxAgreement < 0.99);
    }

    [Fact]
    public void WithoutExamples_WritesTheInt8ModelAndSaysItWasNotChecked()
    {
        var target = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = target });

        Assert.True(result.Accepted);
        Assert.Contains("without an accuracy check", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Null(result.Summary.AccuracyInt8);
        Assert.Empty(result.Summary.KeptFp32);
        Assert.True(File.Exists(Path.Combine(target, "model.onnx")));
        Assert.Equal("int8", ModelDescription.Read(Path.Combine(target, ModelDescription.FileName)).Quantization);
        using var model = BertModel.Load(target);
        Assert.Equal("spam", model.Info.LabelNames[model.Classify("WINNER!! You have won a free prize, call 09061701461 now to claim").Index]);
        Assert.Equal(["int8"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName)); // no work folder left behind
    }

    [Fact]
    public void ExportedFolder_IsQuantizedFromTheCheckpointItsModelJsonNames()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;

        Assert.Equal(Path.GetFullPath(TestPaths.SmsModel), Int8Quantizer.ResolveCheckpoint(exported));
        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = exported, OutputDirectory = Path.Combine(_root, "int8"), Examples = Sms() });
        Assert.True(result.Accepted, result.Summary.Reason);
    }

    [Fact]
    public void ExportedFolderWithoutSourceDirectory_FailsWithAClearMessage()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;
        var descriptionPath = Path.Combine(exported, ModelDescription.FileName);
        (ModelDescription.Read(descriptionPath) with { SourceDirectory = null }).Write(descriptionPath);

        var error = Assert.Throws<QuantizationException>(() => Int8Quantizer.Quantize(new QuantizeRequest { Source = exported, OutputDirectory = Path.Combine(_root, "int8") }));

        Assert.Contains("sourceDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("checkpoint folder", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "int8")));
    }

    [Fact]
    public void ExportedFolderWhoseCheckpointIsGone_FailsWithAClearMessage()
    {
        var exported = OnnxExporter.Export(TestPaths.SmsModel, Path.Combine(_root, "fp32")).OutputDirectory;
        var descriptionPath = Path.Combine(exported, ModelDescription.FileName);
        var gone = Path.Combine(_root, "deleted-checkpoint");
        (ModelDescription.Read(descriptionPath) with { SourceDirectory = gone }).Write(descriptionPath);

        var error = Assert.Throws<QuantizationException>(() => Int8Quantizer.Quantize(new QuantizeRequest { Source = exported, OutputDirectory = Path.Combine(_root, "int8") }));

        Assert.Contains(gone, error.Message, StringComparison.Ordinal);
        Assert.Contains("no longer holds a checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleLabelOutsideTheModelsLabels_IsRejectedBeforeAnythingIsWritten()
    {
        var target = Path.Combine(_root, "int8");

        var error = Assert.Throws<ArgumentException>(() => Int8Quantizer.Quantize(new QuantizeRequest { Source = TestPaths.SmsModel, OutputDirectory = target, Examples = [("hello", 0), ("spam", 2)] }));

        Assert.Contains("Examples[1]", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root) && Directory.EnumerateFileSystemEntries(_root).Any());
    }

    private void AssertRefused(QuantizeResult result, string target)
    {
        foreach (var attempt in result.Summary.Attempts)
        {
            output.WriteLine($"attempt {attempt.Attempt}: kept {attempt.KeptFp32.Count} accuracy {attempt.Accuracy:0.0000} drop {attempt.AccuracyDrop:0.0000} agreement {attempt.ArgmaxAgreement:0.0000} {(attempt.WithinBudget ? "ok" : "over")}");
        }

        output.WriteLine(result.Summary.Reason);
        Assert.False(result.Accepted);
        Assert.Null(result.OutputDirectory);
        Assert.Null(result.Model);
        Assert.False(Directory.Exists(target), "a refused run must not create the output folder");
        Assert.Empty(Directory.Exists(_root) ? Directory.GetDirectories(_root).Where(d => Path.GetFileName(d).StartsWith('.')) : []);
        Assert.Contains("Nothing was written", result.Summary.Reason, StringComparison.Ordinal);
        Assert.Null(result.Summary.Int8SizeBytes);
        Assert.Empty(result.Summary.KeptFp32);

        // All int8, every linear fp32 (embeddings only), then the unquantized reference.
        Assert.True(result.Summary.Attempts.Count >= 3);
        Assert.Empty(result.Summary.Attempts[0].KeptFp32);
        Assert.Equal(12, result.Summary.Attempts[^2].KeptFp32.Count);
        Assert.Contains(QuantizationPlan.WordEmbeddings, result.Summary.Attempts[^1].KeptFp32);
        Assert.All(result.Summary.Attempts, a => Assert.False(a.WithinBudget));
        Assert.Equal(12, result.Sensitivity.Count);
    }
}
