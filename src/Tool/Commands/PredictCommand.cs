using System.CommandLine;
using FastBert.Models.Export;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert predict --model DIR</c>: JSON lines in (a text, or a sentence pair <c>{"text": ..., "text_pair": ...}</c>),
/// one <c>{"label":"spam","index":1,"confidence":0.99,"probabilities":{"ham":0.01,"spam":0.99}}</c> per input line.
/// A multi-label model (config.json problem_type multi_label_classification) prints
/// <c>{"labels":["use::editing"],"probabilities":{"use::editing":0.91,…}}</c> instead: every label's sigmoid
/// probability and the labels at or above their threshold. Contract: keep stable.
/// </summary>
internal static class PredictCommand
{
    private const int MaxBatchSize = 32;

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var modelFile = CommonOptions.ModelFile();
        var maxTokens = CommonOptions.MaxTokens("Token limit including [CLS] and [SEP]. Default: the model's maximum (512 for BERT).");
        var command = new Command("predict", "Classify JSON lines from stdin; writes label, index, confidence and probabilities per line.")
        {
            model,
            modelFile,
            maxTokens,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(model), parse.GetValue(modelFile), parse.GetValue(maxTokens), parse.InvocationConfiguration));
        return command;
    }

    private static int Run(DirectoryInfo modelDirectory, string? modelFile, int? maxTokens, InvocationConfiguration io)
    {
        // A checkpoint folder is exported once into the cache keyed by its files' sha256.
        var runnable = ModelResolution.Runnable(modelDirectory.FullName, modelFile);
        using var model = BertModel.Load(runnable, new BertModelOptions { MaxTokens = maxTokens, OnnxFile = modelFile });
        var labels = model.Info.LabelNames;
        var output = new JsonLineOutput(io.Output);

        // Each answer is written as soon as its line arrives; only lines that are already waiting are batched.
        foreach (var batch in JsonLineInput.ReadInputBatches(Cli.Input, MaxBatchSize))
        {
            var results = Classify(model, batch);
            if (model.Info.Problem == ModelFolders.ClassificationProblem.MultiLabel)
            {
                WriteMultiLabelResults(results, labels, model.Info.Thresholds, output);
            }
            else
            {
                WriteResults(results, labels, output);
            }
        }

        output.Flush();
        return ExitCodes.Success;
    }

    // Single texts keep their own call, so a file without pairs runs exactly as before pairs existed.
    private static IReadOnlyList<ClassificationResult> Classify(BertModel model, IReadOnlyList<InputLine> batch)
    {
        var texts = batch.Select(line => line.Text).ToArray();
        if (batch.All(line => line.TextPair is null))
        {
            return model.ClassifyBatch(texts);
        }

        PairInput.Check(model.Tokenizer, model.Info.MaxTokens, "the token limit (--max-tokens)");
        return model.ClassifyBatch(texts, batch.Select(line => line.TextPair).ToArray());
    }

    private static void WriteResults(IReadOnlyList<ClassificationResult> results, IReadOnlyList<string> labels, JsonLineOutput output)
    {
        foreach (var result in results)
        {
            output.Write(json =>
            {
                json.WriteString("label", labels[result.Index]);
                json.WriteNumber("index", result.Index);
                json.WriteNumber("confidence", result.Confidence);
                json.WriteStartObject("probabilities");
                for (var i = 0; i < labels.Count; i++)
                {
                    json.WriteNumber(labels[i], result.Probabilities[i]);
                }

                json.WriteEndObject();
            });
        }

        output.Flush();
    }

    private static void WriteMultiLabelResults(IReadOnlyList<ClassificationResult> results, IReadOnlyList<string> labels, IReadOnlyList<float> thresholds, JsonLineOutput output)
    {
        foreach (var result in results)
        {
            output.Write(json =>
            {
                json.WriteStartArray("labels");
                foreach (var index in result.ChosenIndices(thresholds))
                {
                    json.WriteStringValue(labels[index]);
                }

                json.WriteEndArray();
                json.WriteStartObject("probabilities");
                for (var i = 0; i < labels.Count; i++)
                {
                    json.WriteNumber(labels[i], result.Probabilities[i]);
                }

                json.WriteEndObject();
            });
        }

        output.Flush();
    }
}
