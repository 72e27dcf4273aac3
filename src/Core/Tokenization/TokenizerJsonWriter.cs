using System.Text.Encodings.Web;
using System.Text.Json;
using FastBert.ModelFolders;

namespace FastBert.Tokenization;

/// <summary>
/// Writes a <see cref="WordPieceTokenizerJson"/> as a Hugging Face tokenizer.json (the tokenizers library's serialised
/// pipeline), the file transformers.js, Optimum and tokenizers' <c>Tokenizer.from_file</c> load: BertNormalizer,
/// BertPreTokenizer, the WordPiece model and a TemplateProcessing post-processor that wraps a text as [CLS] text [SEP]
/// (and a pair as [CLS] A [SEP] B [SEP]). No truncation or padding is baked in: the reader decides the length.
/// </summary>
public static class TokenizerJsonWriter
{
    private const string PadToken = "[PAD]";
    private const string MaskToken = "[MASK]";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,

        // Vocabulary entries are any Unicode; the default encoder would escape every non-ASCII character.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The tokenizer.json definition equivalent to a folder's vocab.txt and tokenizer_config.json (the vocab.txt route
    /// of <see cref="BertTextTokenizer.FromModelDirectory"/>, with the same checks and settings).
    /// </summary>
    /// <exception cref="TokenizerLoadException">vocab.txt is missing or invalid, or tokenizer_config.json is unreadable; the message names the file.</exception>
    public static WordPieceTokenizerJson FromVocabularyFolder(string modelDirectory)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        string vocabPath = Path.Combine(Path.GetFullPath(modelDirectory), ModelFolder.VocabularyFile);
        if (!File.Exists(vocabPath))
        {
            throw new TokenizerLoadException($"The tokenizer vocabulary '{vocabPath}' was not found. Copy the model's vocab.txt (as saved by Hugging Face save_pretrained) into this folder.") { Path = vocabPath };
        }

