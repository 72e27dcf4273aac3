using System.CommandLine;
using FastBert.ModelFolders;
using FastBert.Models.Export;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert explain --model DIR</c>: JSON lines in (as <c>predict</c> reads them), one
/// <c>{"label":"spam","index":1,"confidence":0.99,"truncated":false,"words":[{"word":"winner","start":9,"end":15,"contribution":0.41,"pieces":[{"piece":"winner","contribution":0.41}]},…]}</c>
/// per line: each word's contribution to the predicted label by occlusion (see <see cref="TextExplanation"/>).
/// Single-label models only. Contract: keep stable.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var modelFile = CommonOptions.ModelFile();
        var maxTokens = CommonOptions.MaxTokens("Token limit including [CLS] and [SEP]. Default: the model's maximum (512 for BERT).");
        var command = new Command("explain", "Explain predictions for JSON lines from stdin: the label, its confidence and each word's contribution to it (occlusion).")
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
        var runnable = ModelResolution.Runnable(modelDirectory.FullName, modelFile);
        using var model = BertModel.Load(runnable, new BertModelOptions { MaxTokens = maxTokens, OnnxFile = modelFile });
        if (model.Info.Problem == ClassificationProblem.MultiLabel)
        {
            io.Error.WriteLine(
                $"fastbert: error: explain supports single-label models; '{modelDirectory.FullName}' is multi-label (its config.json says problem_type multi_label_classification). Use predict for its per-label probabilities.");
            return ExitCodes.InputError;
        }

        var labels = model.Info.LabelNames;
        var output = new JsonLineOutput(io.Output);

        // Each text's occluded variants already run as one batch, so lines are explained one at a time as they arrive.
        foreach (var batch in JsonLineInput.ReadBatches(Cli.Input, maxBatchSize: 1))
        {
            var explanation = model.Explain(batch[0]);
            output.Write(json => WriteExplanation(json, explanation, labels));
            output.Flush();
        }

        output.Flush();
        return ExitCodes.Success;
    }

    private static void WriteExplanation(System.Text.Json.Utf8JsonWriter json, TextExplanation explanation, IReadOnlyList<string> labels)
    {
        json.WriteString("label", labels[explanation.Index]);
        json.WriteNumber("index", explanation.Index);
        json.WriteNumber("confidence", explanation.Confidence);
        json.WriteBoolean("truncated", explanation.Truncated);
        json.WriteStartArray("words");
        foreach (var word in explanation.Words)
        {
            json.WriteStartObject();
            json.WriteString("word", word.Word);
            json.WriteNumber("start", word.Start);
            json.WriteNumber("end", word.End);
            json.WriteNumber("contribution", word.Contribution);
            json.WriteStartArray("pieces");
            foreach (var piece in word.Pieces)
            {
                json.WriteStartObject();
                json.WriteString("piece", piece.Piece);
                json.WriteNumber("contribution", piece.Contribution);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
