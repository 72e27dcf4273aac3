using System.Runtime.InteropServices;
using System.Text.Json;
using FastBert.ModelFolders;
using static FastBert.Tokenization.BasicTokenizer;

namespace FastBert.Tokenization;

/// <summary>
/// BERT WordPiece tokenizer producing exactly the ids of Hugging Face's <c>BertTokenizer</c> (and its DistilBERT /
/// ELECTRA twins) for a vocab.txt and tokenizer_config.json. Thread-safe: one instance can serve many threads.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline: <see cref="BasicTokenizer"/> reproduces HF's front end — special tokens, text cleaning, CJK
/// splitting, NFC, lowercasing, accent stripping, punctuation splitting — and hands space-separated words to
/// <see cref="WordPieceEncoder"/>, HF's greedy longest-match-first WordPiece over span-keyed lookups. Steady-state
/// encoding into a span allocates nothing for text that needs no Unicode normalisation.
/// </para>
/// <para>
/// Special tokens: [CLS], [SEP], [PAD], [MASK] and [UNK] written literally in the text are split out first, matched
/// case-sensitively, and map to their own ids, as in HF. HF keeps special tokens out of lowercasing (their
/// <c>AddedToken</c>s are <c>normalized=False</c>; the slow tokenizer lowercases everything except matches of the
/// special-token pattern before its trie splits the text), so with do_lower_case a lowercase "[sep]" is ordinary
/// text: it becomes "[", "sep", "]". Like HF's <c>never_split</c>, a whole whitespace token that equals a special
/// token only after cleaning (e.g. "[SE\u200BP]") also stays that special token.
/// </para>
/// <para>
/// Truncation (<c>maxTokens</c>) keeps [CLS] first and [SEP] last and cuts word pieces at the end, like HF's
/// <c>truncation=True, max_length=maxTokens</c>; text after the cut is never scanned.
/// </para>
/// </remarks>
public sealed class BertTextTokenizer
{
    private const string ClsToken = "[CLS]";
    private const string SepToken = "[SEP]";
    private const string PadToken = "[PAD]";
    private const string MaskToken = "[MASK]";
    private const string UnkToken = "[UNK]";

    private static readonly string[] SpecialTokens = [ClsToken, SepToken, PadToken, MaskToken, UnkToken];

    private readonly WordPieceEncoder _wordPiece;
    private readonly BasicTokenizer _basic;
    private readonly IReadOnlyList<string> _tokens;

    private BertTextTokenizer(BertVocabulary vocabulary, TokenizerSettings settings, string continuingSubwordPrefix = "##", string? pairUnsupportedReason = null)
    {
        Settings = settings;
        PairUnsupportedReason = pairUnsupportedReason;
        ClsId = vocabulary.Ids[ClsToken];
        SepId = vocabulary.Ids[SepToken];
        PadId = vocabulary.Ids[PadToken];
        UnkId = vocabulary.Ids[UnkToken];
        VocabularySize = vocabulary.Lines.Count;

        _basic = new BasicTokenizer(
            settings,
            SpecialTokens.Select(t => new SpecialWord(t, vocabulary.Ids.ContainsKey(t) ? t : UnkToken)));

        _wordPiece = new WordPieceEncoder(vocabulary.Ids, UnkId, continuingSubwordPrefix);
        _tokens = vocabulary.Lines;
    }

    /// <summary>The normalisation switches in use.</summary>
    public TokenizerSettings Settings { get; }

    /// <summary>Id of [CLS], first id of every encoding.</summary>
    public int ClsId { get; }

    /// <summary>Id of [SEP], last id of every encoding.</summary>
    public int SepId { get; }

    /// <summary>Id of [PAD], for padding batches.</summary>
    public int PadId { get; }

    /// <summary>Id of [UNK].</summary>
    public int UnkId { get; }

