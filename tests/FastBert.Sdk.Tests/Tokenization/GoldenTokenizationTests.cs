using System.Collections.Concurrent;
using System.Text.Json;
using FastBert.Tests;
using FastBert.Tokenization;

namespace FastBert.Sdk.Tests.Tokenization;

/// <summary>The reference input_ids of every shared model, through each model folder's own vocab and config.</summary>
public sealed class GoldenTokenizationTests
{
    private static readonly ConcurrentDictionary<string, BertTextTokenizer> Tokenizers = new();

    public static TheoryData<string, int> GoldenExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var model in new[] { "sms-spam-bert-tiny", "emotion-distilbert-tiny", "electra-random-parity" })
        {
            int count = LoadGolden(Path.Combine(TestPaths.Models, model)).Count;
            for (int i = 0; i < count; i++)
            {
                data.Add(model, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenExamples))]
    public void GoldenText_TokenizesToReferenceInputIds(string model, int index)
    {
        string directory = Path.Combine(TestPaths.Models, model);
        var example = LoadGolden(directory)[index];
        var tokenizer = Tokenizers.GetOrAdd(directory, d => BertTextTokenizer.FromModelDirectory(d));

        var ids = tokenizer.Encode(example.Text, maxTokens: 512, out bool truncated);

        Assert.Equal(example.InputIds, ids);
        Assert.False(truncated);
    }

    [Fact]
    public void AllThreeModels_HaveFortyEightGoldenExamples() => Assert.Equal(48, GoldenExamples().Count());

    [Fact]
    public void SharedModels_ReadBertBaseUncasedVocabularyAndConfig()
    {
        foreach (var directory in new[] { TestPaths.SmsModel, TestPaths.EmotionModel, TestPaths.ElectraModel })
        {
            var tokenizer = BertTextTokenizer.FromModelDirectory(directory);
            Assert.Equal(new TokenizerSettings(Lowercase: true, StripAccents: null, TokenizeChineseChars: true), tokenizer.Settings);
            Assert.Equal((0, 100, 101, 102), (tokenizer.PadId, tokenizer.UnkId, tokenizer.ClsId, tokenizer.SepId));
            Assert.Equal(30522, tokenizer.VocabularySize);
        }
    }

    [Fact]
    public void ConcurrentEncodes_OnASharedInstance_GiveTheSameIds()
    {
        var tokenizer = BertTextTokenizer.FromModelDirectory(TestPaths.SmsModel);
        var examples = LoadGolden(TestPaths.SmsModel);
        var failures = new ConcurrentBag<string>();

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var example = examples[i % examples.Count];
            var ids = (i % 3) switch
            {
                0 => tokenizer.Encode(example.Text),
                1 => tokenizer.Encode(example.Text, 512, out _),
                _ => EncodeIntoLongs(tokenizer, example.Text),
            };
            if (!ids.SequenceEqual(example.InputIds))
            {
                failures.Add(example.Text);
            }
        });

        Assert.Empty(failures);
    }

    /// <summary>
    /// Text and input_ids of golden_outputs.json. (The shared GoldenExample.Load also reads "label", which the
    /// ELECTRA parity model's file does not have.)
    /// </summary>
    private static IReadOnlyList<(string Text, int[] InputIds)> LoadGolden(string modelDirectory)
    {
        using var stream = File.OpenRead(Path.Combine(modelDirectory, "golden_outputs.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray()))
            .ToList();
    }

    private static int[] EncodeIntoLongs(BertTextTokenizer tokenizer, string text)
    {
        Span<long> row = stackalloc long[512];
        int count = tokenizer.EncodeInto(text, row, out _);
        return row[..count].ToArray().Select(x => (int)x).ToArray();
    }
}
