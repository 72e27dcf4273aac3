using FastBert.Models.Checkpoints;
using FastBert.Models.Configuration;
using FastBert.Tests;
using FastBert.Training.Modeling;
using FastBert.Training.Tests.Modeling;

namespace FastBert.Training.Tests.Training;

/// <summary>What each mode trains, LoRA's parameter count and merge, and how a run is seeded, stopped and kept.</summary>
public sealed class TrainingModeTests : IDisposable
{
    private readonly TemporaryFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    // sms-spam-bert-tiny: hidden 128, intermediate 512, 2 layers; BERT's head is the classifier alone.
    private const int Hidden = 128, Intermediate = 512, Layers = 2;

    [Fact]
    public void Lora_on_every_linear_trains_exactly_the_formula_count()
    {
        using var model = Create(TrainingData.EmotionLabels);
        var adapted = model.AddLoraAdapters(new LoraOptions(Rank: 8, Alpha: 16));
        var trainable = model.SetTrainable(TrainingMode.Lora).Sum(t => t.Parameter.numel());

        // r·(in + out) per adapted linear: q, k, v, attention output (128→128), intermediate (128→512),
        // output (512→128) in each layer, and the pooler (128→128); plus the new 6-label classifier.
        const int r = 8;
        var perLayer = (4 * r * (Hidden + Hidden)) + (r * (Hidden + Intermediate)) + (r * (Intermediate + Hidden));
        var expected = (Layers * perLayer) + (r * (Hidden + Hidden)) + (6 * Hidden) + 6;
        Assert.Equal(expected, trainable);
        Assert.Equal((Layers * 6) + 1, adapted.Count);
    }

