using FastBert.Tests;
using FastBert.Tokenization;
using Microsoft.ML.Tokenizers;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>
/// fastbert's WordPiece against an independent implementation of the same algorithm (Microsoft.ML.Tokenizers'
/// WordPiece, basic tokenization off) on every distinct whitespace word of real corpora, and the zero-allocation
/// promise of <see cref="BertTextTokenizer.EncodeInto(ReadOnlySpan{char}, Span{long}, out bool)"/>.
/// </summary>
public sealed class WordPieceEncoderTests
{
    [Fact]
    public void EveryWordOfRealCorpora_GetsTheSamePiecesAsMicrosoftMlTokenizers()
    {
        var vocabPath = Path.Combine(TestPaths.SmsModel, "vocab.txt");
        var lines = File.ReadAllLines(vocabPath);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            ids[lines[i]] = i;
        }

        var ours = new WordPieceEncoder(ids, ids["[UNK]"]);
        using var vocab = File.OpenRead(vocabPath);
        var peer = BertTokenizer.Create(vocab, new BertOptions
        {
            ApplyBasicTokenization = false,
            LowerCaseBeforeTokenization = false,
            RemoveNonSpacingMarks = false,
            IndividuallyTokenizeCjk = false,
            SplitOnSpecialTokens = false,
            Normalizer = null,
            PreTokenizer = null, // one word per call
            MaxInputCharsPerWord = 100,
        });

        var words = CorpusWords().Where(w => w.Length <= 100).ToHashSet(StringComparer.Ordinal);
        Assert.True(words.Count > 20_000, $"only {words.Count} distinct words");
        var buffer = new int[128];
        var compared = 0;
        foreach (var word in words)
        {
            var expected = peer.EncodeToIds(word, addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false);
            var count = ours.Encode(word, buffer, buffer.Length);
            Assert.True(expected.SequenceEqual(buffer[..count]), $"'{word}': expected [{string.Join(',', expected)}], got [{string.Join(',', buffer[..count])}]");
            compared++;
        }

        Assert.Equal(words.Count, compared);
    }

    [Fact]
    public void Limit_StopsAtTheLimit_AndAWordThatFailsLaterIsStillOneUnknown()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal) { ["[UNK]"] = 0, ["ab"] = 1, ["##c"] = 2, ["##d"] = 3, ["x"] = 4 };
        var encoder = new WordPieceEncoder(ids, 0);
        var buffer = new int[8];
        Assert.Equal(4, encoder.Encode("abcd x", buffer, 8));
        Assert.Equal([1, 2, 3, 4], buffer[..4]);
        Assert.Equal(2, encoder.Encode("abcd x", buffer, 2));
        Assert.Equal([1, 2], buffer[..2]);

        // "abcq": q matches nothing, so the word is one [UNK] even though the limit was reached before q.
        Assert.Equal(2, encoder.Encode("abcq x", buffer, 2));
        Assert.Equal([0, 4], buffer[..2]);
    }

    [Fact]
    public void EncodeInto_AllocatesNothing_OnceWarm()
    {
        var tokenizer = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel);
        var texts = SmsData.HeldOut().Select(m => m.Text).Where(t => t.All(char.IsAscii)).Take(500).ToArray();
        var row = new long[128];
        foreach (var text in texts)
        {
            tokenizer.EncodeInto(text, row, out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        long tokens = 0;
        foreach (var text in texts)
        {
            tokens += tokenizer.EncodeInto(text, row, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(tokens > texts.Length * 3);
    }

    private static IEnumerable<string> CorpusWords()
    {
        var texts = File.ReadLines(Path.Combine(TestPaths.Data, "sms-spam", "SMSSpamCollection")).Skip(1)
            .Concat(File.ReadLines(Path.Combine(TestPaths.Data, "emotion", "train.txt")))
            .Concat(File.ReadLines(Path.Combine(TestPaths.Data, "smile", "smile-annotations-final.csv")))
            .Concat(File.ReadLines(Path.Combine(TestPaths.Data, "sst2", "dev.tsv")));
        foreach (var text in texts)
        {
            foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return word.ToLowerInvariant();
                yield return word;
            }
        }
    }
}