    /// <summary>Number of entries (lines) in vocab.txt; every id produced is below it.</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Builds the tokenizer of a Hugging Face model folder: vocab.txt and tokenizer_config.json (optional:
    /// do_lower_case, strip_accents, tokenize_chinese_chars; HF defaults true, null, true), or, when the folder has no
    /// vocab.txt, its tokenizer.json (see <see cref="FromTokenizerJson"/>).
    /// </summary>
    /// <param name="modelDirectory">The model folder.</param>
    /// <param name="lowercaseOverride">When set, wins over do_lower_case (strip_accents = null then follows it).</param>
    /// <exception cref="TokenizerLoadException">Folder or vocab.txt and tokenizer.json missing, vocabulary empty, malformed or without
    /// [CLS]/[SEP]/[PAD]/[UNK], or tokenizer_config.json unreadable. The message names the file.</exception>
    public static BertTextTokenizer FromModelDirectory(string modelDirectory, bool? lowercaseOverride = null)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        if (string.IsNullOrWhiteSpace(modelDirectory))
        {
            throw new TokenizerLoadException("No model directory was given. Pass the folder that holds the model's vocab.txt (and tokenizer_config.json).");
        }

        string directory = Path.GetFullPath(modelDirectory);
        if (!Directory.Exists(directory))
        {
            throw new TokenizerLoadException(
                $"The model directory '{directory}' does not exist. Pass the folder that holds the model's vocab.txt (and tokenizer_config.json).")
            { Path = directory };
        }

        string vocabPath = Path.Combine(directory, ModelFolder.VocabularyFile);
        if (!File.Exists(vocabPath))
        {
            string tokenizerJsonPath = Path.Combine(directory, ModelFolder.TokenizerJsonFile);
            if (File.Exists(tokenizerJsonPath))
            {
                return FromTokenizerJson(tokenizerJsonPath, lowercaseOverride);
            }

            throw new TokenizerLoadException(
                $"The tokenizer vocabulary '{vocabPath}' was not found (nor a tokenizer.json). Copy the model's vocab.txt or tokenizer.json (as saved by Hugging Face save_pretrained) into this folder.")
            { Path = vocabPath };
        }

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
        var settings = ReadSettings(Path.Combine(directory, ModelFolder.TokenizerConfigFile));
        if (lowercaseOverride is bool lowercase)
        {
            settings = settings with { Lowercase = lowercase };
        }

