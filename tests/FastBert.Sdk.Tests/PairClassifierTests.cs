using FastBert.Tests;

namespace FastBert.Sdk.Tests;

public enum SmsPairLabel
{
    Ham,
    Spam,
}

/// <summary>What the generator emits for <c>inputs: [premise, hypothesis]</c>, written by hand for the runtime tests.</summary>
public sealed class SmsPairClassifier(string directory)
    : BertPairClassifier<SmsPairLabel>(directory, new ClassifierDefinition<SmsPairLabel>("sms-pair", ["ham", "spam"], [SmsPairLabel.Ham, SmsPairLabel.Spam]), null, null)
{
    public Prediction<SmsPairLabel> Predict(string premise, string hypothesis) =>
        PredictPair(premise, hypothesis, nameof(premise), nameof(hypothesis));

    public IReadOnlyList<Prediction<SmsPairLabel>> PredictBatch(IReadOnlyList<string> premises, IReadOnlyList<string> hypotheses) =>
        PredictPairBatch(premises, hypotheses, nameof(premises), nameof(hypotheses));

    public Task<IReadOnlyList<Prediction<SmsPairLabel>>> PredictBatchAsync(IReadOnlyList<string> premises, IReadOnlyList<string> hypotheses, CancellationToken cancellationToken = default) =>
        PredictPairBatchAsync(premises, hypotheses, cancellationToken, nameof(premises), nameof(hypotheses));
}

/// <summary>The same for <c>problem: multi-label</c> with <c>inputs: [premise, hypothesis]</c>.</summary>
public sealed class SmsTagsPairClassifier(string directory)
    : MultiLabelBertPairClassifier<SmsTags>(directory, new ClassifierDefinition<SmsTags>("sms-tags-pair", ["ham", "spam"], [SmsTags.Ham, SmsTags.Spam]), null, null)
{
    public MultiLabelPrediction<SmsTags> Predict(string premise, string hypothesis) =>
        PredictPair(premise, hypothesis, nameof(premise), nameof(hypothesis));
}

/// <summary>
/// The pair bases the generator's pair classifiers derive from: pair logits as the model computes them for HF-encoded
/// pairs, softmax or a sigmoid per label, and argument errors that name the derived class's parameters.
/// </summary>
public sealed class PairClassifierTests : IDisposable
{
    private static readonly (string Premise, string Hypothesis)[] Pairs =
    [
        ("Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.", "Ok lar... Joking wif u oni..."),
        ("Nah I don't think he goes to usf, he lives around here though", "WINNER!! As a valued network customer you have been selected to receivea £900 prize reward!"),
        ("U dun say so early hor... U c already then say...", ""),
    ];

    private readonly MultiLabelModelFolder _multiLabelFolder = new();

    public void Dispose() => _multiLabelFolder.Dispose();

    [Fact]
    public void SingleLabelPairs_AreTheSoftmaxOfThePairLogits_OneByOne_InBatches_AndThroughTheInterface()
    {
        using var model = BertModel.Load(TestPaths.SmsModel);
        var logits = model.ComputeLogits(Pairs.Select(p => model.Tokenizer.EncodePair(p.Premise, p.Hypothesis, model.Info.MaxTokens)).ToList());
        using var classifier = new SmsPairClassifier(TestPaths.SmsModel);
        ITextPairClassifier<SmsPairLabel> asInterface = classifier;

        var batch = classifier.PredictBatch(Pairs.Select(p => p.Premise).ToList(), Pairs.Select(p => p.Hypothesis).ToList());
        for (var i = 0; i < Pairs.Length; i++)
        {
            var spam = 1 / (1 + Math.Exp(logits[(2 * i) + 0] - logits[(2 * i) + 1]));
            var one = classifier.Predict(Pairs[i].Premise, Pairs[i].Hypothesis);
            Assert.Equal(spam, one.Probabilities[SmsPairLabel.Spam], 5);
            Assert.Equal(spam >= 0.5 ? SmsPairLabel.Spam : SmsPairLabel.Ham, one.Label);
            Assert.Equal(spam, batch[i].Probabilities[SmsPairLabel.Spam], 5);
            Assert.Equal(one.Probabilities[SmsPairLabel.Spam], asInterface.Predict(Pairs[i].Premise, Pairs[i].Hypothesis).Probabilities[SmsPairLabel.Spam]);
        }

        // The labels differ across the pairs, so agreement is not one constant answer.
        Assert.Contains(batch, p => p.Label == SmsPairLabel.Spam);
        Assert.Contains(batch, p => p.Label == SmsPairLabel.Ham);
    }

    [Fact]
    public void MultiLabelPairs_AreASigmoidPerPairLogit()
    {
        using var model = BertModel.Load(_multiLabelFolder.Path);
        var logits = model.ComputeLogits(Pairs.Select(p => model.Tokenizer.EncodePair(p.Premise, p.Hypothesis, model.Info.MaxTokens)).ToList());
        using var classifier = new SmsTagsPairClassifier(_multiLabelFolder.Path);
        IMultiLabelTextPairClassifier<SmsTags> asInterface = classifier;

        for (var i = 0; i < Pairs.Length; i++)
        {
            var prediction = classifier.Predict(Pairs[i].Premise, Pairs[i].Hypothesis);
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[2 * i]), prediction[SmsTags.Ham], 5);
            Assert.Equal(MultiLabelModelFolder.Sigmoid(logits[(2 * i) + 1]), prediction[SmsTags.Spam], 5);
            var expected = (logits[2 * i] >= 0 ? SmsTags.Ham : 0) | (logits[(2 * i) + 1] >= 0 ? SmsTags.Spam : 0);
            Assert.Equal(expected, prediction.Labels);
            Assert.Equal(expected, asInterface.PredictBatch([Pairs[i].Premise], [Pairs[i].Hypothesis])[0].Labels);
        }
    }

    [Fact]
    public async Task BadArguments_NameTheDerivedClassesParameters()
    {
        using var classifier = new SmsPairClassifier(TestPaths.SmsModel);

        Assert.Equal("hypothesis", Assert.Throws<ArgumentNullException>(() => classifier.Predict("a", null!)).ParamName);
        var shortBatch = Assert.Throws<ArgumentException>(() => classifier.PredictBatch(["a", "b"], ["c"]));
        Assert.Equal("hypotheses", shortBatch.ParamName);
        Assert.StartsWith("hypotheses has 1 entries for 2 premises", shortBatch.Message, StringComparison.Ordinal);
        Assert.Equal("premises", Assert.Throws<ArgumentException>(() => classifier.PredictBatch(["a", null!], ["c", "d"])).ParamName);
        var asyncError = await Assert.ThrowsAsync<ArgumentException>(() => classifier.PredictBatchAsync(["a"], [null!]));
        Assert.Equal("hypotheses", asyncError.ParamName);

        ITextPairClassifier<SmsPairLabel> asInterface = classifier;
        Assert.Equal("textPairs", Assert.Throws<ArgumentException>(() => asInterface.PredictBatch(["a"], [])).ParamName);
    }
}
