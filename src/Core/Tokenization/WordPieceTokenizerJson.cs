using System.Text.Json;

namespace FastBert.Tokenization;

/// <summary>
/// The parts of a Hugging Face <c>tokenizer.json</c> (the tokenizers library's serialised pipeline) that define a BERT
/// WordPiece tokenizer: the WordPiece model, the BertNormalizer switches and the special tokens the post-processor
/// wraps a text in. The one home of this format in fastbert: the runtime reads it, writers build it.
/// </summary>
/// <remarks>
/// The file's <c>truncation</c> and <c>padding</c> blocks are deliberately not part of it: the manifest or
/// <c>--max-tokens</c> decides the length. <c>added_tokens</c> are only checked against the vocabulary.
/// </remarks>
public sealed record WordPieceTokenizerJson
{
    /// <summary>The WordPiece vocabulary, token by id (ids 0..n-1, each once).</summary>
    public required IReadOnlyList<string> Vocabulary { get; init; }

    /// <summary><c>model.unk_token</c>.</summary>
    public string UnkToken { get; init; } = "[UNK]";

    /// <summary><c>model.continuing_subword_prefix</c>.</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";

    /// <summary><c>model.max_input_chars_per_word</c>.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    /// <summary><c>normalizer.clean_text</c>.</summary>
    public bool CleanText { get; init; } = true;

    /// <summary><c>normalizer.handle_chinese_chars</c>.</summary>
    public bool HandleChineseChars { get; init; } = true;

    /// <summary><c>normalizer.strip_accents</c>; null follows <see cref="Lowercase"/>.</summary>
    public bool? StripAccents { get; init; }

    /// <summary><c>normalizer.lowercase</c>.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>The token the post-processor puts first (TemplateProcessing <c>single</c> or BertProcessing <c>cls</c>).</summary>
    public string ClsToken { get; init; } = "[CLS]";

    /// <summary>The token the post-processor puts last (TemplateProcessing <c>single</c> or BertProcessing <c>sep</c>).</summary>
    public string SepToken { get; init; } = "[SEP]";

    /// <summary>
    /// Why the post-processor's pair template is not BERT's [CLS] $A:0 [SEP]:0 $B:1 [SEP]:1 (as a sentence, for an error
    /// message), or null when it is. Such a tokenizer still encodes single texts.
    /// </summary>
    public string? PairTemplateProblem { get; init; }

    /// <summary>The normaliser switches as fastbert's tokenizer settings.</summary>
    public TokenizerSettings Settings => new(Lowercase, StripAccents, HandleChineseChars);

