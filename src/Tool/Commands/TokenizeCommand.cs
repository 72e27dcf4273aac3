using System.CommandLine;
using FastBert.Tokenization;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert tokenize --model DIR [--max-tokens N]</c>: JSON lines in (a string or {"text": ...}),
/// <c>{"input_ids":[101,...,102]}</c> out, one line per input. Contract: keep stable.
/// </summary>
internal static class TokenizeCommand
{
    private const int MaxBatchSize = 256;

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var maxTokens = CommonOptions.MaxTokens("Truncate to N tokens including [CLS] and [SEP]. Default: no truncation.");
        var command = new Command("tokenize", "Tokenize JSON lines from stdin exactly as Hugging Face's BertTokenizer does; writes {\"input_ids\":[...]} per line.")
        {
            model,
            maxTokens,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(model), parse.GetValue(maxTokens), parse.InvocationConfiguration));
        return command;
    }

    private static int Run(DirectoryInfo modelDirectory, int? maxTokens, InvocationConfiguration io)
    {
        var tokenizer = BertTextTokenizer.FromModelDirectory(modelDirectory.FullName);
        var output = new JsonLineOutput(io.Output);
        foreach (var batch in JsonLineInput.ReadBatches(Cli.Input, MaxBatchSize))
        {
            foreach (var text in batch)
            {
                var ids = tokenizer.Encode(text, maxTokens);
                output.Write(json =>
                {
                    json.WriteStartArray("input_ids");
                    foreach (var id in ids)
                    {
                        json.WriteNumberValue(id);
                    }

                    json.WriteEndArray();
                });
            }

            output.Flush(); // answered before waiting for more input
        }

        output.Flush();
        return ExitCodes.Success;
    }
}
