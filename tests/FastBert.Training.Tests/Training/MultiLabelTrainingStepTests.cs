using FastBert.Models.Data;
using FastBert.Tests;
using FastBert.Tokenization;
using FastBert.Training.Data;
using FastBert.Training.Modeling;
using FastBert.Training.Optimization;
using TorchSharp;

namespace FastBert.Training.Tests.Training;

/// <summary>
/// Multi-label training on the shared SMS model read as two independent labels: the step's loss is binary
/// cross-entropy with logits of the PyTorch reference's golden logits (pos_weight included), and the head bias moves
/// by the sign of its gradient, mean(sigmoid − target), on the first AdamW step.
/// </summary>
public sealed class MultiLabelTrainingStepTests
{
    [Fact]
    public void BceLossWithPosWeight_and_the_first_bias_step_match_the_reference_logits()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel).Take(8).ToList();
        // Targets: the golden label, and every third example also the other one (a two-label row).
        var sets = goldens.Select((g, i) => i % 3 == 0 ? new[] { 0, 1 } : new[] { g.Label!.Value }).ToArray();
        var examples = goldens.Select((g, i) => LabelledExample.WithLabelSet(i + 1, g.Text, sets[i])).ToList();
        double[] posWeight = [2.0, 0.5];
        using var model = TrainingStepTests.LoadWithoutDropout(TestPaths.SmsModel);
        var trainable = model.SetTrainable(TrainingMode.Full);
        var bias = model.Weights["classifier.bias"].data<float>().ToArray();
        const double lr = 1e-3;
        using var optimizer = new AdamW(trainable.Select(t => (t.Parameter, t.Decay)), weightDecay: 0.01);
        var encoded = new EncodedExamples(examples, BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel), 128, tokenTypes: true, multiLabelCount: 2);
        using var weights = torch.tensor(posWeight.Select(w => (float)w).ToArray());

        var loss = FineTuner.Step(model, encoded.Build(Enumerable.Range(0, examples.Count).ToArray()), weights, optimizer, [], clip: 0, lr);

        // Reference: mean over (example, label) of −[w·y·ln σ(x) + (1−y)·ln(1−σ(x))]; d/d bias = mean over examples of
        // (w·y + 1 − y)·σ(x) − w·y, divided by the number of labels (the mean runs over both).
        double referenceLoss = 0;
        var gradient = new double[2];
        for (var i = 0; i < goldens.Count; i++)
        {
            for (var c = 0; c < 2; c++)
            {
                var x = (double)goldens[i].Logits[c];
                var y = sets[i].Contains(c) ? 1.0 : 0.0;
                var sigmoid = 1 / (1 + Math.Exp(-x));
                referenceLoss -= ((posWeight[c] * y * Math.Log(sigmoid)) + ((1 - y) * Math.Log(1 - sigmoid))) / (goldens.Count * 2);
                gradient[c] += ((((posWeight[c] * y) + 1 - y) * sigmoid) - (posWeight[c] * y)) / (goldens.Count * 2);
            }
        }

        Assert.Equal(referenceLoss, loss, 4);
        var updated = model.Weights["classifier.bias"].data<float>().ToArray();
        for (var c = 0; c < 2; c++)
        {
            var expected = bias[c] - (lr * gradient[c] / (Math.Abs(gradient[c]) + 1e-8));
            Assert.True(Math.Abs(expected - updated[c]) < 1e-6, $"bias {c}: {updated[c]} vs reference {expected}");
        }
    }

    [Fact]
    public void PositiveWeights_AreNegativesOverPositives()
    {
        IReadOnlyList<IReadOnlyList<int>> sets = [[0], [0, 1], [], [0]];

        Assert.Equal([1.0 / 3, 3.0, 1.0], FineTuner.PositiveWeights(sets, 3));
    }
}
