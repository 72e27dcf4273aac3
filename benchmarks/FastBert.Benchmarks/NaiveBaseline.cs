using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace FastBert.Benchmarks;

/// <summary>
/// How most .NET code runs a BERT classifier today: Microsoft.ML.Tokenizers' BertTokenizer with default options,
/// every input padded to 128 tokens, a default InferenceSession, NamedOnnxValue over DenseTensor inputs.
/// </summary>
public sealed class NaiveBaseline : IDisposable
{
    private const int SequenceLength = 128;
    private readonly BertTokenizer _tokenizer;
    private readonly InferenceSession _session;

    public NaiveBaseline(string modelDirectory)
    {
        _tokenizer = BertTokenizer.Create(Path.Combine(modelDirectory, "vocab.txt"));
        _session = new InferenceSession(Path.Combine(modelDirectory, "model.onnx"));
    }

    public int[] Predict(IReadOnlyList<string> texts)
    {
        var batch = texts.Count;
        var ids = new DenseTensor<long>([batch, SequenceLength]);
        var mask = new DenseTensor<long>([batch, SequenceLength]);
        var types = new DenseTensor<long>([batch, SequenceLength]);
        for (var b = 0; b < batch; b++)
        {
            var tokens = _tokenizer.EncodeToIds(texts[b], SequenceLength, out _, out _);
            for (var t = 0; t < tokens.Count; t++)
            {
                ids[b, t] = tokens[t];
                mask[b, t] = 1;
            }
        }

        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", ids),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        };
        using var results = _session.Run(inputs);
        var logits = results.First().AsTensor<float>().ToArray();
        var labels = logits.Length / batch;
        var predicted = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            predicted[b] = logits[b * labels + 1] > logits[b * labels] ? 1 : 0;
        }

        return predicted;
    }

    public void Dispose() => _session.Dispose();
}