        var settings = BertTextTokenizer.FromModelDirectory(modelDirectory).Settings;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(vocabPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"The tokenizer vocabulary '{vocabPath}' could not be read: {ex.Message} Check that the file is readable.", ex) { Path = vocabPath };
        }

        var vocabulary = BertVocabulary.Parse(bytes, $"'{vocabPath}'", vocabPath);
        return new WordPieceTokenizerJson
        {
            Vocabulary = vocabulary.Lines,
            Lowercase = settings.Lowercase,
            StripAccents = settings.StripAccents,
            HandleChineseChars = settings.TokenizeChineseChars,
        };
    }

    /// <summary>Writes <paramref name="tokenizer"/> to <paramref name="path"/> as tokenizer.json (UTF-8, no BOM).</summary>
    public static void Write(WordPieceTokenizerJson tokenizer, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.Create(path);
        Write(tokenizer, stream);
    }

    /// <summary>Writes <paramref name="tokenizer"/> to <paramref name="stream"/> as tokenizer.json (UTF-8, no BOM); the stream stays open.</summary>
    public static void Write(WordPieceTokenizerJson tokenizer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(stream);
        var ids = new Dictionary<string, int>(tokenizer.Vocabulary.Count, StringComparer.Ordinal);
        for (int id = 0; id < tokenizer.Vocabulary.Count; id++)
        {
            // A token listed twice keeps its last id, as the vocab.txt route and Hugging Face's load_vocab do.
            ids[tokenizer.Vocabulary[id]] = id;
        }

        using var json = new Utf8JsonWriter(stream, WriterOptions);
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        WriteAddedTokens(json, tokenizer, ids);
        WriteNormalizer(json, tokenizer);
        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "BertPreTokenizer");
        json.WriteEndObject();
        WritePostProcessor(json, tokenizer, ids);
        json.WriteStartObject("decoder");
        json.WriteString("type", "WordPiece");
        json.WriteString("prefix", tokenizer.ContinuingSubwordPrefix);
        json.WriteBoolean("cleanup", true);
        json.WriteEndObject();
        WriteModel(json, tokenizer, ids);
        json.WriteEndObject();
        json.Flush();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>The special tokens of a BERT vocabulary that the file declares as added tokens, in id order.</summary>
    private static void WriteAddedTokens(Utf8JsonWriter json, WordPieceTokenizerJson tokenizer, Dictionary<string, int> ids)
    {
        json.WriteStartArray("added_tokens");
        var specials = new[] { PadToken, tokenizer.UnkToken, tokenizer.ClsToken, tokenizer.SepToken, MaskToken }
            .Distinct(StringComparer.Ordinal)
            .Where(ids.ContainsKey)
            .OrderBy(token => ids[token]);
        foreach (var token in specials)
        {
            json.WriteStartObject();
            json.WriteNumber("id", ids[token]);
            json.WriteString("content", token);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteNormalizer(Utf8JsonWriter json, WordPieceTokenizerJson tokenizer)
    {
        json.WriteStartObject("normalizer");
        json.WriteString("type", "BertNormalizer");
        json.WriteBoolean("clean_text", tokenizer.CleanText);
        json.WriteBoolean("handle_chinese_chars", tokenizer.HandleChineseChars);
        if (tokenizer.StripAccents is bool strip)
        {
            json.WriteBoolean("strip_accents", strip);
        }
        else
        {
            json.WriteNull("strip_accents");
        }

        json.WriteBoolean("lowercase", tokenizer.Lowercase);
        json.WriteEndObject();
    }

    private static void WritePostProcessor(Utf8JsonWriter json, WordPieceTokenizerJson tokenizer, Dictionary<string, int> ids)
    {
        json.WriteStartObject("post_processor");
        json.WriteString("type", "TemplateProcessing");
        json.WriteStartArray("single");
        WriteSpecialPiece(json, tokenizer.ClsToken, 0);
        WriteSequencePiece(json, "A", 0);
        WriteSpecialPiece(json, tokenizer.SepToken, 0);
        json.WriteEndArray();
        json.WriteStartArray("pair");
        WriteSpecialPiece(json, tokenizer.ClsToken, 0);
        WriteSequencePiece(json, "A", 0);
        WriteSpecialPiece(json, tokenizer.SepToken, 0);
        WriteSequencePiece(json, "B", 1);
        WriteSpecialPiece(json, tokenizer.SepToken, 1);
        json.WriteEndArray();
        json.WriteStartObject("special_tokens");
        foreach (var token in new[] { tokenizer.ClsToken, tokenizer.SepToken }.Distinct(StringComparer.Ordinal))
        {
            if (!ids.TryGetValue(token, out int id))
            {
                throw new ArgumentException($"The vocabulary lacks the post-processor's special token {token}.", nameof(tokenizer));
            }

            json.WriteStartObject(token);
            json.WriteString("id", token);
            json.WriteStartArray("ids");
            json.WriteNumberValue(id);
            json.WriteEndArray();
            json.WriteStartArray("tokens");
            json.WriteStringValue(token);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSpecialPiece(Utf8JsonWriter json, string token, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject("SpecialToken");
        json.WriteString("id", token);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSequencePiece(Utf8JsonWriter json, string sequence, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject("Sequence");
        json.WriteString("id", sequence);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter json, WordPieceTokenizerJson tokenizer, Dictionary<string, int> ids)
    {
        json.WriteStartObject("model");
        json.WriteString("type", "WordPiece");
        json.WriteString("unk_token", tokenizer.UnkToken);
        json.WriteString("continuing_subword_prefix", tokenizer.ContinuingSubwordPrefix);
        json.WriteNumber("max_input_chars_per_word", tokenizer.MaxInputCharsPerWord);
        json.WriteStartObject("vocab");
        for (int id = 0; id < tokenizer.Vocabulary.Count; id++)
        {
            string token = tokenizer.Vocabulary[id];
            if (ids[token] == id)
            {
                json.WriteNumber(token, id);
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
