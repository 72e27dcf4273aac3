using FastBert.Models.Reports;

namespace FastBert.Models.Tests.Reports;

/// <summary>
/// Hand-built reports shaped like real runs: the SMS spam model (ham/spam, 1114 held-out messages) as fp32 and int8
/// with a comparison, benchmarks at batch 1 and 32 (200 latencies each), a quantization summary, and a 6-class
/// emotion evaluation. Metrics are computed from the confusion matrices so every number is consistent.
/// </summary>
internal static class SampleReports
{
    public static readonly MachineInfo Machine = new(
        "Debian GNU/Linux 12 (bookworm)", "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 8, "8.0.11", "1.22.0");

    private static readonly DateTimeOffset Created = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    public const string SmsData = "data/sms-spam/held-out.tsv";
    public const long Fp32Bytes = 17_563_442;
    public const long Int8Bytes = 4_517_902;

    public static readonly ModelRef Fp32 = new("fp32", "models/sms-spam-bert-tiny/model.onnx", Fp32Bytes, "fused", "none");
    public static readonly ModelRef Int8 = new("int8", "models/sms-spam-bert-tiny/model.int8.onnx", Int8Bytes, "fused", "dynamic-int8");

    /// <summary>All four reports, in the order a user would pass them to <c>fastbert report</c>.</summary>
    public static IReadOnlyList<Report> All() => [SmsEvaluation(), SmsBenchmark(), SmsQuantization(), EmotionEvaluation()];

    public static Report SmsEvaluation()
    {
        string[] labels = ["ham", "spam"];
        var fp32 = Metrics(labels, [[963, 3], [6, 142]], auroc: 0.99631, logLoss: 0.031742);
        var int8 = Metrics(labels, [[962, 4], [6, 142]], auroc: 0.99587, logLoss: 0.033918);
        var flipped = SmsFlips();
        return new Report
        {
            Kind = "evaluate",
            CreatedUtc = Created,
            Command = "fastbert evaluate models/sms-spam-bert-tiny --data data/sms-spam/held-out.tsv --variants fp32,int8 --json sms-eval.json",
            Machine = Machine,
            Evaluations =
            [
                new Evaluation(Fp32, new DataRef(SmsData, 1114), fp32),
                new Evaluation(Int8, new DataRef(SmsData, 1114), int8),
            ],
            Comparisons =
            [
                new VariantComparison("fp32", "int8",
                    int8.Accuracy - fp32.Accuracy,
                    int8.Macro.F1 - fp32.Macro.F1,
                    int8.Weighted.F1 - fp32.Weighted.F1,
                    1 - flipped.Count / 1114.0,
                    flipped),
            ],
        };
    }

    /// <summary>13 disagreements between fp32 and int8 (7 int8 got wrong, 6 it got right), in index order.</summary>
    public static IReadOnlyList<FlippedExample> SmsFlips() =>
    [
        new(17, "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May. Text FA to 87121", "spam", "spam", "ham"),
        new(58, "Ok lar... Joking wif u oni...", "ham", "ham", "spam"),
        new(102, "WINNER!! As a valued network customer you have been selected to receive a £900 prize reward! Visit http://win.example.com/claim", "spam", "ham", "spam"),
        new(188, "Is that seriously how you spell his name? <3 & \"quotes\" 'too'", "ham", "spam", "ham"),
        new(230, "Had your mobile 11 months or more? U R entitled to Update to the latest colour mobiles with camera for Free!", "spam", "spam", "ham"),
        new(301, "I'm gonna be home soon and i don't want to talk about this stuff anymore tonight", "ham", "ham", "spam"),
        new(377, "SIX chances to win CASH! From 100 to 20,000 pounds txt> CSH11 and send to 87575. Cost 150p/day", "spam", "ham", "spam"),
        new(412, "<script>alert('x')</script> call me | now", "ham", "spam", "ham"),
        new(498, "URGENT! You have won a 1 week FREE membership in our £100,000 Prize Jackpot!", "spam", "spam", "ham"),
        new(533, "Even my brother is not like to speak with me. They treat me like aids patent.", "ham", "ham", "spam"),
        new(640, "XXXMobileMovieClub: To use your credit, click the WAP link in the next txt message", "spam", "ham", "spam"),
        new(705, "Eleventh flipped example that the tables must leave out", "ham", "ham", "spam"),
        new(981, "Twelfth flipped example, also left out", "ham", "spam", "ham"),
    ];

    public static Report SmsBenchmark() => new()
    {
        Kind = "benchmark",
        CreatedUtc = Created.AddMinutes(4),
        Command = "fastbert benchmark models/sms-spam-bert-tiny --variants fp32,int8 --batch 1,32 --iterations 200 --json sms-bench.json",
        Machine = Machine,
        Benchmarks =
        [
            new BenchmarkResult(Fp32, 184.372, 96_468_992,
            [
                Run("data", 1, null, medianMs: 2.1, spread: 0.07, seed: 1),
                Run("data", 32, null, medianMs: 31.4, spread: 0.05, seed: 2),
            ]),
            new BenchmarkResult(Int8, 121.905, 71_303_168,
            [
                Run("data", 1, null, medianMs: 1.26, spread: 0.08, seed: 3),
                Run("data", 32, null, medianMs: 17.9, spread: 0.06, seed: 4),
            ]),
        ],
    };

    public static Report SmsQuantization()
    {
        var evaluation = SmsEvaluation();
        var fp32 = evaluation.Evaluations[0].Metrics.Accuracy;
        var int8 = evaluation.Evaluations[1].Metrics.Accuracy;
        return new Report
        {
            Kind = "quantize",
            CreatedUtc = Created.AddMinutes(9),
            Command = "fastbert quantize models/sms-spam-bert-tiny --data data/sms-spam/held-out.tsv --max-accuracy-drop 0.01 --json sms-quantize.json",
            Machine = Machine,
            Quantization = new QuantizationSummary(
                Accepted: true,
                Reason: string.Create(System.Globalization.CultureInfo.InvariantCulture, $"int8 accuracy {int8:0.0000} is within 0.0100 of fp32 {fp32:0.0000} with the classifier kept in fp32"),
                MaxAccuracyDrop: 0.01,
                AccuracyFp32: fp32,
                AccuracyInt8: int8,
                ArgmaxAgreement: evaluation.Comparisons[0].ArgmaxAgreement,
                Fp32SizeBytes: Fp32Bytes,
                Int8SizeBytes: Int8Bytes,
                KeptFp32: ["/classifier/MatMul"],
                Attempts:
                [
                    new QuantizationAttempt(1, [], 0.977558, 0.014363, 0.982047, WithinBudget: false),
                    new QuantizationAttempt(2, ["/classifier/MatMul"], int8, fp32 - int8, evaluation.Comparisons[0].ArgmaxAgreement, WithinBudget: true),
                ]),
        };
    }

    public static Report RefusedQuantization() => new()
    {
        Kind = "quantize",
        CreatedUtc = Created,
        Command = "fastbert quantize models/emotion --max-accuracy-drop 0.002",
        Machine = Machine,
        Quantization = new QuantizationSummary(
            Accepted: false,
            Reason: "every layout lost more than 0.0020 accuracy; nothing was written",
            MaxAccuracyDrop: 0.002,
            AccuracyFp32: 0.8805,
            AccuracyInt8: null,
            ArgmaxAgreement: null,
            Fp32SizeBytes: 44_712_330,
            Int8SizeBytes: null,
            KeptFp32: [],
            Attempts:
            [
                new QuantizationAttempt(1, [], 0.861, 0.0195, 0.951, WithinBudget: false),
                new QuantizationAttempt(2, ["/classifier/MatMul", "/pre_classifier/MatMul"], 0.8745, 0.006, null, WithinBudget: false),
            ]),
    };

    /// <summary>
    /// <c>fastbert train</c> of the SMS model: full fine-tuning of bert-tiny with a new classifier, stopped early after
    /// epoch 4 of 5 with epoch 2 kept, plus the kept model's evaluation on the validation data.
    /// </summary>
    public static Report SmsTraining() => new()
    {
        Kind = "train",
        CreatedUtc = Created.AddMinutes(-30),
        Command = "fastbert train models/bert-tiny --data data/sms-spam/train.tsv --validation data/sms-spam/held-out.tsv --epochs 5 --early-stopping 2 --out models/sms-spam-bert-tiny",
        Machine = Machine,
        Training = SmsTrainingSummary(),
        Evaluations = [new Evaluation(Fp32, new DataRef(SmsData, 1114), Metrics(["ham", "spam"], [[963, 3], [6, 142]], auroc: 0.99631, logLoss: 0.031742))],
    };

    public static TrainingSummary SmsTrainingSummary() => new()
    {
        Mode = "full",
        BaseModel = "models/bert-tiny",
        ModelType = "bert",
        Labels = ["ham", "spam"],
        NewlyInitialized = ["classifier.weight", "classifier.bias"],
        TrainableParameters = 4_386_178,
        TotalParameters = 4_386_178,
        Settings = new TrainingSettings(
            Epochs: 5, LearningRate: 5e-5, BatchSize: 32, MaxTokens: 128, Seed: 42, WeightDecay: 0.01, WarmupRatio: 0.1, GradientClip: 1.0,
            EarlyStoppingPatience: 2, ClassWeights: [1.0, 3.25]),
        TrainingData = new DataRef("data/sms-spam/train.tsv", 4458),
        ValidationData = new DataRef(SmsData, 1114),
        Epochs =
        [
            new EpochSummary(1, 140, 0.412873, 0.118204, 0.969479, 0.951122, 0.902337, 0.925168, 0.968544, 0.984417, 61.27, 4.3651e-5),
            new EpochSummary(2, 140, 0.087216, 0.031742, 0.991921, 0.986569, 0.978198, 0.982307, 0.991886, 0.99631, 58.904, 3.1746e-5),
            new EpochSummary(3, 140, 0.041559, 0.036018, 0.990126, 0.984905, 0.972987, 0.978846, 0.990059, 0.996012, 59.413, 1.9841e-5),
            new EpochSummary(4, 140, 0.025037, 0.040336, 0.989228, 0.983501, 0.970122, 0.976673, 0.989137, 0.995877, 59.052, 7.937e-6),
        ],
        KeptEpoch = 2,
        Outcome = "early-stopping",
        TotalSeconds = 241.93,
    };

    /// <summary>A LoRA run without validation data, cancelled after one epoch: every validation value is missing.</summary>
    public static TrainingSummary LoraTrainingSummary() => new()
    {
        Mode = "lora",
        BaseModel = "models/emotion-distilbert-tiny",
        ModelType = "distilbert",
        Labels = EmotionLabels,
        TrainableParameters = 9_222,
        TotalParameters = 11_178_502,
        Settings = new TrainingSettings(
            Epochs: 3, LearningRate: 2e-4, BatchSize: 16, MaxTokens: 64, Seed: 7, WeightDecay: 0, WarmupRatio: 0.06, GradientClip: 1.0,
            EarlyStoppingPatience: null, ClassWeights: null, LoraRank: 8, LoraAlpha: 16, LoraTargets: ["q_lin", "v_lin"]),
        TrainingData = new DataRef("data/emotion/train.txt", 16000),
        Epochs = [new EpochSummary(1, 1000, 1.204418, null, null, null, null, null, null, null, 312.5, 1.3333e-4)],
        KeptEpoch = 1,
        Outcome = "cancelled",
        TotalSeconds = 318.04,
    };

    public static readonly string[] EmotionLabels = ["sadness", "joy", "love", "anger", "fear", "surprise"];

    public static Report EmotionEvaluation() => new()
    {
        Kind = "evaluate",
        CreatedUtc = Created.AddMinutes(15),
        Command = "fastbert evaluate models/emotion-distilbert-tiny --data data/emotion/test.txt --json emotion-eval.json",
        Machine = Machine,
        Evaluations =
        [
            new Evaluation(
                new ModelRef("emotion-distilbert-tiny", "models/emotion-distilbert-tiny/model.onnx", 44_712_330, "fused", "none"),
                new DataRef("data/emotion/test.txt", 2000),
                Metrics(EmotionLabels,
                [
                    [540, 12, 3, 14, 10, 2],
                    [10, 642, 30, 6, 4, 3],
                    [4, 38, 114, 2, 1, 0],
                    [16, 8, 1, 240, 10, 0],
                    [12, 5, 0, 9, 186, 12],
                    [3, 9, 0, 1, 14, 39],
                ], auroc: 0.97412, logLoss: 0.391207)),
        ],
    };

    /// <summary>Scikit-learn style metrics from a [true][predicted] confusion matrix.</summary>
    public static ClassificationMetrics Metrics(string[] labels, int[][] confusion, double? auroc, double logLoss)
    {
        var n = labels.Length;
        var total = confusion.Sum(r => r.Sum());
        var perClass = new List<ClassScores>();
        for (var c = 0; c < n; c++)
        {
            var tp = confusion[c][c];
            var support = confusion[c].Sum();
            var predicted = confusion.Sum(r => r[c]);
            var precision = predicted == 0 ? 0 : (double)tp / predicted;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassScores(labels[c], precision, recall, f1, support, recall));
        }

        AveragedScores Average(Func<ClassScores, double> weight)
        {
            var sum = perClass.Sum(weight);
            return new AveragedScores(
                perClass.Sum(s => s.Precision * weight(s)) / sum,
                perClass.Sum(s => s.Recall * weight(s)) / sum,
                perClass.Sum(s => s.F1 * weight(s)) / sum);
        }

        return new ClassificationMetrics
        {
            Labels = labels,
            Accuracy = (double)Enumerable.Range(0, n).Sum(i => confusion[i][i]) / total,
            Macro = Average(_ => 1),
            Weighted = Average(s => s.Support),
            PerClass = perClass,
            ConfusionMatrix = confusion,
            Auroc = auroc,
            LogLoss = logLoss,
        };
    }

    /// <summary>200 log-normal call times around a median with a few slow outliers, summarised like the benchmark does.</summary>
    public static LatencyRun Run(string mode, int batch, int? sequence, double medianMs, double spread, int seed)
    {
        var random = new Random(seed);
        var latencies = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            // Box-Muller normal sample.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var value = medianMs * Math.Exp(spread * normal);
            if (i % 67 == 13)
            {
                value *= 1.6; // GC pause or scheduler hiccup
            }

            latencies.Add(Math.Round(value, 4));
        }

        var sorted = latencies.Order().ToList();
        double Percentile(double p)
        {
            var rank = p * (sorted.Count - 1);
            var low = (int)Math.Floor(rank);
            var high = Math.Min(low + 1, sorted.Count - 1);
            return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
        }

        var mean = latencies.Average();
        var std = Math.Sqrt(latencies.Sum(v => (v - mean) * (v - mean)) / latencies.Count);
        return new LatencyRun(mode, batch, sequence, latencies.Count, Percentile(0.5), Percentile(0.95), Percentile(0.99), mean, std, batch * 1000 / mean, latencies);
    }
}
