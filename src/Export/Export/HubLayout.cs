using System.Text.Json;
using System.Text.Json.Nodes;
using FastBert.ModelFolders;
using FastBert.Models.Onnx;
using FastBert.Tokenization;

namespace FastBert.Models.Export;

/// <summary>
/// Completes a model folder written by export or quantize so Hugging Face tools load it as it is (transformers.js
/// <c>from_pretrained</c> with local files, Optimum's <c>ORTModel</c>): tokenizer.json, tokenizer_config.json and
/// special_tokens_map.json (each written from vocab.txt and tokenizer_config.json settings when the checkpoint did not
/// bring it) and a copy of model.onnx under <c>onnx/</c>. fastbert itself keeps reading the root model.onnx.
/// </summary>
public static class HubLayout
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Adds the Hub files to <paramref name="folder"/> (a finished model folder with model.onnx and model.json, not yet
    /// placed) and records their sha256 in its model.json.
    /// </summary>
    /// <param name="folder">The staged model folder.</param>
    /// <param name="onnxName"><see cref="ModelFolder.OnnxLayoutFile"/> (float32) or <see cref="ModelFolder.QuantizedOnnxLayoutFile"/> (int8).</param>
    /// <exception cref="ExportException">The folder's tokenizer cannot be converted; the message names the file.</exception>
    public static void AddTo(string folder, string onnxName)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(onnxName);
        var descriptionPath = Path.Combine(folder, ModelDescription.FileName);
        var description = ModelDescription.Read(descriptionPath);

        var tokenizerJsonPath = Path.Combine(folder, ModelFolder.TokenizerJsonFile);
        WordPieceTokenizerJson tokenizer;
        try
        {
            if (!File.Exists(tokenizerJsonPath))
            {
                TokenizerJsonWriter.Write(TokenizerJsonWriter.FromVocabularyFolder(folder), tokenizerJsonPath);
            }

            tokenizer = WordPieceTokenizerJson.Read(tokenizerJsonPath);
        }
        catch (TokenizerLoadException ex)
        {
            throw new ExportException(ex.Message, ex);
        }

        WriteIfAbsent(Path.Combine(folder, ModelFolder.TokenizerConfigFile), TokenizerConfig(tokenizer, description.MaxPositionEmbeddings));
        WriteIfAbsent(Path.Combine(folder, ModelFolder.SpecialTokensMapFile), SpecialTokens(tokenizer));

        var onnxCopy = Path.Combine(folder, onnxName);
        Directory.CreateDirectory(Path.GetDirectoryName(onnxCopy)!);
        OutputFiles.CopyWritable(Path.Combine(folder, ModelFolder.OnnxFile), onnxCopy);

        var files = FileHashes.OfFolder(folder, ModelDescription.FileName);
        files[onnxName] = FileHashes.Sha256(onnxCopy);
        (description with { Files = files }).Write(descriptionPath);
    }

    /// <summary>tokenizer_config.json as save_pretrained writes it for a BertTokenizer.</summary>
    private static JsonObject TokenizerConfig(WordPieceTokenizerJson tokenizer, int maxLength)
    {
        var config = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = tokenizer.Lowercase,
            ["strip_accents"] = tokenizer.StripAccents,
            ["tokenize_chinese_chars"] = tokenizer.HandleChineseChars,
            ["model_max_length"] = maxLength,
            ["clean_up_tokenization_spaces"] = true,
        };
        foreach (var (key, token) in SpecialTokenNames(tokenizer))
        {
            config[key] = token;
        }

        return config;
    }

    private static JsonObject SpecialTokens(WordPieceTokenizerJson tokenizer)
    {
        var map = new JsonObject();
        foreach (var (key, token) in SpecialTokenNames(tokenizer))
        {
            map[key] = token;
        }

        return map;
    }

    private static IEnumerable<(string Key, string Token)> SpecialTokenNames(WordPieceTokenizerJson tokenizer)
    {
        yield return ("unk_token", tokenizer.UnkToken);
        yield return ("sep_token", tokenizer.SepToken);
        yield return ("pad_token", "[PAD]");
        yield return ("cls_token", tokenizer.ClsToken);
        if (tokenizer.Vocabulary.Contains("[MASK]", StringComparer.Ordinal))
        {
            yield return ("mask_token", "[MASK]");
        }
    }

    private static void WriteIfAbsent(string path, JsonObject content)
    {
        if (!File.Exists(path))
        {
            File.WriteAllText(path, content.ToJsonString(Indented) + "\n");
        }
    }
}