    /// <summary>Reads and validates a tokenizer.json file.</summary>
    /// <exception cref="TokenizerLoadException">Unreadable, not JSON, or not a BERT WordPiece tokenizer; the message names the file and what it found.</exception>
    public static WordPieceTokenizerJson Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"The tokenizer '{path}' could not be read: {ex.Message} Check that the file is readable.", ex) { Path = path };
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses and validates the bytes of a tokenizer.json; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="TokenizerLoadException">Not JSON, or not a BERT WordPiece tokenizer.</exception>
    public static WordPieceTokenizerJson Parse(ReadOnlySpan<byte> json, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var reader = new Reader(path);
        try
        {
            var options = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
            var utf8 = new Utf8JsonReader(json, options);
            using var document = JsonDocument.ParseValue(ref utf8);
            return reader.Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw reader.Error($"is not valid JSON ({ex.Message}). Use the tokenizer.json saved by Hugging Face tokenizers (save_pretrained), or delete it and provide vocab.txt.", ex);
        }
    }

    /// <summary>Validation of one file, so every message names it the same way.</summary>
    private sealed class Reader(string path)
    {
        private const string Expected = "fastbert reads BERT WordPiece tokenizers (model WordPiece, normalizer BertNormalizer, pre_tokenizer BertPreTokenizer, post_processor TemplateProcessing or BertProcessing)";

        public WordPieceTokenizerJson Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error($"must hold a JSON object, found {Kind(root)}. {Expected}.");
            }

            var model = RequireObject(root, "model");
            string modelType = TypeOf(model) ?? InferModelType(model);
            if (modelType != "WordPiece")
            {
                throw Error($"holds a {modelType} model, not WordPiece: {Expected}; a {modelType} tokenizer (RoBERTa, GPT-2, T5, XLM-R style) is not supported.");
            }

            var vocabulary = ReadVocabulary(RequireObject(model, "vocab", "model.vocab"));
            CheckAddedTokens(root, vocabulary);
            var normalizer = RequireTyped(root, "normalizer", "BertNormalizer");
            RequireTyped(root, "pre_tokenizer", "BertPreTokenizer");
            var (cls, sep) = ReadSpecialTokens(root, vocabulary);
            var processor = root.GetProperty("post_processor");
            string? pairProblem = TypeOf(processor) == "TemplateProcessing" ? PairTemplateProblem(processor, cls, sep) : null;

            return new WordPieceTokenizerJson
            {
                Vocabulary = vocabulary,
                UnkToken = String(model, "unk_token", "model.unk_token") ?? "[UNK]",
                ContinuingSubwordPrefix = String(model, "continuing_subword_prefix", "model.continuing_subword_prefix") ?? "##",
                MaxInputCharsPerWord = PositiveInt(model, "max_input_chars_per_word", "model.max_input_chars_per_word") ?? 100,
                CleanText = Bool(normalizer, "clean_text", "normalizer.clean_text") ?? true,
                HandleChineseChars = Bool(normalizer, "handle_chinese_chars", "normalizer.handle_chinese_chars") ?? true,
                StripAccents = Bool(normalizer, "strip_accents", "normalizer.strip_accents"),
                Lowercase = Bool(normalizer, "lowercase", "normalizer.lowercase") ?? true,
                ClsToken = cls,
                SepToken = sep,
                PairTemplateProblem = pairProblem,
            };
        }

        public TokenizerLoadException Error(string message, Exception? inner = null)
        {
            string text = $"The tokenizer '{path}' {message}";
            return inner is null ? new TokenizerLoadException(text) { Path = path } : new TokenizerLoadException(text, inner) { Path = path };
        }

        /// <summary>Files written before the tokenizers library tagged its models have no "type".</summary>
        private string InferModelType(JsonElement model)
        {
            if (model.TryGetProperty("merges", out _))
            {
                return "BPE";
            }

            if (model.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Array)
            {
                return "Unigram";
            }

            if (model.TryGetProperty("continuing_subword_prefix", out _) || model.TryGetProperty("max_input_chars_per_word", out _))
            {
                return "WordPiece";
            }

            throw Error($"has a \"model\" without a \"type\" that fastbert cannot identify. {Expected}.");
        }

        private string[] ReadVocabulary(JsonElement vocab)
        {
            int count = 0;
            foreach (var _ in vocab.EnumerateObject())
            {
                count++;
            }

            if (count == 0)
            {
                throw Error("has an empty model.vocab. It must map every WordPiece token to its id.");
            }

            var tokens = new string?[count];
            foreach (var entry in vocab.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id))
                {
                    throw Error($"maps \"{entry.Name}\" to {entry.Value.GetRawText()} in model.vocab; every id must be an integer.");
                }

                if (id < 0 || id >= count)
                {
                    throw Error($"gives \"{entry.Name}\" the id {id} in model.vocab, outside 0..{count - 1}: the ids of a WordPiece vocabulary must be 0..n-1, each once.");
                }

                if (tokens[id] is { } other)
                {
                    throw Error($"gives both \"{other}\" and \"{entry.Name}\" the id {id} in model.vocab: the ids of a WordPiece vocabulary must be 0..n-1, each once.");
                }

                tokens[id] = entry.Name;
            }

            int hole = Array.IndexOf(tokens, null);
            if (hole >= 0)
            {
                throw Error($"has no token with the id {hole} in model.vocab (a token listed twice?): the ids of a WordPiece vocabulary must be 0..n-1, each once.");
            }

            return tokens!;
        }

        private (string Cls, string Sep) ReadSpecialTokens(JsonElement root, string[] vocabulary)
        {
            var processor = RequireObject(root, "post_processor");
            string? type = TypeOf(processor);
            (string Cls, int? ClsId, string Sep, int? SepId) found = type switch
            {
                "TemplateProcessing" => ReadTemplate(processor),
                "BertProcessing" => (TokenAndId(processor, "cls").Token, TokenAndId(processor, "cls").Id, TokenAndId(processor, "sep").Token, TokenAndId(processor, "sep").Id),
                _ => throw Error($"has a post_processor of type {type ?? "(none)"}; {Expected}, which wrap a text as [CLS] text [SEP]."),
            };

            CheckId(found.Cls, found.ClsId, vocabulary);
            CheckId(found.Sep, found.SepId, vocabulary);
            return (found.Cls, found.Sep);
        }

        private (string, int?, string, int?) ReadTemplate(JsonElement processor)
        {
            var single = processor.TryGetProperty("single", out var s) ? s : default;
            if (single.ValueKind != JsonValueKind.Array || single.GetArrayLength() != 3
                || !TryTemplateToken(single[0], out string cls) || !IsSequenceA(single[1]) || !TryTemplateToken(single[2], out string sep))
            {
                string shown = single.ValueKind == JsonValueKind.Undefined ? "(none)" : single.GetRawText();
                throw Error($"has a TemplateProcessing post_processor whose \"single\" template is {Shorten(shown)}; fastbert encodes a text as one special token, the text, one special token (\"[CLS] $A [SEP]\").");
            }

            return (cls, SpecialTokenId(processor, cls), sep, SpecialTokenId(processor, sep));
        }

        private static string? PairTemplateProblem(JsonElement processor, string cls, string sep)
        {
            var pair = processor.TryGetProperty("pair", out var p) ? p : default;
            bool isBert = pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 5
                && IsTemplateToken(pair[0], cls, 0) && IsSequence(pair[1], "A", 0) && IsTemplateToken(pair[2], sep, 0)
                && IsSequence(pair[3], "B", 1) && IsTemplateToken(pair[4], sep, 1);
            if (isBert)
            {
                return null;
            }

            string shown = pair.ValueKind == JsonValueKind.Undefined ? "(none)" : pair.GetRawText();
            return $"has a TemplateProcessing post_processor whose \"pair\" template is {Shorten(shown)}; fastbert encodes a sentence pair as \"{cls} $A:0 {sep}:0 $B:1 {sep}:1\" (BERT's). Use the model's standard BERT tokenizer.json or its vocab.txt.";
        }

        private static bool IsTemplateToken(JsonElement piece, string token, int typeId) =>
            TryTemplateToken(piece, out string found) && found == token && TypeId(piece, "SpecialToken") == typeId;

        private static bool IsSequence(JsonElement piece, string name, int typeId) =>
            piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("Sequence", out var sequence)
            && sequence.ValueKind == JsonValueKind.Object && sequence.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            && id.GetString() == name && TypeId(piece, "Sequence") == typeId;

        private static int? TypeId(JsonElement piece, string kind) =>
            piece.GetProperty(kind).TryGetProperty("type_id", out var typeId) && typeId.TryGetInt32(out int value) ? value : null;

        private static bool TryTemplateToken(JsonElement piece, out string token)
        {
            token = string.Empty;
            if (piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("SpecialToken", out var special)
                && special.ValueKind == JsonValueKind.Object && special.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                token = id.GetString()!;
                return true;
            }

            return false;
        }

        private static bool IsSequenceA(JsonElement piece) =>
            piece.ValueKind == JsonValueKind.Object && piece.TryGetProperty("Sequence", out var sequence)
            && sequence.ValueKind == JsonValueKind.Object && sequence.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "A";

        /// <summary>The single id the template's special_tokens table gives <paramref name="token"/>, when it has one.</summary>
        private int? SpecialTokenId(JsonElement processor, string token)
        {
            if (!processor.TryGetProperty("special_tokens", out var table) || table.ValueKind != JsonValueKind.Object
                || !table.TryGetProperty(token, out var entry))
            {
                return null;
            }

            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array
                || ids.GetArrayLength() != 1 || !ids[0].TryGetInt32(out int id))
            {
                throw Error($"has post_processor.special_tokens[\"{token}\"] = {Shorten(entry.GetRawText())}; fastbert needs exactly one id per special token.");
            }

            return id;
        }

        private (string Token, int Id) TokenAndId(JsonElement processor, string name)
        {
            if (processor.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                && pair[0].ValueKind == JsonValueKind.String && pair[1].ValueKind == JsonValueKind.Number && pair[1].TryGetInt32(out int id))
            {
                return (pair[0].GetString()!, id);
            }

            throw Error($"has a BertProcessing post_processor without a valid \"{name}\": it must be [token, id], like [\"[CLS]\", 101].");
        }

        private void CheckId(string token, int? id, string[] vocabulary)
        {
            int index = Array.IndexOf(vocabulary, token);
            if (index < 0)
            {
                throw Error($"has the post_processor special token \"{token}\", which model.vocab lacks.");
            }

            if (id is int given && given != index)
            {
                throw Error($"gives the post_processor special token \"{token}\" the id {given}, but model.vocab gives it {index}.");
            }
        }

        private void CheckAddedTokens(JsonElement root, string[] vocabulary)
        {
            if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (added.ValueKind != JsonValueKind.Array)
            {
                throw Error($"has \"added_tokens\" of kind {Kind(added)}; it must be an array.");
            }

            foreach (var token in added.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object || !token.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out int id)
                    || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                {
                    throw Error($"has an added token {Shorten(token.GetRawText())} without an integer \"id\" and a string \"content\".");
                }

                if (id < 0 || id >= vocabulary.Length || vocabulary[id] != content.GetString())
                {
                    throw Error($"adds the token \"{content.GetString()}\" with id {id}, which is not that entry of model.vocab; fastbert reads BERT tokenizers whose added tokens are vocabulary entries (like [CLS], [SEP], [PAD], [UNK], [MASK]).");
                }
            }
        }

        private JsonElement RequireObject(JsonElement parent, string name, string? shownName = null)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
            {
                string found = value.ValueKind == JsonValueKind.Undefined ? "none" : Kind(value);
                throw Error($"has no \"{shownName ?? name}\" object (found {found}). {Expected}.");
            }

            return value;
        }

        private JsonElement RequireTyped(JsonElement root, string name, string type)
        {
            var value = RequireObject(root, name);
            string? found = TypeOf(value);
            if (found != type)
            {
                string detail = found == "Sequence" ? $"a Sequence of {Shorten(value.GetRawText())}" : found ?? "no type";
                throw Error($"has a {name} of type {detail}, not {type}. {Expected}; other {name}s are not supported.");
            }

            return value;
        }

        private static string? TypeOf(JsonElement element) =>
            element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

        private string? String(JsonElement parent, string name, string shownName)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw Error($"has {shownName} = {Shorten(value.GetRawText())}; it must be a string.");
        }

        private int? PositiveInt(JsonElement parent, string name, string shownName)
        {
            if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) && number > 0
                ? number
                : throw Error($"has {shownName} = {Shorten(value.GetRawText())}; it must be a positive integer.");
        }

        private bool? Bool(JsonElement parent, string name, string shownName) =>
            !parent.TryGetProperty(name, out var value) ? null : value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => throw Error($"has {shownName} = {Shorten(value.GetRawText())}; it must be true, false or null."),
            };

        private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

        private static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 117), "...");
    }
}
