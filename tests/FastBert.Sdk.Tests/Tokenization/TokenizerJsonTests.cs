using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastBert.Tests;
using FastBert.Tokenization;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>
/// tokenizer.json (as Hugging Face tokenizers saves it) read instead of vocab.txt: the shared bert-base-uncased
/// tokenizer.json must give the ids of its vocab.txt on every text of the shared data sets, the golden texts and the
/// hard cases; variants of the file (cased, BertProcessing, no accent stripping, no CJK split) must give the ids of
/// vocab.txt with the same switches; other tokenizers are refused by name.
/// </summary>
public sealed class TokenizerJsonTests
{
    private static readonly string SharedTokenizer = Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased");

    private static readonly string SharedTokenizerJson = Path.Combine(SharedTokenizer, "tokenizer.json");

    private static readonly Lazy<IReadOnlyList<string>> Corpus = new(LoadCorpus);

    /// <summary>Cases the HF-exact tokenizer tests pin down one by one.</summary>
    private static readonly string[] HardCases =
    [
        string.Empty, " ", "\t\n\r", "\u0000\u00ad\ufffd", "Héllo Wörld naïve café", "cafe\u0301 CAFE\u0301", "İSTANBUL ß ǅ ﬁ",
        "hello!!! $5.00 (really?) a-b_c", "I ❤️ pizza🍕 so much 😂😂", "™ © ® ° ± § ¶ • … ‰", "中文字符 日本語 한국어 漢字かな",
        "[CLS] [SEP] [PAD] [MASK] [UNK] [sep] x[SEP]y [SE\u200BP]", "a\u200bb c\u2028d e\u00a0f g\u3000h", "\ud800 lone \udc00 surrogates",
        new string('a', 100), new string('a', 101), new string('x', 5000) + " tail", "unaffable unbelievably antidisestablishmentarianism",
        "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005.", "ＦＵＬＬＷＩＤＴＨ ａｂｃ １２３", "Ελληνικά Русский עברית العربية हिन्दी",
    ];

    [Fact]
    public void SharedTokenizerJson_GivesTheIdsOfItsVocabTxt_OnEveryCorpusText()
    {
        var fromVocab = BertTextTokenizer.FromModelDirectory(SharedTokenizer);
        var fromJson = BertTextTokenizer.FromTokenizerJson(SharedTokenizerJson);
        Assert.Equal(fromVocab.Settings, fromJson.Settings);
        Assert.Equal((fromVocab.VocabularySize, fromVocab.PadId, fromVocab.UnkId, fromVocab.ClsId, fromVocab.SepId),
                     (fromJson.VocabularySize, fromJson.PadId, fromJson.UnkId, fromJson.ClsId, fromJson.SepId));

        var mismatches = Mismatches(fromVocab, fromJson, Corpus.Value);

        Assert.True(Corpus.Value.Count > 100_000, $"corpus has {Corpus.Value.Count} texts");
        Assert.Empty(mismatches);
    }

    [Fact]
    public void TruncationThroughTokenizerJson_IsFastbertsNotTheFilesBakedIn300()
    {
        var fromVocab = BertTextTokenizer.FromModelDirectory(SharedTokenizer);
        var fromJson = BertTextTokenizer.FromTokenizerJson(SharedTokenizerJson);
        string text = string.Join(' ', Enumerable.Repeat("the", 400));

        Assert.Equal(402, fromJson.Encode(text).Length);
        Assert.Equal(fromVocab.Encode(text, 128, out bool vocabTruncated), fromJson.Encode(text, 128, out bool jsonTruncated));
        Assert.Equal(vocabTruncated, jsonTruncated);
    }

