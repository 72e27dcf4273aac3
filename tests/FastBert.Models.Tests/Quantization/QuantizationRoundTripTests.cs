using System.Globalization;
using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Models.Quantization;
using FastBert.Tests;
using Xunit.Abstractions;

namespace FastBert.Models.Tests.Quantization;

/// <summary>
/// Shared checkpoints quantized to int8 with the accuracy guard, then checked independently: the written folder
/// against a default (Standard) fp32 export on the full held-out data.
/// </summary>
public sealed class QuantizationRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private const double MaxDrop = 0.005;
    private const double MinAgreement = 0.99;
    private const double MaxSizeRatio = 0.30;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-quantization-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void SmsModel_Int8OnHeldOut_LosesAtMostHalfAPointAgrees99PercentAndIsUnder30PercentOfTheSize() =>
        AssertRoundTrip(TestPaths.SmsModel, QuantizationTestData.SmsHeldOut(), expectedCount: 1114);

    [Fact]
    public void EmotionModel_Int8OnTest_LosesAtMostHalfAPointAgrees99PercentAndIsUnder30PercentOfTheSize() =>
        AssertRoundTrip(TestPaths.EmotionModel, QuantizationTestData.EmotionTest(), expectedCount: 2000);

    private void AssertRoundTrip(string checkpoint, IReadOnlyList<(string Text, int Label)> examples, int expectedCount)
    {
        Assert.Equal(expectedCount, examples.Count);
        var int8Folder = Path.Combine(_root, "int8");

        var result = Int8Quantizer.Quantize(new QuantizeRequest { Source = checkpoint, OutputDirectory = int8Folder, Examples = examples });

        Assert.True(result.Accepted, result.Summary.Reason);
        Assert.Equal(int8Folder, result.OutputDirectory);
        var description = ModelDescription.Read(Path.Combine(int8Folder, ModelDescription.FileName));
        Assert.Equal("int8", description.Quantization);
        Assert.Equal(result.Summary.KeptFp32, description.KeptFp32);
        Assert.Equal(Path.GetFullPath(checkpoint), description.SourceDirectory);

        // Independent check against the default fp32 export.
        var fp32Folder = OnnxExporter.Export(checkpoint, Path.Combine(_root, "fp32")).OutputDirectory;
        var fp32 = Predict(fp32Folder, examples);
        var int8 = Predict(int8Folder, examples);
        var fp32Accuracy = Accuracy(fp32, examples);
        var int8Accuracy = Accuracy(int8, examples);
        var agreement = fp32.Zip(int8).Count(p => p.First == p.Second) / (double)examples.Count;
        var fp32Size = new FileInfo(Path.Combine(fp32Folder, "model.onnx")).Length;
        var int8Size = new FileInfo(Path.Combine(int8Folder, "model.onnx")).Length;
        var ratio = int8Size / (double)fp32Size;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(checkpoint)}: fp32 {fp32Accuracy:0.0000}, int8 {int8Accuracy:0.0000} (drop {fp32Accuracy - int8Accuracy:0.0000}), agreement {agreement:0.0000}, size {int8Size}/{fp32Size} = {ratio:0.000}, kept fp32 [{string.Join(", ", result.Summary.KeptFp32)}], {result.Summary.Attempts.Count} attempt(s), {result.Elapsed.TotalSeconds:0.0} s"));
        output.WriteLine(result.Summary.Reason);

        Assert.True(fp32Accuracy - int8Accuracy <= MaxDrop, $"accuracy drop {fp32Accuracy - int8Accuracy:0.0000} > {MaxDrop}");
        Assert.True(agreement >= MinAgreement, $"argmax agreement {agreement:0.0000} < {MinAgreement}");
        Assert.True(ratio <= MaxSizeRatio, $"int8 model.onnx is {ratio:P1} of fp32's ({int8Size} vs {fp32Size} bytes)");
        Assert.Equal(int8Size, result.Summary.Int8SizeBytes);
        Assert.Equal(int8Accuracy, result.Summary.AccuracyInt8!.Value, 6);
    }

    private static int[] Predict(string folder, IReadOnlyList<(string Text, int Label)> examples)
    {
        using var model = BertModel.Load(folder);
        return model.ClassifyBatch(examples.Select(e => e.Text).ToList()).Select(r => r.Index).ToArray();
    }

    private static double Accuracy(int[] predictions, IReadOnlyList<(string Text, int Label)> examples) =>
        predictions.Where((p, i) => p == examples[i].Label).Count() / (double)examples.Count;
}
