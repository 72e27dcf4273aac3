using System.Text;
using FastBert.Tests;
using FastBert.Tokenization;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>
/// Hard cases against the bert-base-uncased vocabulary. Expected ids are derived by hand from Hugging Face's
/// BertTokenizer algorithm and vocab.txt (id = 0-based line number); the token of each id is in the comment.
/// </summary>
public sealed class BertTextTokenizerTests
{
    private const int Cls = 101;
    private const int Sep = 102;
    private const int Unk = 100;

    private static readonly Lazy<BertTextTokenizer> Uncased = new(() => BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel));

    private static BertTextTokenizer Tokenizer => Uncased.Value;

    [Fact]
    public void Accents_AreStripped_WhenLowercasing()
    {
        // "café" -> "cafe" (7668), "naïve" -> "naive" (15743)
        Assert.Equal([Cls, 7668, 15743, Sep], Tokenizer.Encode("Café naïve"));
    }

    [Fact]
    public void DecomposedAccents_AreStrippedToo()
    {
        Assert.Equal([Cls, 7668, Sep], Tokenizer.Encode("Cafe\u0301"));
    }

    [Fact]
    public void AsciiSymbols_AreSeparatePunctuationTokens()
    {
        // $ 5 + 3 = 8 < b > | ~ ^
        Assert.Equal(
            [Cls, 1002, 1019, 1009, 1017, 1027, 1022, 1026, 1038, 1028, 1064, 1066, 1034, Sep],
            Tokenizer.Encode("$5 + 3 = 8 <b> | ~ ^"));
    }

    [Fact]
    public void EmojiNextToAWord_StaysInTheWord_SoTheWholeWordIsUnknown()
    {
        // Emoji are category So: not punctuation, so "hi😀" is one word; "##😀" is not in the vocabulary, so the
        // whole word becomes [UNK] (not "hi" + [UNK]).
        Assert.Equal([Cls, Unk, Sep], Tokenizer.Encode("hi😀"));
        Assert.Equal([Cls, 7632, Unk, 2045, Sep], Tokenizer.Encode("hi 😀 there")); // hi [UNK] there
    }

    [Fact]
    public void NonAsciiSymbols_AreNotSplitOff()
    {
        // "×" (Sm) and "€" (Sc) are not punctuation, so they stay inside their word:
        // "2×3" -> 2 (1016) ##× (26306) ##3 (2509); "5€" -> 5 (1019) ##€ (30102). Split off, "×" would be 1095.
        Assert.Equal([Cls, 1016, 26306, 2509, Sep], Tokenizer.Encode("2×3"));
        Assert.Equal([Cls, 1019, 30102, Sep], Tokenizer.Encode("5€"));
    }

    [Fact]
    public void ChineseCharacters_BecomeOneTokenEach()
    {
        Assert.Equal([Cls, 1746, 1861, Sep], Tokenizer.Encode("中文")); // 中 文
    }

    [Fact]
    public void ChineseCharacters_StayInOneWord_WhenCjkSplittingIsOff()
    {
        var tokenizer = CreateFromSmsVocab(new TokenizerSettings(TokenizeChineseChars: false));
        Assert.Equal([Cls, 1746, 30387, Sep], tokenizer.Encode("中文")); // 中 ##文
    }

    [Fact]
    public void LiteralSpecialTokens_MapToTheirOwnIds_EvenWithoutSpaces()
    {
        // a [SEP] b [SEP] ; c [CLS] d ; [MASK] [PAD] [UNK]
        Assert.Equal([Cls, 1037, Sep, 1038, Sep], Tokenizer.Encode("a [SEP] b"));
        Assert.Equal([Cls, 1039, Cls, 1040, Sep], Tokenizer.Encode("c[CLS]d"));
        Assert.Equal([Cls, 103, 0, Unk, Sep], Tokenizer.Encode("[MASK][PAD][UNK]"));
    }

    [Fact]
    public void LowercaseSpecialTokenText_IsOrdinaryText()
    {
        // Special tokens are matched as written, before lowercasing: "[sep]" is "[" "sep" "]".
        Assert.Equal([Cls, 1031, 19802, 1033, Sep], Tokenizer.Encode("[sep]"));
        Assert.Equal([Cls, 1031, 19802, 1033, Sep], Tokenizer.Encode("[Sep]"));
    }

    [Fact]
    public void SpecialTokenHiddenByAControlCharacter_IsOrdinaryText_WhenLowercasing()
    {
        // HF lowercases "[SE\u200BP]" (it is not a special token as written), then drops the U+200B: "[sep]".
        Assert.Equal([Cls, 1031, 19802, 1033, Sep], Tokenizer.Encode("[SE\u200BP]"));
    }

    [Fact]
    public void SpecialTokenHiddenByAControlCharacter_IsKeptWhole_WhenCased()
    {
        // Without lowercasing the cleaned token "[SEP]" is in BasicTokenizer's never_split list.
        var cased = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel, lowercaseOverride: false);
        Assert.Equal([Cls, Sep, Sep], cased.Encode("[SE\u200BP]"));
    }

    [Fact]
    public void EmptyText_IsClsSep() => Assert.Equal([Cls, Sep], Tokenizer.Encode(string.Empty));

    [Theory]
    [InlineData(" ")]
    [InlineData(" \t\r\n ")]
    [InlineData("\u00A0\u2003\u3000")]
    [InlineData("\u2028\u2029")]
    [InlineData("\u0000\u0001\u001F\u007F\u200B\uFEFF\uFFFD")]
    public void WhitespaceOrControlOnly_IsClsSep(string text) => Assert.Equal([Cls, Sep], Tokenizer.Encode(text));

    [Fact]
    public void ControlCharacters_AreDropped_AndJoinTheirNeighbours()
    {
        // "a\0b\u0007c\u200Bd" -> "abcd" -> abc ##d
        Assert.Equal([Cls, 5925, 2094, Sep], Tokenizer.Encode("a\u0000b\u0007c\u200Bd"));
    }

    [Fact]
    public void TabsNewlinesAndUnicodeSpaces_SeparateWords()
    {
        // hello world the fox
        Assert.Equal([Cls, 7592, 2088, 1996, 4419, Sep], Tokenizer.Encode("hello\r\nworld\tthe\u00A0fox"));
        Assert.Equal([Cls, 7592, 2088, Sep], Tokenizer.Encode("hello\u2028world"));
    }

    [Fact]
    public void LoneSurrogates_DoNotThrow_AndMakeTheirWordUnknown()
    {
        Assert.Equal([Cls, Unk, Sep], Tokenizer.Encode("\uD800abc"));
        Assert.Equal([Cls, 5925, Unk, Sep], Tokenizer.Encode("abc \uDC00")); // abc [UNK]
        Assert.Equal([Cls, 1060, 1012, Unk, Sep], Tokenizer.Encode("x.\uD800é")); // x . [UNK]
        Assert.Equal([Cls, 7668, Unk, Sep], Tokenizer.Encode("Café \uFFFE\uDBFF")); // cafe [UNK]
    }

    [Fact]
    public void WordLongerThan100Characters_IsUnknown()
    {
        Assert.Equal([Cls, Unk, Sep], Tokenizer.Encode(new string('a', 200)));
        Assert.Equal([Cls, Unk, Sep], Tokenizer.Encode(new string('a', 101)));
    }

    [Fact]
    public void HugeWord_IsOneUnknown_AndWhatFollowsStillCounts()
    {
        // x{1e6} is [UNK]; then . hello (1012, 7592); then "éa" + 150 letters is over 100 code points: [UNK].
        string text = new string('x', 1_000_000) + ".hello " + "é" + new string('a', 150);
        Assert.Equal([Cls, Unk, 1012, 7592, Unk, Sep], Tokenizer.Encode(text));
        Assert.Equal([Cls, Unk, Sep], Tokenizer.Encode(new string('x', 1_000_000) + ".hello", maxTokens: 3, out bool truncated));
        Assert.True(truncated);
    }

    [Fact]
    public void WordOfExactly100Characters_IsStillSplitIntoPieces()
    {
        // Greedy longest match: "aaa" (13360), then "##aa" (11057) x 48, then "##a" (2050).
        int[] expected = [Cls, 13360, .. Enumerable.Repeat(11057, 48), 2050, Sep];
        Assert.Equal(expected, Tokenizer.Encode(new string('a', 100)));
    }

    [Fact]
    public void WordPiece_UsesGreedyLongestMatchWithContinuationPrefix()
    {
        // "unaffable" -> una (14477) ##ffa (20961) ##ble (3468)
        Assert.Equal([Cls, 14477, 20961, 3468, Sep], Tokenizer.Encode("unaffable"));
    }

    [Fact]
    public void Truncation_KeepsClsFirstAndSepLast_AndReportsIt()
    {
        var ids = Tokenizer.Encode("the quick brown fox", maxTokens: 4, out bool truncated);
        Assert.Equal([Cls, 1996, 4248, Sep], ids); // the quick
        Assert.True(truncated);
    }

    [Fact]
    public void Truncation_CanCutInsideAWord()
    {
        Assert.Equal([Cls, 14477, Sep], Tokenizer.Encode("unaffable", maxTokens: 3, out bool truncated)); // una
        Assert.True(truncated);
    }

    [Fact]
    public void TextThatExactlyFits_IsNotTruncated()
    {
        var ids = Tokenizer.Encode("the quick brown fox", maxTokens: 6, out bool truncated);
        Assert.Equal([Cls, 1996, 4248, 2829, 4419, Sep], ids);
        Assert.False(truncated);
    }

    [Fact]
    public void MaxTokensTwo_GivesClsSep()
    {
        Assert.Equal([Cls, Sep], Tokenizer.Encode("hello", maxTokens: 2, out bool truncated));
        Assert.True(truncated);
        Assert.Equal([Cls, Sep], Tokenizer.Encode(string.Empty, maxTokens: 2, out truncated));
        Assert.False(truncated);
    }

    [Fact]
    public void MaxTokensBelowTwo_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Encode("hello", maxTokens: 1));
    }

    [Fact]
    public void OneMegabyteText_WithMaxTokens128_Returns128Ids()
    {
        var builder = new StringBuilder();
        while (builder.Length < 1_000_000)
        {
            builder.Append("Hello world, this is a long message! Café 中文 😀 ");
        }

        var ids = Tokenizer.Encode(builder.ToString(), maxTokens: 128, out bool truncated);

        Assert.Equal(128, ids.Length);
        Assert.Equal(Cls, ids[0]);
        Assert.Equal(Sep, ids[^1]);
        Assert.True(truncated);
    }

    [Fact]
    public void OneMegabyteWordWithoutSpaces_WithMaxTokens128_Returns128Ids()
    {
        var text = string.Concat(Enumerable.Repeat("ab.", 350_000));
        var ids = Tokenizer.Encode(text, maxTokens: 128, out bool truncated);
        Assert.Equal(128, ids.Length);
        Assert.Equal(Sep, ids[^1]);
        Assert.True(truncated);
    }

    [Fact]
    public void LongTokensProcessedInPieces_MatchTheWholeTokenResult()
    {
        // 2000-character whitespace-free token: punctuation, accents and a special token written after the cut point.
        string unit = "ab.Café-";
        string text = string.Concat(Enumerable.Repeat(unit, 250));
        // per unit: ab . cafe -
        int[] unitIds = [11113, 1012, 7668, 1011];
        int[] expected = [Cls, .. Enumerable.Repeat(unitIds, 250).SelectMany(x => x), Sep];
        Assert.Equal(expected, Tokenizer.Encode(text));
    }

    [Fact]
    public void LowercaseOverrideFalse_KeepsCase()
    {
        var cased = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel, lowercaseOverride: false);

        Assert.False(cased.Settings.Lowercase);
        // The uncased vocabulary has no upper-case pieces: "Hello" is [UNK]; "hello" is 7592.
        Assert.Equal([Cls, Unk, Sep], cased.Encode("Hello"));
        Assert.Equal([Cls, 7592, Sep], cased.Encode("hello"));
        // Accents follow lowercasing (strip_accents null): "café" keeps its é, and "##é" is not in the vocabulary.
        Assert.Equal([Cls, Unk, Sep], cased.Encode("café"));
        Assert.Equal([Cls, Sep, Sep], cased.Encode("[SEP]"));
    }

    [Fact]
    public void MissingVocabulary_ErrorNamesThePath()
    {
        string directory = Directory.CreateTempSubdirectory("fastbert-tok-").FullName;
        try
        {
            var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromModelDirectory(directory));
            string vocabPath = Path.Combine(directory, "vocab.txt");
            Assert.Contains(vocabPath, error.Message);
            Assert.Equal(vocabPath, error.Path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MissingDirectory_ErrorNamesTheDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "fastbert-no-such-model-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromModelDirectory(directory));
        Assert.Contains(directory, error.Message);
    }

    [Theory]
    [InlineData("empty", "")]
    [InlineData("blank lines", "\n\n \n")]
    [InlineData("no special tokens", "hello\nworld\n")]
    [InlineData("missing [CLS]", "[PAD]\n[UNK]\n[SEP]\nhello\n")]
    public void BadVocabulary_ErrorNamesTheFile(string name, string content)
    {
        Assert.NotNull(name);
        string directory = Directory.CreateTempSubdirectory("fastbert-tok-").FullName;
        try
        {
            string vocabPath = Path.Combine(directory, "vocab.txt");
            File.WriteAllText(vocabPath, content);
            var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromModelDirectory(directory));
            Assert.Contains(vocabPath, error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void VocabularyLackingCls_ErrorSaysWhichTokenIsMissing()
    {
        var error = Assert.Throws<TokenizerLoadException>(() => CreateFromText("[PAD]\n[UNK]\n[SEP]\nhello\n", new TokenizerSettings()));
        Assert.Contains("[CLS]", error.Message);
    }

    [Fact]
    public void BinaryVocabulary_IsRejectedAsMalformed()
    {
        using var stream = new MemoryStream([0x50, 0x4B, 0x03, 0x04, 0xFF, 0xFE, 0x00, 0x01]);
        var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.Create(stream, new TokenizerSettings()));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void InvalidTokenizerConfig_ErrorNamesTheFile()
    {
        string directory = Directory.CreateTempSubdirectory("fastbert-tok-").FullName;
        try
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, "vocab.txt"), Path.Combine(directory, "vocab.txt"));
            string configPath = Path.Combine(directory, "tokenizer_config.json");
            File.WriteAllText(configPath, "{ \"do_lower_case\": ");
            var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromModelDirectory(directory));
            Assert.Contains(configPath, error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TokenizerConfig_SettingsAreRead_AndOverrideWins()
    {
        string directory = Directory.CreateTempSubdirectory("fastbert-tok-").FullName;
        try
        {
            File.Copy(Path.Combine(TestPaths.SmsModel, "vocab.txt"), Path.Combine(directory, "vocab.txt"));
            File.WriteAllText(
                Path.Combine(directory, "tokenizer_config.json"),
                "{ \"do_lower_case\": false, \"strip_accents\": true, \"tokenize_chinese_chars\": false }");

            var fromConfig = BertTextTokenizer.FromModelDirectory(directory);
            Assert.Equal(new TokenizerSettings(false, true, false), fromConfig.Settings);
            Assert.Equal([Cls, Unk, Sep], fromConfig.Encode("Café")); // "Cafe": no upper-case pieces

            var overridden = BertTextTokenizer.FromModelDirectory(directory, lowercaseOverride: true);
            Assert.Equal(new TokenizerSettings(true, true, false), overridden.Settings);
            Assert.Equal([Cls, 7668, Sep], overridden.Encode("Café"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void TinyVocabulary_WholeWordIsUnknown_WhenAnyPieceIsMissing()
    {
        var tokenizer = CreateFromText("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nun\n##aff\n##able\n", new TokenizerSettings());
        Assert.Equal([2, 5, 6, 7, 3], tokenizer.Encode("unaffable"));
        Assert.Equal([2, 1, 3], tokenizer.Encode("unaffablex"));
        Assert.Equal(8, tokenizer.VocabularySize);
    }

    [Fact]
    public void DuplicatedVocabularyToken_UsesTheLastLine_LikeHuggingFace()
    {
        var tokenizer = CreateFromText("[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nfoo\r\nbar\r\nfoo\r\n", new TokenizerSettings());
        Assert.Equal([2, 6, 5, 3], tokenizer.Encode("foo bar"));
    }

    [Fact]
    public void VocabularyWithoutMask_MapsLiteralMaskToUnknown()
    {
        var tokenizer = CreateFromText("[PAD]\n[UNK]\n[CLS]\n[SEP]\nfoo\n", new TokenizerSettings());
        Assert.Equal([2, 4, 1, 3], tokenizer.Encode("foo [MASK]"));
    }

    [Fact]
    public void CasedSettingsWithoutAccentStripping_ComposeToNfc()
    {
        // HF applies NFC before everything else: "e" + U+0301 becomes "é".
        var tokenizer = CreateFromText("[PAD]\n[UNK]\n[CLS]\n[SEP]\ncafé\nCafe\n", new TokenizerSettings(Lowercase: false));
        Assert.Equal([2, 4, 3], tokenizer.Encode("cafe\u0301"));
        Assert.Equal([2, 5, 3], CreateFromText("[PAD]\n[UNK]\n[CLS]\n[SEP]\ncafé\nCafe\n", new TokenizerSettings(false, true)).Encode("Café"));
    }

    [Fact]
    public void DottedCapitalI_LowercasesLikePython()
    {
        // Python: "İ".lower() == "i\u0307"; accent stripping then removes U+0307 -> "istanbul" (9960).
        Assert.Equal([Cls, 9960, Sep], Tokenizer.Encode("İSTANBUL"));
    }

    [Fact]
    public void EncodeInto_MatchesEncode()
    {
        const string text = "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.";
        var expected = Tokenizer.Encode(text, 10, out bool expectedTruncated);

        Span<long> longs = stackalloc long[10];
        int count = Tokenizer.EncodeInto(text, longs, out bool truncated);
        Assert.Equal(expected.Select(x => (long)x).ToArray(), longs[..count].ToArray());
        Assert.Equal(expectedTruncated, truncated);

        var ints = new int[64];
        count = Tokenizer.EncodeInto(text, ints, out truncated);
        Assert.Equal(Tokenizer.Encode(text), ints[..count]);
        Assert.False(truncated);
    }

    private static BertTextTokenizer CreateFromSmsVocab(TokenizerSettings settings)
    {
        using var stream = File.OpenRead(Path.Combine(TestPaths.SmsModel, "vocab.txt"));
        return BertTextTokenizer.Create(stream, settings);
    }

    private static BertTextTokenizer CreateFromText(string vocabulary, TokenizerSettings settings)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vocabulary));
        return BertTextTokenizer.Create(stream, settings);
    }
}
