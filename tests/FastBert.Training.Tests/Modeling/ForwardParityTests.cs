using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Tests;
using FastBert.Training.Modeling;
using TorchSharp;

namespace FastBert.Training.Tests.Modeling;

/// <summary>
/// The TorchSharp classifier against the independent PyTorch reference: golden logits of the shared models (BERT,
/// DistilBERT, ELECTRA with an embedding projection), one example at a time and inside one padded batch.
/// </summary>
public sealed class ForwardParityTests
{
    public static TheoryData<string> Models => new() { TestPaths.SmsModel, TestPaths.EmotionModel, TestPaths.ElectraModel };

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_match_the_reference_one_by_one(string modelDirectory)
    {
        using var model = Load(modelDirectory);
        foreach (var golden in GoldenExample.Load(modelDirectory))
        {
            var logits = Forward(model, [golden.InputIds])[0];
            AssertClose(golden.Logits, logits, 1e-4f, golden.Text);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Logits_match_the_reference_in_a_padded_batch(string modelDirectory)
    {
        using var model = Load(modelDirectory);
        var goldens = GoldenExample.Load(modelDirectory);
        var logits = Forward(model, goldens.Select(g => g.InputIds).ToArray());
        for (var i = 0; i < goldens.Count; i++)
        {
            AssertClose(goldens[i].Logits, logits[i], 1e-4f, goldens[i].Text);
        }
    }

    [Fact]
    public void Dropout_is_off_outside_training_and_on_in_training()
    {
        using var model = Load(TestPaths.SmsModel);
        var ids = GoldenExample.Load(TestPaths.SmsModel)[0].InputIds;
        using var input = torch.tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        using var mask = torch.ones([1, ids.Length], torch.ScalarType.Int64);
        using var _ = torch.no_grad();
        using var eval1 = model.Forward(input, mask, null, training: false);
        using var eval2 = model.Forward(input, mask, null, training: false);
        using var train = model.Forward(input, mask, null, training: true);
        Assert.True(eval1.allclose(eval2, rtol: 0, atol: 0));
        Assert.False(eval1.allclose(train, rtol: 0, atol: 1e-6));
    }

    internal static TransformerClassifier Load(string directory)
    {
        var config = TransformerConfig.Load(directory);
        using var checkpoint = CheckpointLoader.Open(directory);
        return TransformerClassifier.Create(config, checkpoint, keepOutputLayer: true);
    }

    internal static float[][] Forward(TransformerClassifier model, int[][] sequences)
    {
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Length * length];
        var mask = new long[sequences.Length * length];
        for (var b = 0; b < sequences.Length; b++)
        {
            for (var t = 0; t < sequences[b].Length; t++)
            {
                ids[(b * length) + t] = sequences[b][t];
                mask[(b * length) + t] = 1;
            }
        }

        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var logits = model.Forward(torch.tensor(ids, [sequences.Length, length]), torch.tensor(mask, [sequences.Length, length]), null, training: false);
        var values = logits.data<float>().ToArray();
        var width = (int)logits.shape[1];
        return Enumerable.Range(0, sequences.Length).Select(b => values.AsSpan(b * width, width).ToArray()).ToArray();
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}: logit {i} is {actual[i]}, expected {expected[i]} (±{tolerance}).");
        }
    }
}
