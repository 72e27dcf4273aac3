using FastBert.Models.Export;
using FastBert.Models.Onnx;
using FastBert.Tests;
using FastBert.Tokenization;
using FastBert.Training.Modeling;
using FastBert.Training.Tests.Modeling;
using TorchSharp;
using Xunit.Abstractions;

namespace FastBert.Training.Tests.Export;

/// <summary>
/// Sentence pairs through an exported shared checkpoint: ONNX Runtime's logits with token types 0 / 1 against the
/// TorchSharp forward pass (which matches the PyTorch goldens), for both graph forms; and the token types must
/// change the logits, or the comparison would not show that they reach the graph.
/// </summary>
public sealed class PairExportParityTests(ITestOutputHelper output) : IDisposable
{
    private const float Tolerance = 1e-4f;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-pair-parity", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    public static TheoryData<string, OnnxGraphForm> Exports => new()
    {
        { TestPaths.SmsModel, OnnxGraphForm.Standard },
        { TestPaths.SmsModel, OnnxGraphForm.Fused },
        { TestPaths.ElectraModel, OnnxGraphForm.Standard },
    };

    [Theory]
    [MemberData(nameof(Exports))]
    public void PairLogits_OfTheExport_MatchTheTorchSharpForwardPass(string checkpoint, OnnxGraphForm form)
    {
        var exported = Path.Combine(_root, $"{Path.GetFileName(checkpoint)}-{form}");
        OnnxExporter.Export(checkpoint, exported, new ExportOptions { Form = form });
        using var model = BertModel.Load(exported, new BertModelOptions { MaxTokens = 64 });
        var (texts, textPairs) = SstPairs(24);
        var pairs = texts.Select((t, i) => model.Tokenizer.EncodePair(t, textPairs[i], maxTokens: 64)).ToList();
        Assert.All(pairs, p => Assert.Contains(1, p.TokenTypeIds));
        Assert.Contains(pairs, p => p.Truncated);

        var ort = model.ComputeLogits(pairs);
        using var reference = ForwardParityTests.Load(checkpoint);
        var withTypes = Forward(reference, pairs, withTokenTypes: true);
        var withoutTypes = Forward(reference, pairs, withTokenTypes: false);

        var labels = model.Info.LabelNames.Count;
        float worst = 0, typeEffect = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            for (var k = 0; k < labels; k++)
            {
                worst = Math.Max(worst, Math.Abs(ort[i * labels + k] - withTypes[i][k]));
                typeEffect = Math.Max(typeEffect, Math.Abs(withTypes[i][k] - withoutTypes[i][k]));
            }
        }

        output.WriteLine($"{Path.GetFileName(checkpoint)} {form}: max |ORT - TorchSharp| over {pairs.Count} pairs = {worst:E2}; token types move logits by up to {typeEffect:E2}");
        Assert.True(worst <= Tolerance, $"max |Δlogit| {worst:E2} > {Tolerance:E0}");
        Assert.True(typeEffect > 100 * Tolerance, $"token types change the reference logits by only {typeEffect:E2}: this check could not see them");

        // The batched path (sorted, padded, pooled buffers) gives the same logits, and leaves no token type behind for
        // the single texts that follow.
        var single = model.Classify(texts[0]).Logits;
        var batched = model.ClassifyBatch(texts, textPairs.Cast<string?>().ToList());
        for (var i = 0; i < pairs.Count; i++)
        {
            for (var k = 0; k < labels; k++)
            {
                Assert.True(Math.Abs(batched[i].Logits[k] - ort[i * labels + k]) <= Tolerance, $"pair {i}: ClassifyBatch and ComputeLogits differ");
            }

            Assert.Equal(pairs[i].InputIds.Length, batched[i].TokenCount);
        }

        Assert.Equal(single, model.Classify(texts[0]).Logits);
        var one = model.Classify(texts[1], textPairs[1]).Logits;
        Assert.True(one.Zip(batched[1].Logits).All(x => Math.Abs(x.First - x.Second) <= Tolerance));
    }

    private static (List<string> Texts, List<string> TextPairs) SstPairs(int count)
    {
        var sentences = File.ReadLines(Path.Combine(TestPaths.Data, "sst2", "dev.tsv")).Skip(1)
            .Select(l => l[..l.LastIndexOf('\t')].Trim()).Where(s => s.Length > 0).Take(count * 2).ToList();
        return (sentences.Where((_, i) => i % 2 == 0).ToList(), sentences.Where((_, i) => i % 2 == 1).ToList());
    }

    internal static float[][] Forward(TransformerClassifier model, IReadOnlyList<EncodedPair> pairs, bool withTokenTypes)
    {
        var length = pairs.Max(p => p.InputIds.Length);
        var ids = new long[pairs.Count * length];
        var mask = new long[pairs.Count * length];
        var types = new long[pairs.Count * length];
        for (var b = 0; b < pairs.Count; b++)
        {
            for (var t = 0; t < pairs[b].InputIds.Length; t++)
            {
                ids[(b * length) + t] = pairs[b].InputIds[t];
                mask[(b * length) + t] = 1;
                types[(b * length) + t] = pairs[b].TokenTypeIds[t];
            }
        }

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var logits = model.Forward(
            torch.tensor(ids, [pairs.Count, length]),
            torch.tensor(mask, [pairs.Count, length]),
            withTokenTypes ? torch.tensor(types, [pairs.Count, length]) : null,
            training: false);
        var values = logits.data<float>().ToArray();
        var width = (int)logits.shape[1];
        return Enumerable.Range(0, pairs.Count).Select(b => values.AsSpan(b * width, width).ToArray()).ToArray();
    }
}