        return new BertTextTokenizer(vocabulary, settings);
    }

    /// <summary>
    /// Builds the tokenizer a Hugging Face tokenizer.json describes: its WordPiece vocabulary and BertNormalizer
    /// switches (the file's truncation and padding are ignored). The ids equal those of the same vocabulary read from
    /// vocab.txt with the same settings.
    /// </summary>
    /// <param name="tokenizerJsonPath">The tokenizer.json file.</param>
    /// <param name="lowercaseOverride">When set, wins over normalizer.lowercase (strip_accents = null then follows it).</param>
    /// <exception cref="TokenizerLoadException">The file is unreadable, not JSON, not a BERT WordPiece tokenizer, or uses
    /// a setting fastbert's BERT pipeline does not implement. The message names the file and what it found.</exception>
    public static BertTextTokenizer FromTokenizerJson(string tokenizerJsonPath, bool? lowercaseOverride = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        string path = Path.GetFullPath(tokenizerJsonPath);
        if (!File.Exists(path))
        {
            throw new TokenizerLoadException($"The tokenizer '{path}' was not found. Pass the tokenizer.json saved with the model.") { Path = path };
        }

        var definition = WordPieceTokenizerJson.Read(path);
        RequireSupported(definition, path);
        var vocabulary = BertVocabulary.FromTokens(definition.Vocabulary, $"in '{path}' (model.vocab)", path);
        var settings = definition.Settings;
        if (lowercaseOverride is bool lowercase)
        {
            settings = settings with { Lowercase = lowercase };
        }

        string? pairProblem = definition.PairTemplateProblem is { } problem ? $"The tokenizer '{path}' {problem}" : null;
        return new BertTextTokenizer(vocabulary, settings, definition.ContinuingSubwordPrefix, pairProblem);
    }

    /// <summary>Settings a valid BERT tokenizer.json may hold but that fastbert's pipeline fixes: refused, never ignored.</summary>
    private static void RequireSupported(WordPieceTokenizerJson definition, string path)
    {
        string? unsupported =
            definition.UnkToken != UnkToken ? $"model.unk_token is \"{definition.UnkToken}\" (fastbert supports \"{UnkToken}\")"
            : definition.MaxInputCharsPerWord != MaxWordCodePoints ? $"model.max_input_chars_per_word is {definition.MaxInputCharsPerWord} (fastbert supports {MaxWordCodePoints}, the BERT value)"
            : !definition.CleanText ? "normalizer.clean_text is false (fastbert always cleans the text, as BERT does)"
            : definition.ClsToken != ClsToken || definition.SepToken != SepToken
                ? $"the post_processor wraps texts in \"{definition.ClsToken}\" ... \"{definition.SepToken}\" (fastbert supports \"{ClsToken}\" ... \"{SepToken}\")"
            : string.IsNullOrEmpty(definition.ContinuingSubwordPrefix) ? "model.continuing_subword_prefix is empty"
            : null;
        if (unsupported is not null)
        {
            throw new TokenizerLoadException($"The tokenizer '{path}' is a WordPiece tokenizer, but {unsupported}. Use the model's standard BERT tokenizer.json or its vocab.txt.") { Path = path };
        }
    }

    /// <summary>Builds a tokenizer from a vocab.txt stream (read to its end, not closed) and explicit settings.</summary>
    /// <exception cref="TokenizerLoadException">The vocabulary is empty, malformed or lacks [CLS]/[SEP]/[PAD]/[UNK].</exception>
    public static BertTextTokenizer Create(Stream vocabTxt, TokenizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(vocabTxt);
        ArgumentNullException.ThrowIfNull(settings);
        using var copy = new MemoryStream();
        vocabTxt.CopyTo(copy);
        var vocabulary = BertVocabulary.Parse(copy.GetBuffer().AsSpan(0, (int)copy.Length), "stream", null);
        return new BertTextTokenizer(vocabulary, settings);
    }

    /// <summary>Encodes <paramref name="text"/> as [CLS] word pieces [SEP].</summary>
    /// <param name="text">Any text (empty gives [CLS] [SEP]).</param>
    /// <param name="maxTokens">Maximum length including [CLS] and [SEP] (at least 2); null = no truncation.</param>
    public int[] Encode(string text, int? maxTokens = null) => Encode(text, maxTokens, out _);

    /// <summary>Encodes <paramref name="text"/> as [CLS] word pieces [SEP], reporting whether truncation cut pieces.</summary>
    /// <param name="text">Any text (empty gives [CLS] [SEP]).</param>
    /// <param name="maxTokens">Maximum length including [CLS] and [SEP] (at least 2); null = no truncation.</param>
    /// <param name="truncated">True when word pieces were dropped to fit <paramref name="maxTokens"/>.</param>
    public int[] Encode(string text, int? maxTokens, out bool truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        int budget = PieceBudget(maxTokens);
        var scratch = TokenizerScratch.Rent();
        try
        {
            var pieces = EncodePieces(text, budget, scratch);
            int count = Math.Min(pieces.Length, budget);
            truncated = pieces.Length > budget;
            var ids = new int[count + 2];
            ids[0] = ClsId;
            pieces[..count].CopyTo(ids.AsSpan(1));
            ids[count + 1] = SepId;
            return ids;
        }
        finally
        {
            TokenizerScratch.Return(scratch);
        }
    }

    /// <summary>
    /// Writes [CLS] word pieces [SEP] into <paramref name="destination"/> (its length is the token limit, at least 2),
    /// e.g. a row of an ONNX int64 input tensor. Returns the number of ids written; the rest is left untouched.
    /// Allocates nothing in steady state for text that needs no Unicode normalisation (e.g. ASCII).
    /// </summary>
    public int EncodeInto(ReadOnlySpan<char> text, Span<long> destination, out bool truncated)
    {
        int budget = PieceBudget(destination.Length);
        var scratch = TokenizerScratch.Rent();
        try
        {
            var pieces = EncodePieces(text, budget, scratch);
            int count = Math.Min(pieces.Length, budget);
            truncated = pieces.Length > budget;
            destination[0] = ClsId;
            for (int i = 0; i < count; i++)
            {
                destination[i + 1] = pieces[i];
            }

            destination[count + 1] = SepId;
            return count + 2;
        }
        finally
        {
            TokenizerScratch.Return(scratch);
        }
    }

    /// <summary>
    /// Writes [CLS] word pieces [SEP] into <paramref name="destination"/> (its length is the token limit, at least 2).
    /// Returns the number of ids written; the rest is left untouched.
    /// </summary>
    public int EncodeInto(ReadOnlySpan<char> text, Span<int> destination, out bool truncated)
    {
        int budget = PieceBudget(destination.Length);
        var scratch = TokenizerScratch.Rent();
        try
        {
            var pieces = EncodePieces(text, budget, scratch);
            int count = Math.Min(pieces.Length, budget);
            truncated = pieces.Length > budget;
            destination[0] = ClsId;
            pieces[..count].CopyTo(destination[1..]);
            destination[count + 1] = SepId;
            return count + 2;
        }
        finally
        {
            TokenizerScratch.Return(scratch);
        }
    }

    /// <summary>
    /// Encodes a sentence pair as [CLS] first [SEP] second [SEP], like Hugging Face's
    /// <c>tokenizer(text, text_pair, truncation=True, max_length=maxTokens)</c>: token type 0 for [CLS], the first text
    /// and its [SEP], 1 for the second text and the final [SEP]; truncation <c>longest_first</c>. An empty second
    /// text (zero characters) encodes the first text alone, as [CLS] first [SEP] typed 0, as Hugging Face's fast
    /// tokenizers and transformers.js do for <c>text_pair=""</c>.
    /// </summary>
    /// <param name="text">The first text (any, empty gives no pieces).</param>
    /// <param name="textPair">The second text.</param>
    /// <param name="maxTokens">Maximum length of the whole pair including [CLS] and both [SEP] (at least 3); null = no truncation.</param>
    /// <exception cref="NotSupportedException">The tokenizer.json this tokenizer came from has a pair template other than BERT's.</exception>
    public EncodedPair EncodePair(string text, string textPair, int? maxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(textPair);
        int budget = PairPieceBudget(maxTokens);
        if (textPair.Length == 0)
        {
            var single = Encode(text, maxTokens, out bool cut);
            return new EncodedPair(single, new int[single.Length], cut);
        }

        var scratch = TokenizerScratch.Rent();
        try
        {
            EncodePairPieces(text, textPair, scratch, out var first, out var second);
            var (keepFirst, keepSecond) = PairTruncation.LongestFirst(first.Length, second.Length, budget);
            int firstSegment = keepFirst + 2;
            var ids = new int[firstSegment + keepSecond + 1];
            var types = new int[ids.Length];
            ids[0] = ClsId;
            first[..keepFirst].CopyTo(ids.AsSpan(1));
            ids[firstSegment - 1] = SepId;
            second[..keepSecond].CopyTo(ids.AsSpan(firstSegment));
            ids[^1] = SepId;
            types.AsSpan(firstSegment).Fill(1);
            return new EncodedPair(ids, types, keepFirst < first.Length || keepSecond < second.Length);
        }
        finally
        {
            TokenizerScratch.Return(scratch);
        }
    }

    /// <summary>
    /// Writes a sentence pair as [CLS] first [SEP] second [SEP] into <paramref name="inputIds"/> (its length is the
    /// token limit, at least 3) and its token types (0 up to the first [SEP], then 1) into
    /// <paramref name="tokenTypeIds"/> (at least as long). Returns the number of ids written; the rest is left untouched.
    /// An empty second text encodes the first alone, as in <see cref="EncodePair"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The tokenizer.json this tokenizer came from has a pair template other than BERT's.</exception>
    public int EncodePairInto(ReadOnlySpan<char> text, ReadOnlySpan<char> textPair, Span<long> inputIds, Span<long> tokenTypeIds, out bool truncated)
    {
        int budget = PairPieceBudget(inputIds.Length);
        if (tokenTypeIds.Length < inputIds.Length)
        {
            throw new ArgumentException("tokenTypeIds must be at least as long as inputIds.", nameof(tokenTypeIds));
        }

        if (textPair.IsEmpty)
        {
            int written = EncodeInto(text, inputIds, out truncated);
            tokenTypeIds[..written].Clear();
            return written;
        }

        var scratch = TokenizerScratch.Rent();
        try
        {
            EncodePairPieces(text, textPair, scratch, out var first, out var second);
            var (keepFirst, keepSecond) = PairTruncation.LongestFirst(first.Length, second.Length, budget);
            truncated = keepFirst < first.Length || keepSecond < second.Length;
            int firstSegment = keepFirst + 2;
            int length = firstSegment + keepSecond + 1;
            inputIds[0] = ClsId;
            for (int i = 0; i < keepFirst; i++)
            {
                inputIds[i + 1] = first[i];
            }

            inputIds[firstSegment - 1] = SepId;
            for (int i = 0; i < keepSecond; i++)
            {
                inputIds[firstSegment + i] = second[i];
            }

            inputIds[length - 1] = SepId;
            tokenTypeIds[..firstSegment].Clear();
            tokenTypeIds[firstSegment..length].Fill(1);
            return length;
        }
        finally
        {
            TokenizerScratch.Return(scratch);
        }
    }

    /// <summary>Why this tokenizer cannot encode pairs (its tokenizer.json's pair template), or null when it can.</summary>
    public string? PairUnsupportedReason { get; }

    // longest_first needs both texts' full piece counts (which side is longer decides a tie's odd piece), so pairs
    // are encoded to the end; the first text's pieces wait in their own buffer while the second is encoded.
    private void EncodePairPieces(ReadOnlySpan<char> text, ReadOnlySpan<char> textPair, TokenizerScratch scratch, out ReadOnlySpan<int> first, out ReadOnlySpan<int> second)
    {
        if (PairUnsupportedReason is { } reason)
        {
            throw new NotSupportedException(reason);
        }

        var pieces = EncodePieces(text, int.MaxValue, scratch);
        var kept = scratch.FirstSegmentIds(pieces.Length)[..pieces.Length];
        pieces.CopyTo(kept);
        first = kept;
        second = EncodePieces(textPair, int.MaxValue, scratch);
    }

    private static int PairPieceBudget(int? maxTokens)
    {
        if (maxTokens is not int max)
        {
            return int.MaxValue;
        }

        if (max < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), max, "maxTokens must be at least 3 for a pair: it counts [CLS] and both [SEP].");
        }

        return max - 3;
    }

    /// <summary>The text's words (see <see cref="TextWords"/>), lazily, left to right.</summary>
    internal IEnumerable<TextWord> SplitWords(string text) => TextWords.Split(text, Settings.TokenizeChineseChars, SpecialTokens);

    /// <summary>The vocabulary entry of an id, e.g. "##ner".</summary>
    internal string TokenText(int id) => _tokens[id];

    private static int PieceBudget(int? maxTokens)
    {
        if (maxTokens is not int max)
        {
            return int.MaxValue;
        }

        if (max < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), max, "maxTokens must be at least 2: it counts [CLS] and [SEP].");
        }

        return max - 2;
    }

    /// <summary>Word-piece ids of the text: all of them, or at least <paramref name="budget"/> + 1 when there are more.</summary>
    private ReadOnlySpan<int> EncodePieces(ReadOnlySpan<char> text, int budget, TokenizerScratch scratch)
    {
        // Every word yields at least one piece, so budget + 1 words settle both the ids and "truncated".
        int limit = budget == int.MaxValue ? int.MaxValue : budget + 1;
        scratch.Words.Reset(limit);
        _basic.Tokenize(text, scratch);
        if (scratch.Words.WordCount == 0)
        {
            return [];
        }

        var words = scratch.Words.Span;
        var ids = scratch.PieceIds(Math.Min(limit, words.Length));
        return ids[.._wordPiece.Encode(words, ids, limit)];
    }

    private static TokenizerSettings ReadSettings(string configPath)
    {
        var settings = new TokenizerSettings();
        if (!File.Exists(configPath))
        {
            return settings;
        }

        try
        {
            using var stream = File.OpenRead(configPath);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenizerLoadException($"The tokenizer settings '{configPath}' must hold a JSON object (like the tokenizer_config.json Hugging Face saves); fix or delete the file.") { Path = configPath };
            }

            return settings with
            {
                Lowercase = ReadBool(root, "do_lower_case", configPath) ?? settings.Lowercase,
                StripAccents = ReadBool(root, "strip_accents", configPath),
                TokenizeChineseChars = ReadBool(root, "tokenize_chinese_chars", configPath) ?? settings.TokenizeChineseChars,
            };
        }
        catch (JsonException ex)
        {
            throw new TokenizerLoadException($"The tokenizer settings '{configPath}' are not valid JSON ({ex.Message}); fix or delete the file (defaults: do_lower_case true, strip_accents null, tokenize_chinese_chars true).", ex) { Path = configPath };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"The tokenizer settings '{configPath}' could not be read: {ex.Message}", ex) { Path = configPath };
        }
    }

    private static bool? ReadBool(JsonElement root, string name, string configPath)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new TokenizerLoadException($"In '{configPath}', \"{name}\" is {value.GetRawText()}; it must be true, false or null.") { Path = configPath },
        };
    }
}