    [Fact]
    public void FolderWithOnlyTokenizerJson_LoadsIt()
    {
        using var folder = new TempFolder();
        File.Copy(SharedTokenizerJson, Path.Combine(folder.Path, "tokenizer.json"));
        var tokenizer = BertTextTokenizer.FromModelDirectory(folder.Path);

        var golden = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.SmsModel, "golden_outputs.json"))).RootElement;
        foreach (var example in golden.EnumerateArray())
        {
            int[] expected = example.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            Assert.Equal(expected, tokenizer.Encode(example.GetProperty("text").GetString()!));
        }
    }

    public static TheoryData<string, bool?, bool?, bool?> NormalizerVariants() => new()
    {
        // name, lowercase, strip_accents, handle_chinese_chars (null = leave the file's value)
        { "cased", false, null, null },
        { "cased-stripping-accents", false, true, null },
        { "lowercase-keeping-accents", true, false, null },
        { "no-cjk-split", null, null, false },
    };

    [Theory]
    [MemberData(nameof(NormalizerVariants))]
    public void NormalizerSwitches_GiveTheIdsOfVocabTxtWithTheSameSettings(string name, bool? lowercase, bool? stripAccents, bool? chinese)
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(SharedTokenizerJson))!;
        var normalizer = json["normalizer"]!;
        if (lowercase is bool l)
        {
            normalizer["lowercase"] = l;
        }

        if (stripAccents is bool s)
        {
            normalizer["strip_accents"] = s;
        }

        if (chinese is bool c)
        {
            normalizer["handle_chinese_chars"] = c;
        }

        string path = folder.Write("tokenizer.json", json.ToJsonString());
        var expectedSettings = new TokenizerSettings(lowercase ?? true, stripAccents, chinese ?? true);
        using var vocab = File.OpenRead(Path.Combine(SharedTokenizer, "vocab.txt"));
        var fromVocab = BertTextTokenizer.Create(vocab, expectedSettings);

        var fromJson = BertTextTokenizer.FromTokenizerJson(path);

        Assert.Equal(expectedSettings, fromJson.Settings);
        Assert.Empty(Mismatches(fromVocab, fromJson, [.. HardCases, .. Corpus.Value.Take(20_000)]));
        Assert.NotNull(name);
    }

    [Fact]
    public void BertProcessing_IsReadLikeTheTemplate()
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(SharedTokenizerJson))!;
        json["post_processor"] = JsonNode.Parse("""{"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}""");
        string path = folder.Write("tokenizer.json", json.ToJsonString());

        var definition = WordPieceTokenizerJson.Read(path);
        var fromJson = BertTextTokenizer.FromTokenizerJson(path);

        Assert.Equal(("[CLS]", "[SEP]"), (definition.ClsToken, definition.SepToken));
        Assert.Empty(Mismatches(BertTextTokenizer.FromModelDirectory(SharedTokenizer), fromJson, HardCases));
    }

    [Fact]
    public void Definition_HoldsTheFilesSettings()
    {
        var definition = WordPieceTokenizerJson.Read(SharedTokenizerJson);
        var lines = File.ReadAllLines(Path.Combine(SharedTokenizer, "vocab.txt"));

        Assert.Equal(lines, definition.Vocabulary);
        Assert.Equal(("[UNK]", "##", 100), (definition.UnkToken, definition.ContinuingSubwordPrefix, definition.MaxInputCharsPerWord));
        Assert.Equal((true, true, (bool?)null, true), (definition.CleanText, definition.HandleChineseChars, definition.StripAccents, definition.Lowercase));
    }

    public static TheoryData<string, string, string[]> RefusedTokenizers() => new()
    {
        {
            "bpe",
            """{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": null, "pre_tokenizer": {"type": "ByteLevel"}}""",
            ["BPE", "not WordPiece"]
        },
        {
            "untyped-bpe",
            """{"model": {"vocab": {"a": 0}, "merges": ["a b"]}}""",
            ["BPE"]
        },
        {
            "unigram",
            """{"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]}}""",
            ["Unigram"]
        },
        { "not-json", "{ this is not json", ["not valid JSON"] },
        { "array", "[1, 2]", ["JSON object"] },
    };

    [Theory]
    [MemberData(nameof(RefusedTokenizers))]
    public void NonBertTokenizers_AreRefused_NamingTheFileAndWhatWasFound(string name, string content, string[] expectedInMessage)
    {
        using var folder = new TempFolder();
        string path = folder.Write("tokenizer.json", content);

        var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromModelDirectory(folder.Path));

        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        foreach (var expected in expectedInMessage)
        {
            Assert.Contains(expected, error.Message);
        }

        Assert.NotNull(name);
    }

    public static TheoryData<string, string, string> EditedBertTokenizers() => new()
    {
        // JSON path to replace, new value, what the message must name
        { "normalizer", """{"type": "Sequence", "normalizers": [{"type": "NFKC"}]}""", "Sequence" },
        { "normalizer", """{"type": "NFKC"}""", "NFKC" },
        { "pre_tokenizer", """{"type": "Whitespace"}""", "Whitespace" },
        { "post_processor", """{"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0]}""", "RobertaProcessing" },
        { "post_processor", "null", "post_processor" },
        { "model.unk_token", "\"<unk>\"", "unk_token" },
        { "model.max_input_chars_per_word", "200", "max_input_chars_per_word" },
        { "normalizer.clean_text", "false", "clean_text" },
        { "normalizer.lowercase", "\"yes\"", "normalizer.lowercase" },
        { "model.vocab", "{}", "empty model.vocab" },
        { "model.vocab", """{"[PAD]": 0, "[UNK]": 5}""", "outside 0..1" },
        { "model.vocab", """{"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}""", "not that entry of model.vocab" },
    };

    [Theory]
    [MemberData(nameof(EditedBertTokenizers))]
    public void UnsupportedOrMalformedParts_AreRefused_NamingTheFileAndThePart(string part, string value, string expectedInMessage)
    {
        using var folder = new TempFolder();
        var json = JsonNode.Parse(File.ReadAllText(SharedTokenizerJson))!.AsObject();
        string[] steps = part.Split('.');
        var parent = steps.Length == 1 ? json : json[steps[0]]!.AsObject();
        parent[steps[^1]] = JsonNode.Parse(value);
        string path = folder.Write("tokenizer.json", json.ToJsonString());

        var error = Assert.Throws<TokenizerLoadException>(() => BertTextTokenizer.FromTokenizerJson(path));

        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        Assert.Contains(expectedInMessage, error.Message);
    }

    private static List<string> Mismatches(BertTextTokenizer expected, BertTextTokenizer actual, IEnumerable<string> texts) =>
        texts.Where(text => !expected.Encode(text).AsSpan().SequenceEqual(actual.Encode(text))).Take(10).ToList();

    /// <summary>Every text of the shared data sets and golden files, plus the hard cases.</summary>
    private static List<string> LoadCorpus()
    {
        string data = TestPaths.Data;
        var texts = new List<string>(HardCases);
        texts.AddRange(File.ReadLines(Path.Combine(data, "sms-spam", "SMSSpamCollection")).Skip(1).Select(l => l[(l.IndexOf('\t') + 1)..]));
        foreach (var file in new[] { "train.tsv", "dev.tsv" })
        {
            texts.AddRange(File.ReadLines(Path.Combine(data, "sst2", file)).Skip(1).Select(l => l[..l.LastIndexOf('\t')]));
        }

        foreach (var file in new[] { "train.txt", "val.txt", "test.txt" })
        {
            texts.AddRange(File.ReadLines(Path.Combine(data, "emotion", file)).Skip(1).Select(l => l[..l.LastIndexOf(';')]));
        }

        texts.AddRange(File.ReadLines(Path.Combine(data, "smile", "smile-annotations-final.csv"), Encoding.UTF8));
        foreach (var file in new[] { "train.jsonl", "val.jsonl", "test.jsonl" })
        {
            texts.AddRange(File.ReadLines(Path.Combine(data, "debtags", file)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!));
        }

        foreach (var model in new[] { TestPaths.SmsModel, TestPaths.EmotionModel, TestPaths.ElectraModel })
        {
            using var golden = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(model, "golden_outputs.json")));
            texts.AddRange(golden.RootElement.EnumerateArray().Select(e => e.GetProperty("text").GetString()!));
        }

        return texts;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("fastbert-tokjson-").FullName;

        public string Write(string name, string content)
        {
            string path = System.IO.Path.Combine(Path, name);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