    [Fact]
    public void Lora_on_query_and_value_trains_only_those_adapters_and_the_head()
    {
        using var model = Create(TrainingData.EmotionLabels);
        var adapted = model.AddLoraAdapters(new LoraOptions(Rank: 4, Alpha: 8, Targets: ["query", "value"]));
        var trainable = model.SetTrainable(TrainingMode.Lora);

        Assert.Equal(["bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.1.attention.self.query", "bert.encoder.layer.0.attention.self.value", "bert.encoder.layer.1.attention.self.value"], adapted);
        Assert.Equal((Layers * 2 * 4 * (Hidden + Hidden)) + (6 * Hidden) + 6, trainable.Sum(t => t.Parameter.numel()));
        Assert.DoesNotContain(trainable, t => t.Name.Contains("embeddings", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_lora_target_lists_the_layers_there_are()
    {
        using var model = Create(TrainingData.EmotionLabels);
        var error = Assert.Throws<TrainingException>(() => model.AddLoraAdapters(new LoraOptions(Targets: ["q_lin"])));
        Assert.Contains("'q_lin' matches no linear layer", error.Message, StringComparison.Ordinal);
        Assert.Contains("attention.self.query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Head_mode_trains_only_the_layers_outside_the_base_model()
    {
        using var bert = Create(TrainingData.EmotionLabels);
        Assert.Equal(["classifier.weight", "classifier.bias"], bert.SetTrainable(TrainingMode.Head).Select(t => t.Name));

        var distilConfig = TransformerConfig.Load(TestPaths.EmotionModel);
        using var checkpoint = CheckpointLoader.Open(TestPaths.EmotionModel);
        using var distil = TransformerClassifier.Create(distilConfig, checkpoint, keepOutputLayer: true);
        Assert.Equal(["pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias"], distil.SetTrainable(TrainingMode.Head).Select(t => t.Name));
        Assert.Empty(distil.NewlyInitialized);
    }

    [Theory]
    [InlineData(TrainingMode.Full)]
    [InlineData(TrainingMode.Head)]
    [InlineData(TrainingMode.Lora)]
    public void Each_mode_changes_exactly_what_it_trains_and_lora_is_merged_on_save(TrainingMode mode)
    {
        var output = _folders.New();
        var result = FineTuner.Train(new TrainingRequest
        {
            BaseDirectory = TestPaths.SmsModel,
            Labels = TrainingData.SmsLabels,
            Train = TrainingData.Sms(0, 64),
            TrainDataPath = TrainingData.SmsFile,
            OutputDirectory = output,
            Mode = mode,
            Epochs = 1,
            LearningRate = 1e-2,
            WarmupRatio = 0,
            KeepAdapters = true,
        });
        Assert.True(result.ModelWritten);

        using var before = CheckpointLoader.Open(TestPaths.SmsModel);
        using var after = CheckpointLoader.Open(output);
        var changed = after.Tensors.Keys.Where(name => !before.ReadFloat32(name).SequenceEqual(after.ReadFloat32(name))).ToHashSet();
        var headOnly = new HashSet<string> { "classifier.weight", "classifier.bias" };
        switch (mode)
        {
            case TrainingMode.Full:
                Assert.Contains("bert.embeddings.LayerNorm.weight", changed);
                Assert.Contains("bert.encoder.layer.1.output.dense.weight", changed);
                Assert.False(File.Exists(Path.Combine(output, "adapter_model.safetensors")));
                break;
            case TrainingMode.Head:
                Assert.Equal(headOnly, changed);
                break;
            default:
                // Merged: every adapted weight moved, biases and norms of the frozen base did not.
                Assert.Contains("bert.encoder.layer.0.attention.self.query.weight", changed);
                Assert.Contains("bert.pooler.dense.weight", changed);
                Assert.DoesNotContain("bert.encoder.layer.0.attention.self.query.bias", changed);
                Assert.DoesNotContain("bert.embeddings.word_embeddings.weight", changed);
                using (var adapters = CheckpointLoader.OpenFile(Path.Combine(output, "adapter_model.safetensors")))
                {
                    Assert.Equal(2 * 13, adapters.Tensors.Count);
                    Assert.Equal([8L, Hidden], adapters.Tensors["base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.weight"].Shape);
                }

                Assert.Contains("\"r\": 8", File.ReadAllText(Path.Combine(output, "adapter_config.json")), StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public void Merged_lora_weights_compute_what_the_adapters_computed()
    {
        using var model = Create(TrainingData.SmsLabels);
        model.AddLoraAdapters(new LoraOptions(Rank: 4, Alpha: 8));
        // Give B non-zero values so the adapters change the output.
        using (TorchSharp.torch.no_grad())
        {
            foreach (var adapter in model.Adapters.Values)
            {
                adapter.B.normal_(0, 0.2);
            }
        }

        var inputs = GoldenExample.Load(TestPaths.SmsModel).Take(5).Select(g => g.InputIds).ToArray();
        var adapted = ForwardParityTests.Forward(model, inputs);
        var folder = _folders.New();
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestPaths.SmsModel, "config.json"), Path.Combine(folder, "config.json"));
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), model.ExportWeights());
        using var merged = ForwardParityTests.Load(folder);
        var plain = ForwardParityTests.Forward(merged, inputs);
        var baseline = ForwardParityTests.Forward(ForwardParityTests.Load(TestPaths.SmsModel), inputs);
        for (var i = 0; i < inputs.Length; i++)
        {
            ForwardParityTests.AssertClose(adapted[i], plain[i], 1e-4f, $"example {i}");
        }

        var change = adapted.Zip(baseline).Max(p => p.First.Zip(p.Second).Max(l => Math.Abs(l.First - l.Second)));
        Assert.True(change > 0.01, $"the adapters must change the logits for this test to mean anything (max change {change})");
    }

    [Fact]
    public async Task The_same_seed_gives_identical_weights_and_another_seed_does_not()
    {
        string Run(int seed)
        {
            var output = _folders.New();
            FineTuner.Train(new TrainingRequest
            {
                BaseDirectory = TestPaths.SmsModel,
                FromScratch = true,
                Labels = TrainingData.SmsLabels,
                Train = TrainingData.Sms(0, 48),
                TrainDataPath = TrainingData.SmsFile,
                OutputDirectory = output,
                Epochs = 1,
                BatchSize = 16,
                Seed = seed,
            });
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(output, "model.safetensors"))));
        }

        var first = Run(7);

        // Another user of torch's process-wide random source, drawing throughout the second run, changes nothing.
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var draw = TorchSharp.torch.rand(1000);
            }
        });
        var second = Run(7);
        stop.Cancel();
        await noise;

        Assert.Equal(first, second);
        Assert.NotEqual(first, Run(8));
    }

    [Fact]
    public void Cancelling_keeps_the_last_completed_epoch()
    {
        var output = _folders.New();
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingEvent>(e =>
        {
            if (e is BatchCompleted { Epoch: 2, Batch: 1 })
            {
                cancel.Cancel();
            }
        });
        var result = FineTuner.Train(SmallRun(output, epochs: 3), progress, cancel.Token);

        Assert.Equal("cancelled", result.Summary.Outcome);
        Assert.Equal(1, result.Summary.KeptEpoch);
        Assert.Single(result.Summary.Epochs);
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        Assert.Contains("\"outcome\": \"cancelled\"", File.ReadAllText(Path.Combine(output, "train.json")), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.*"));
    }

    [Fact]
    public void Cancelling_before_the_first_epoch_writes_nothing()
    {
        var output = _folders.New();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var result = FineTuner.Train(SmallRun(output, epochs: 2), null, cancel.Token);

        Assert.False(result.ModelWritten);
        Assert.Null(result.Summary.KeptEpoch);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch()
    {
        // A learning rate too small to move any prediction: macro-F1 never improves after epoch 1.
        var output = _folders.New();
        var result = FineTuner.Train(SmallRun(output, epochs: 4) with { LearningRate = 1e-12, EarlyStoppingPatience = 1 });

        Assert.Equal("early-stopping", result.Summary.Outcome);
        Assert.Equal(2, result.Summary.Epochs.Count);
        Assert.Equal(1, result.Summary.KeptEpoch);
    }

    [Fact]
    public void Balanced_class_weights_are_n_over_classes_times_count()
    {
        var weights = FineTuner.BalancedWeights([0, 0, 0, 1, 0, 0, 1, 0], 3);
        Assert.Equal([8.0 / (3 * 6), 8.0 / (3 * 2), 0.0], weights);
    }

    private static TrainingRequest SmallRun(string output, int epochs) => new()
    {
        BaseDirectory = TestPaths.SmsModel,
        Labels = TrainingData.SmsLabels,
        Train = TrainingData.Sms(0, 32),
        Validation = TrainingData.Sms(32, 32),
        TrainDataPath = TrainingData.SmsFile,
        OutputDirectory = output,
        Epochs = epochs,
        BatchSize = 16,
    };

    private static TransformerClassifier Create(IReadOnlyList<string> labels)
    {
        var config = TransformerConfig.Load(TestPaths.SmsModel) with { Id2Label = labels.ToArray() };
        using var checkpoint = CheckpointLoader.Open(TestPaths.SmsModel);
        return TransformerClassifier.Create(config, checkpoint, keepOutputLayer: labels.SequenceEqual(TrainingData.SmsLabels));
    }
}
