using FastBert.ModelFolders;
using FastBert.Models.Configuration;
using FastBert.Models.Onnx;
using FastBert.Tokenization;

namespace FastBert.Models.Export;

/// <summary>
/// The tokenizer files of a checkpoint folder, checked before a model is built from it: what the runtime would
/// refuse at load (an empty, binary or special-token-less vocab.txt, a broken tokenizer_config.json) is refused at
/// export and quantize time by the same checks.
/// </summary>
internal static class CheckpointTokenizer
{
    /// <exception cref="ExportException">The tokenizer cannot be loaded, or vocab.txt has ids beyond the embedding table; the message names the file.</exception>
    public static void Verify(string checkpointDirectory, TransformerConfig config)
    {
        BertTextTokenizer tokenizer;
        try
        {
            tokenizer = BertTextTokenizer.FromModelDirectory(checkpointDirectory);
        }
        catch (TokenizerLoadException ex)
        {
            throw new ExportException(ex.Message, ex);
        }

        // Every id vocab.txt can produce indexes the word-embedding table; an id past its end fails only at run time.
        if (tokenizer.VocabularySize > config.VocabSize)
        {
            throw new ExportException(
                $"{Path.Combine(checkpointDirectory, ModelFolder.VocabularyFile)}: the vocabulary has {tokenizer.VocabularySize} tokens, but {config.SourcePath ?? "config.json"} says vocab_size is {config.VocabSize}: " +
                "tokens past the embedding table could not be looked up. Use the vocab.txt saved with this model.");
        }
    }
}
