using System.CommandLine;
using FastBert.Tokenization;
using FastBert.Tool.Io;

namespace FastBert.Tool.Commands;

/// <summary>
/// <c>fastbert tokenize --model DIR [--max-tokens N]</c>: JSON lines in (a string or {"text": ...}),
/// <c>{"input_ids":[101,...,102]}</c> out, one line per input; a sentence pair <c>{"text": ..., "text_pair": ...}</c>
/// gives <c>{"input_ids":[...],"token_type_ids":[...]}</c>. Contract: keep stable.
/// </summary>
internal static class TokenizeCommand
{
    private const int MaxBatchSize = 256;

    public static Command Create()
    {
        var model = CommonOptions.Model();
        var maxTokens = CommonOptions.MaxTokens("Truncate to N tokens including [CLS] and [SEP] (a pair: over both texts, longest_first). Default: no truncation.");
        var command = new Command("tokenize", "Tokenize JSON lines from stdin exactly as Hugging Face's BertTokenizer does; writes {\"input_ids\":[...]} per line ({\"input_ids\":[...],\"token_type_ids\":[...]} for a {\"text\",\"text_pair\"} line).")
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
        foreach (var batch in JsonLineInput.ReadInputBatches(Cli.Input, MaxBatchSize))
        {
            foreach (var (text, textPair) in batch)
            {
                if (textPair is null)
                {
                    var ids = tokenizer.Encode(text, maxTokens);
                    output.Write(json => WriteArray(json, "input_ids", ids));
                    continue;
                }

                PairInput.Check(tokenizer, maxTokens, "--max-tokens");
                var pair = tokenizer.EncodePair(text, textPair, maxTokens);
                output.Write(json =>
                {
                    WriteArray(json, "input_ids", pair.InputIds);
                    WriteArray(json, "token_type_ids", pair.TokenTypeIds);
                });
            }

            output.Flush(); // answered before waiting for more input
        }

        output.Flush();
        return ExitCodes.Success;
    }

    private static void WriteArray(System.Text.Json.Utf8JsonWriter json, string name, int[] values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
