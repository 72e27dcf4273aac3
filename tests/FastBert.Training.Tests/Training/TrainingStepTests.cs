using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Models.Data;
using FastBert.Tests;
using FastBert.Tokenization;
using FastBert.Training.Data;
using FastBert.Training.Modeling;
using FastBert.Training.Optimization;
using TorchSharp;

namespace FastBert.Training.Tests.Training;

/// <summary>
/// One training step on the shared SMS model against references that do not come from TorchSharp: the loss from the
/// PyTorch implementation's golden logits, the classifier bias after one AdamW step (its gradient is the batch mean of
/// softmax − one-hot, computable from those logits alone), and autograd against finite differences.
/// </summary>
public sealed class TrainingStepTests
{
    [Fact]
    public void Loss_and_the_head_bias_after_one_AdamW_step_match_the_reference_logits()
    {
        var goldens = GoldenExample.Load(TestPaths.SmsModel).Take(8).ToList();
        var examples = goldens.Select((g, i) => new LabelledExample(i + 1, g.Text, g.Label!.Value)).ToList();
        using var model = LoadWithoutDropout(TestPaths.SmsModel);
        var trainable = model.SetTrainable(TrainingMode.Full);
        var bias = model.Weights["classifier.bias"].data<float>().ToArray();
        const double lr = 1e-3;
        using var optimizer = new AdamW(trainable.Select(t => (t.Parameter, t.Decay)), weightDecay: 0.01);
        var encoded = new EncodedExamples(examples, BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel), 128, tokenTypes: true);

        var loss = FineTuner.Step(model, encoded.Build(Enumerable.Range(0, examples.Count).ToArray()), null, optimizer, [], clip: 0, lr);

        // Reference: mean cross-entropy of the golden logits; d loss / d bias = mean(softmax − one-hot).
        var gradient = new double[2];
        double referenceLoss = 0;
        foreach (var golden in goldens)
        {
            var max = golden.Logits.Max();
            var exp = golden.Logits.Select(l => Math.Exp(l - max)).ToArray();
            var sum = exp.Sum();
            referenceLoss -= Math.Log(exp[golden.Label!.Value] / sum) / goldens.Count;
            for (var c = 0; c < 2; c++)
            {
                gradient[c] += ((exp[c] / sum) - (c == golden.Label ? 1 : 0)) / goldens.Count;
            }
        }

        Assert.Equal(referenceLoss, loss, 4);
        var updated = model.Weights["classifier.bias"].data<float>().ToArray();
        for (var c = 0; c < 2; c++)
        {
            // First AdamW step without decay (biases are not decayed): p − lr · g / (|g| + ε).
            var expected = bias[c] - (lr * gradient[c] / (Math.Abs(gradient[c]) + 1e-8));
            Assert.True(Math.Abs(expected - updated[c]) < 1e-6, $"bias {c}: {updated[c]} vs reference {expected}");
        }
    }

    [Fact]
    public void Autograd_gradients_agree_with_finite_differences()
    {
        using var model = LoadWithoutDropout(TestPaths.ElectraModel);
        model.SetTrainable(TrainingMode.Full);
        var goldens = GoldenExample.Load(TestPaths.ElectraModel).Take(4).ToList();
        var examples = goldens.Select((g, i) => new LabelledExample(i + 1, g.Text, i % 3)).ToList();
        var encoded = new EncodedExamples(examples, BertTextTokenizer.FromModelDirectory(TestPaths.ElectraModel), 64, tokenTypes: true);
        using var batch = encoded.Build([0, 1, 2, 3]);

        double Loss()
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            return torch.nn.functional.cross_entropy(model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, training: false), batch.Labels).to_type(torch.ScalarType.Float64).item<double>();
        }

        using (var scope = torch.NewDisposeScope())
        {
            torch.nn.functional.cross_entropy(model.Forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, training: false), batch.Labels).backward();
        }

        var probes = new (string Name, long Index)[]
        {
            ("electra.embeddings_project.weight", 5),
            ("electra.encoder.layer.0.attention.self.query.weight", 17),
            ("electra.encoder.layer.1.intermediate.dense.weight", 300),
            ("electra.encoder.layer.1.output.LayerNorm.weight", 3),
            ("classifier.dense.bias", 7),
            ("classifier.out_proj.weight", 100),
        };
        foreach (var (name, index) in probes)
        {
            var parameter = model.Weights[name];
            var analytic = parameter.grad!.view(-1)[index].item<float>();
            const float h = 1e-2f;
            void Shift(float delta)
            {
                using var _ = torch.no_grad();
                var flat = parameter.view(-1);
                flat[index] = flat[index].add(delta);
            }

            double Shifted(float delta)
            {
                Shift(delta);
                var value = Loss();
                Shift(-delta);
                return value;
            }

            var numeric = (Shifted(h) - Shifted(-h)) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + (0.05 * Math.Abs(numeric)), $"{name}[{index}]: autograd {analytic}, finite difference {numeric}");
        }
    }

    internal static TransformerClassifier LoadWithoutDropout(string directory)
    {
        var config = TransformerConfig.Load(directory) with { HiddenDropout = 0, AttentionDropout = 0, ClassifierDropout = 0 };
        using var checkpoint = CheckpointLoader.Open(directory);
        return TransformerClassifier.Create(config, checkpoint, keepOutputLayer: true);
    }
}
