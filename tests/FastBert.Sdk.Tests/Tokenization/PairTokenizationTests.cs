using System.Text;
using System.Text.Json;
using FastBert.Tests;
using FastBert.Tokenization;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>
/// Sentence pairs encode as [CLS] a [SEP] b [SEP] with token types 0 / 1, exactly as transformers.js (the npm package)
/// encodes them from the shared bert-base-uncased tokenizer folder, and truncate like Hugging Face tokenizers'
/// longest_first.
/// </summary>
public sealed class PairTokenizationTests
{
    private static readonly string TokenizerFolder = Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased");

    // Odd and even limits, the smallest possible, ones that cut one side only and ones that cut both.
    private static readonly int[] Limits = [3, 4, 5, 6, 7, 8, 11, 16, 17, 32, 64, 128, 512];

    // The table of tokenizers' own truncate_encodings_longest_first test (max_length 7 over pieces of lengths
    // 0, 2, 4 and 8): the upstream facts this rule must reproduce.
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 2, 0, 2)]
    [InlineData(0, 4, 0, 4)]
    [InlineData(0, 8, 0, 7)]
    [InlineData(2, 0, 2, 0)]
    [InlineData(2, 2, 2, 2)]
    [InlineData(2, 4, 2, 4)]
    [InlineData(2, 8, 2, 5)]
    [InlineData(4, 0, 4, 0)]
    [InlineData(4, 2, 4, 2)]
    [InlineData(4, 4, 3, 4)]
    [InlineData(4, 8, 3, 4)]
    [InlineData(8, 0, 7, 0)]
    [InlineData(8, 2, 5, 2)]
    [InlineData(8, 4, 4, 3)]
    [InlineData(8, 8, 3, 4)]
    public void LongestFirst_MatchesTokenizersOwnTable(int first, int second, int keptFirst, int keptSecond) =>
        Assert.Equal((keptFirst, keptSecond), PairTruncation.LongestFirst(first, second, 7));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(5, 5, 0)]
    [InlineData(12, 10, 1)]
    [InlineData(10, 12, 1)]
    public void LongestFirst_NeverExceedsTheBudget(int first, int second, int budget)
    {
        var (a, b) = PairTruncation.LongestFirst(first, second, budget);
        Assert.Equal(Math.Min(first + second, budget), a + b);
        Assert.InRange(a, 0, first);
        Assert.InRange(b, 0, second);
    }

    // Worked by hand from vocab.txt: "unaffable" is three pieces there (una ##ffa ##ble), "hello world" two.
    [Fact]
    public void HandWorkedPair_CutsTheLongerSideAndTypesTheSecondSegmentOne()
    {
        var tokenizer = BertTextTokenizer.FromModelDirectory(TokenizerFolder);
        int hello = VocabularyId("hello"), world = VocabularyId("world");
        int un = VocabularyId("una"), aff = VocabularyId("##ffa"), able = VocabularyId("##ble");

        var whole = tokenizer.EncodePair("Hello world", "unaffable");
        Assert.Equal([101, hello, world, 102, un, aff, able, 102], whole.InputIds);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], whole.TokenTypeIds);
        Assert.False(whole.Truncated);

        // Budget 6 - 3 = 3 pieces for 2 + 3: the shorter keeps its half (1), the longer the rest (2).
        var cut = tokenizer.EncodePair("Hello world", "unaffable", maxTokens: 6);
        Assert.Equal([101, hello, 102, un, aff, 102], cut.InputIds);
        Assert.Equal([0, 0, 0, 1, 1, 1], cut.TokenTypeIds);
        Assert.True(cut.Truncated);

        // Only the three special tokens fit.
        var bare = tokenizer.EncodePair("Hello world", "unaffable", maxTokens: 3);
        Assert.Equal([101, 102, 102], bare.InputIds);
        Assert.Equal([0, 0, 1], bare.TokenTypeIds);

        var emptyFirst = tokenizer.EncodePair(string.Empty, "hello");
        Assert.Equal([101, 102, hello, 102], emptyFirst.InputIds);
        Assert.Equal([0, 0, 1, 1], emptyFirst.TokenTypeIds);

        // A zero-length second text is no pair at all (HF fast tokenizers' and transformers.js' text_pair=""); one
        // space is a pair whose second text has no pieces.
        var emptySecond = tokenizer.EncodePair("Hello world", string.Empty, maxTokens: 3);
        Assert.Equal([101, hello, 102], emptySecond.InputIds);
        Assert.Equal([0, 0, 0], emptySecond.TokenTypeIds);
        Assert.True(emptySecond.Truncated);
        var blankSecond = tokenizer.EncodePair("Hello", " ");
        Assert.Equal([101, hello, 102, 102], blankSecond.InputIds);
        Assert.Equal([0, 0, 0, 1], blankSecond.TokenTypeIds);
    }

    [Fact]
    public void PairLimitBelowThree_IsRefused()
    {
        var tokenizer = BertTextTokenizer.FromModelDirectory(TokenizerFolder);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodePair("a", "b", maxTokens: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.EncodePairInto("a", "b", new long[2], new long[2], out _));
    }

    [Fact]
    public void TokenizerJsonWithAnotherPairTemplate_EncodesTextsButRefusesPairsNamingTheFile()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fastbert-pair-template", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var json = File.ReadAllText(Path.Combine(TokenizerFolder, "tokenizer.json"));
            // Every part typed 0, as RoBERTa-style templates do.
            var edited = json.Replace("\"type_id\":1", "\"type_id\":0").Replace("\"type_id\": 1", "\"type_id\": 0");
            Assert.NotEqual(json, edited);
            var path = Path.Combine(folder, "tokenizer.json");
            File.WriteAllText(path, edited);

            var tokenizer = BertTextTokenizer.FromTokenizerJson(path);
            Assert.Equal(4, tokenizer.Encode("hello world").Length);
            var error = Assert.Throws<NotSupportedException>(() => tokenizer.EncodePair("hello", "world"));
            Assert.Contains(path, error.Message);
            Assert.Contains("pair", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [NodeFact]
    public void Pairs_EncodeAsTransformersJsDoes_ThroughVocabTxtAndTokenizerJson()
    {
        var pairs = PairCorpus();
        var peer = TransformersJsPairs(pairs);
        var fromVocab = BertTextTokenizer.FromModelDirectory(TokenizerFolder);
        var fromJson = BertTextTokenizer.FromTokenizerJson(Path.Combine(TokenizerFolder, "tokenizer.json"));

        int untruncated = 0, truncated = 0;
        var ids = new long[512];
        var types = new long[512];
        for (int i = 0; i < pairs.Count; i++)
        {
            var (text, textPair) = pairs[i];
            var expected = peer[i];
            foreach (var tokenizer in new[] { fromVocab, fromJson })
            {
                var whole = tokenizer.EncodePair(text, textPair);
                Assert.True(expected.InputIds.SequenceEqual(whole.InputIds), $"pair {i} ({Show(text)} / {Show(textPair)}): input_ids differ from transformers.js");
                Assert.True(expected.TokenTypeIds.SequenceEqual(whole.TokenTypeIds), $"pair {i}: token_type_ids differ from transformers.js");
                Assert.False(whole.Truncated);
                untruncated++;

                foreach (int limit in Limits)
                {
                    bool isPair = textPair.Length > 0;
                    var (keepFirst, keepSecond) = isPair
                        ? PairTruncation.LongestFirst(expected.First.Length, expected.Second.Length, limit - 3)
                        : (Math.Min(expected.First.Length, limit - 2), 0);
                    int[] expectedIds = isPair
                        ? [101, .. expected.First[..keepFirst], 102, .. expected.Second[..keepSecond], 102]
                        : [101, .. expected.First[..keepFirst], 102];
                    var cut = tokenizer.EncodePair(text, textPair, limit);
                    Assert.True(expectedIds.SequenceEqual(cut.InputIds), $"pair {i} at {limit} tokens: input_ids differ from transformers.js' pieces cut longest_first");
                    Assert.Equal(Enumerable.Repeat(0, keepFirst + 2).Concat(Enumerable.Repeat(1, expectedIds.Length - keepFirst - 2)), cut.TokenTypeIds);
                    Assert.Equal(keepFirst < expected.First.Length || keepSecond < expected.Second.Length, cut.Truncated);

                    int written = tokenizer.EncodePairInto(text, textPair, ids.AsSpan(0, limit), types, out bool cutInto);
                    Assert.Equal(cut.InputIds.Select(x => (long)x), ids[..written]);
                    Assert.Equal(cut.TokenTypeIds.Select(x => (long)x), types[..written]);
                    Assert.Equal(cut.Truncated, cutInto);
                    truncated++;
                }
            }
        }

        Assert.True(pairs.Count >= 300, $"only {pairs.Count} pairs");
        Assert.Equal(2 * pairs.Count, untruncated);
        Assert.Equal(2 * pairs.Count * Limits.Length, truncated);
    }

    /// <summary>Real sentences (SST-2 dev, SMS messages) paired with each other and with hand-picked hard texts.</summary>
    private static List<(string Text, string TextPair)> PairCorpus()
    {
        var sst = File.ReadLines(Path.Combine(TestPaths.Data, "sst2", "dev.tsv")).Skip(1).Select(l => l[..l.LastIndexOf('\t')]).Take(160).ToList();
        var sms = File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Skip(1).Select(l => l[(l.IndexOf('\t') + 1)..]).Take(160).ToList();
        string[] hard =
        [
            string.Empty, " ", "Crème brûlée à la façon de Noël", "ÅNGSTRÖM Ærøskøbing naïve café", "北京欢迎你，东京タワー、서울",
            "日本語のテキストと English mixed", new string('x', 150), "supercalifragilisticexpialidocious antidisestablishmentarianism",
            "[CLS] literal [SEP] tokens [MASK] [UNK] [PAD]", "emoji 😀🎉 and \u200b zero\u00a0width", "tab\tnew\nline\r\nend",
            "don't stop-believing!!! ...?", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ", string.Join(' ', Enumerable.Repeat("longer words repeated", 60)),
        ];

        var pairs = new List<(string, string)>();
        for (int i = 0; i + 1 < sst.Count; i += 2)
        {
            pairs.Add((sst[i], sst[i + 1]));
        }

        for (int i = 0; i < sms.Count; i++)
        {
            pairs.Add((sms[i], sst[i % sst.Count]));
        }

        foreach (var a in hard)
        {
            foreach (var b in hard)
            {
                if (pairs.Count % 3 == 0 || a.Length == 0 || b.Length == 0)
                {
                    pairs.Add((a, b));
                }

                pairs.Add((a, sms[(a.Length + b.Length) % sms.Count]));
            }
        }

        return pairs;
    }

    private sealed record PeerPair(int[] InputIds, int[] TokenTypeIds, int[] First, int[] Second);

    private static List<PeerPair> TransformersJsPairs(List<(string Text, string TextPair)> pairs)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fastbert-pairs-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(pairs.Select(p => new { text = p.Text, text_pair = p.TextPair })));
        try
        {
            var result = NodeTools.Run("transformers-tokenize-pairs.mjs", [TokenizerFolder, file]);
            Assert.True(result.ExitCode == 0, $"transformers.js exited with {result.ExitCode}:\n{result.All}");
            using var document = JsonDocument.Parse(result.Output);
            static int[] Ids(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
            return document.RootElement.EnumerateArray()
                .Select(e => new PeerPair(Ids(e, "input_ids"), Ids(e, "token_type_ids"), Ids(e, "first"), Ids(e, "second")))
                .ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static int VocabularyId(string token) =>
        File.ReadLines(Path.Combine(TokenizerFolder, "vocab.txt"), Encoding.UTF8).Select((line, index) => (line, index)).First(x => x.line == token).index;

    private static string Show(string text) => JsonSerializer.Serialize(text.Length > 60 ? text[..60] + "…" : text);
}
