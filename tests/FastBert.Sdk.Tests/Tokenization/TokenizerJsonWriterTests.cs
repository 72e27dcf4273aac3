using System.Text.Json.Nodes;
using FastBert.Tests;
using FastBert.Tokenization;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>
/// tokenizer.json written from vocab.txt and tokenizer_config.json: for bert-base-uncased it must hold the pipeline
/// Hugging Face tokenizers itself saved (the shared tokenizer.json), and the file read back must give the ids of the
/// vocab.txt route, uncased and cased.
/// </summary>
public sealed class TokenizerJsonWriterTests : IDisposable
{
    private static readonly string SharedTokenizer = Path.Combine(TestPaths.SharedAssets, "tokenizer-bert-base-uncased");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "fastbert-tokenizer-json-writer", Guid.NewGuid().ToString("N"));

    public TokenizerJsonWriterTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("normalizer")]
    [InlineData("pre_tokenizer")]
    [InlineData("post_processor")]
    [InlineData("model")]
    [InlineData("added_tokens")]
    public void WrittenFromVocabTxt_HoldsThePipelineHuggingFaceSaved(string section)
    {
        var written = Path.Combine(_root, "tokenizer.json");
        TokenizerJsonWriter.Write(TokenizerJsonWriter.FromVocabularyFolder(SharedTokenizer), written);

        var ours = JsonNode.Parse(File.ReadAllText(written))![section];
        var huggingFace = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedTokenizer, "tokenizer.json")))![section];
        Assert.True(JsonNode.DeepEquals(huggingFace, ours), $"tokenizer.json \"{section}\" differs from Hugging Face's:\nours: {Shorten(ours)}\nHF:   {Shorten(huggingFace)}");
    }

    [Fact]
    public void WrittenFile_HasNoTruncationOrPadding()
    {
        var written = Path.Combine(_root, "tokenizer.json");
        TokenizerJsonWriter.Write(TokenizerJsonWriter.FromVocabularyFolder(SharedTokenizer), written);

        var root = JsonNode.Parse(File.ReadAllText(written))!.AsObject();
        Assert.Null(root["truncation"]);
        Assert.Null(root["padding"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrittenFileReadBack_GivesTheIdsOfTheVocabTxtRoute(bool lowercase)
    {
        var source = Path.Combine(_root, "source");
        Directory.CreateDirectory(source);
        File.Copy(Path.Combine(SharedTokenizer, "vocab.txt"), Path.Combine(source, "vocab.txt"));
        File.WriteAllText(Path.Combine(source, "tokenizer_config.json"), $$"""{"do_lower_case": {{(lowercase ? "true" : "false")}}, "strip_accents": null, "tokenize_chinese_chars": true}""");
        var written = Path.Combine(_root, "tokenizer.json");

        TokenizerJsonWriter.Write(TokenizerJsonWriter.FromVocabularyFolder(source), written);

        var fromVocab = BertTextTokenizer.FromModelDirectory(source);
        var fromJson = BertTextTokenizer.FromTokenizerJson(written);
        Assert.Equal(lowercase, fromJson.Settings.Lowercase);
        Assert.Equal(fromVocab.Settings, fromJson.Settings);
        var texts = GoldenExample.Load(TestPaths.SmsModel).Select(g => g.Text)
            .Concat(["Héllo Wörld naïve café", "CAFÉ Über [CLS] [sep] 中文字符", "I ❤️ pizza🍕 so much 😂", new string('a', 101)]);
        foreach (var text in texts)
        {
            Assert.Equal(fromVocab.Encode(text), fromJson.Encode(text));
        }
    }

    [Fact]
    public void WrittenFromSmsModel_GivesTheGoldenIds()
    {
        var written = Path.Combine(_root, "tokenizer.json");
        TokenizerJsonWriter.Write(TokenizerJsonWriter.FromVocabularyFolder(TestPaths.SmsModel), written);

        var tokenizer = BertTextTokenizer.FromTokenizerJson(written);
        foreach (var golden in GoldenExample.Load(TestPaths.SmsModel))
        {
            Assert.Equal(golden.InputIds, tokenizer.Encode(golden.Text));
        }
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 400 ? text : text[..400] + "...";
    }
}
