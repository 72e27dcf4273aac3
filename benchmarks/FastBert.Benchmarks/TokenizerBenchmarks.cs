using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using FastBert.Tests;
using FastBert.Tokenization;
using PeerTokenizer = FastBertTokenizer.BertTokenizer;

namespace FastBert.Benchmarks;

/// <summary>
/// Tokenizer throughput on English text, one thread: fastbert's <see cref="BertTextTokenizer"/> (into a caller's
/// span, as the runtime uses it, and the allocating <c>Encode</c>) side by side with FastBertTokenizer 1.2.6 from
/// NuGet, same vocab.txt (bert-base-uncased), lowercasing, 128-token limit. One operation = the whole corpus;
/// Allocated is per corpus pass, "Tokens/s" divides the corpus's token count (fastbert's) by the mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(TokensPerSecondConfig))]
public class TokenizerBenchmarks
{
    private const int MaxTokens = 128;
    private readonly long[] _ids = new long[MaxTokens];
    private readonly long[] _mask = new long[MaxTokens];
    private BertTextTokenizer _fastbert = null!;
    private PeerTokenizer _peer = null!;
    private string[] _texts = [];

    /// <summary>sms: the 1114 held-out SMS messages; sst2: the 872 SST-2 dev sentences.</summary>
    [Params("sms", "sst2")]
    public string Corpus { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _texts = Texts(Corpus);
        _fastbert = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel);
        _peer = new PeerTokenizer();
        using var vocab = File.OpenText(Path.Combine(TestPaths.SmsModel, "vocab.txt"));
        _peer.LoadVocabulary(vocab, convertInputToLowercase: true);
    }

    [Benchmark(Baseline = true, Description = "fastbert EncodeInto(span)")]
    public long FastBertIntoSpan()
    {
        long sum = 0;
        foreach (var text in _texts)
        {
            sum += _fastbert.EncodeInto(text, _ids, out _);
        }

        return sum;
    }

    [Benchmark(Description = "fastbert Encode (int[])")]
    public long FastBertArray()
    {
        long sum = 0;
        foreach (var text in _texts)
        {
            sum += _fastbert.Encode(text, MaxTokens).Length;
        }

        return sum;
    }

    [Benchmark(Description = "FastBertTokenizer 1.2.6 Encode(span)")]
    public long Peer()
    {
        long sum = 0;
        foreach (var text in _texts)
        {
            sum += _peer.Encode(text, _ids, _mask);
        }

        return sum;
    }

    internal static string[] Texts(string corpus) => corpus switch
    {
        "sms" => SmsData.HeldOut().Select(m => m.Text).ToArray(),
        "sst2" => File.ReadLines(Path.Combine(TestPaths.Data, "sst2", "dev.tsv")).Skip(1).Select(l => l[..l.LastIndexOf('\t')]).ToArray(),
        _ => throw new ArgumentException($"unknown corpus {corpus}"),
    };

    private sealed class TokensPerSecondConfig : ManualConfig
    {
        public TokensPerSecondConfig() => AddColumn(new TokensPerSecondColumn());
    }

    /// <summary>Corpus tokens ([CLS]/[SEP] included, as fastbert counts them) per second of the mean time.</summary>
    private sealed class TokensPerSecondColumn : IColumn
    {
        private static readonly Dictionary<string, long> TokensByCorpus = new();

        public string Id => nameof(TokensPerSecondColumn);

        public string ColumnName => "Tokens/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Corpus tokens per second (mean)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var corpus = (string)benchmarkCase.Parameters[nameof(Corpus)];
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (mean is not double nanoseconds)
            {
                return "-";
            }

            return (Tokens(corpus) / (nanoseconds / 1e9) / 1e6).ToString("0.00 M", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;

        private static long Tokens(string corpus)
        {
            lock (TokensByCorpus)
            {
                if (!TokensByCorpus.TryGetValue(corpus, out var tokens))
                {
                    var tokenizer = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel);
                    tokens = Texts(corpus).Sum(t => (long)tokenizer.Encode(t, MaxTokens).Length);
                    TokensByCorpus[corpus] = tokens;
                }

                return tokens;
            }
        }
    }
}
