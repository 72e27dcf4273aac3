using FastBert.ModelFolders;
using FastBert.Tokenization;

namespace FastBert;

/// <summary>
/// Explains a single-label prediction by occlusion (see <see cref="TextExplanation"/>): the text is classified once
/// as <see cref="BertModel.Classify(string)"/> does, then every occluded variant runs in shared batches of up to
/// <see cref="RowsPerRun"/> rows, so a 30-word text costs one batched call. Only the model's inputs change, so it
/// works for any exported or int8 model.
/// </summary>
internal static class OcclusionExplainer
{
    /// <summary>Variants per ONNX Runtime call: the variants of one text have almost the same length, so padding is small.</summary>
    public const int RowsPerRun = 64;

    public static TextExplanation Explain(BertModel model, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (model.Info.Problem == ClassificationProblem.MultiLabel)
        {
            throw new NotSupportedException(
                $"Explain supports single-label models; the model in '{model.Info.Directory}' is multi-label (several labels per text). Use Predict for its per-label probabilities.");
        }

        var prediction = model.Classify(text);
        var tokenizer = model.Tokenizer;
        var maxTokens = model.Info.MaxTokens;
        var ids = tokenizer.Encode(text, maxTokens);
        var words = KeptWords(tokenizer, text, budget: maxTokens - 2);
        var aligned = PiecesAlign(words, ids, prediction.Truncated);

        var rows = new List<int[]>(words.Count);
        foreach (var (word, _, _) in words)
        {
            // The word's characters become one space, so its neighbours stay separate words.
            var occluded = string.Concat(text.AsSpan(0, word.Start), " ", text.AsSpan(word.Start + word.Length));
            rows.Add(tokenizer.Encode(occluded, maxTokens));
        }

        var pieceRows = new int[words.Count][];
        if (aligned)
        {
            for (var w = 0; w < words.Count; w++)
            {
                var (_, pieces, offset) = words[w];
                var seen = Math.Min(pieces.Length, ids.Length - 2 - offset);
                pieceRows[w] = new int[seen];
                for (var p = 0; p < seen; p++)
                {
                    // A one-piece word's piece variant is the word variant (modulo what slides in after a cut).
                    if (seen == 1 && pieces.Length == 1)
                    {
                        pieceRows[w][p] = w;
                        continue;
                    }

                    var position = 1 + offset + p;
                    rows.Add([.. ids.AsSpan(0, position), .. ids.AsSpan(position + 1)]);
                    pieceRows[w][p] = rows.Count - 1;
                }
            }
        }

        var occludedProbabilities = LabelProbabilities(model, rows, prediction.Index);
        var original = prediction.Confidence;
        var result = new WordContribution[words.Count];
        for (var w = 0; w < words.Count; w++)
        {
            var (word, pieces, _) = words[w];
            var pieceContributions = aligned
                ? pieceRows[w].Select((row, p) => new PieceContribution(tokenizer.TokenText(pieces[p]), pieces[p], original - occludedProbabilities[row])).ToArray()
                : [];
            result[w] = new WordContribution(text.Substring(word.Start, word.Length), word.Start, word.Length, original - occludedProbabilities[w], pieceContributions);
        }

        return new TextExplanation(prediction, result);
    }

    /// <summary>The words whose first piece falls within the budget, with their pieces and the offset of the first.</summary>
    private static List<(TextWord Word, int[] Pieces, int Offset)> KeptWords(BertTextTokenizer tokenizer, string text, int budget)
    {
        var words = new List<(TextWord, int[], int)>();
        var offset = 0;
        foreach (var word in tokenizer.SplitWords(text))
        {
            if (offset >= budget)
            {
                break;
            }

            var encoded = tokenizer.Encode(text.Substring(word.Start, word.Length));
            if (encoded.Length == 2)
            {
                continue; // only characters that cleaning removes
            }

            words.Add((word, encoded[1..^1], offset));
            offset += encoded.Length - 2;
        }

        return words;
    }

    /// <summary>Whether the words' pieces, one after the other, are the text's own token ids (between [CLS] and [SEP]).</summary>
    private static bool PiecesAlign(List<(TextWord Word, int[] Pieces, int Offset)> words, int[] ids, bool truncated)
    {
        var inner = ids.AsSpan(1, ids.Length - 2);
        var concatenated = words.SelectMany(w => w.Pieces).ToArray();
        if (concatenated.Length < inner.Length || (!truncated && concatenated.Length != inner.Length))
        {
            return false;
        }

        return concatenated.AsSpan(0, inner.Length).SequenceEqual(inner);
    }

    private static float[] LabelProbabilities(BertModel model, List<int[]> rows, int label)
    {
        var labelCount = model.Info.LabelNames.Count;
        var probabilities = new float[rows.Count];
        for (var start = 0; start < rows.Count; start += RowsPerRun)
        {
            var chunk = rows.GetRange(start, Math.Min(RowsPerRun, rows.Count - start));
            var logits = model.ComputeLogits(chunk);
            for (var r = 0; r < chunk.Count; r++)
            {
                probabilities[start + r] = Softmax.Compute(logits.AsSpan(r * labelCount, labelCount))[label];
            }
        }

        return probabilities;
    }
}
