using System.Text.Json;

namespace ClassifierService;

/// <summary>A <c>POST /classify</c> body: <c>{"text": "..."}</c> or <c>{"texts": ["...", ...]}</c>.</summary>
/// <param name="Texts">The texts to classify, in order.</param>
/// <param name="IsBatch">Whether the body used <c>texts</c> (the answer is then <c>{"predictions": [...]}</c>).</param>
public sealed record ClassifyRequest(IReadOnlyList<string> Texts, bool IsBatch)
{
    /// <summary>The shape a body must have, quoted in every 400.</summary>
    public const string ExpectedShape = "{\"text\": \"...\"} or {\"texts\": [\"...\", ...]}";

    /// <summary>Reads a body already parsed as JSON; an error message saying what is wrong when it does not fit.</summary>
    public static ClassifyRequest? Read(JsonElement body, out string? error)
    {
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = $"The body is JSON {Describe(body.ValueKind)}; send an object: {ExpectedShape}.";
            return null;
        }

        var hasText = body.TryGetProperty("text", out var text);
        var hasTexts = body.TryGetProperty("texts", out var texts);
        if (hasText == hasTexts)
        {
            error = hasText
                ? $"The body has both \"text\" and \"texts\"; send one: {ExpectedShape}."
                : $"The body has no \"text\" or \"texts\" property; send {ExpectedShape}.";
            return null;
        }

        if (hasText)
        {
            if (text.ValueKind != JsonValueKind.String)
            {
                error = $"\"text\" is {Describe(text.ValueKind)}; it must be a string: {ExpectedShape}.";
                return null;
            }

            return new ClassifyRequest([text.GetString()!], IsBatch: false);
        }

        if (texts.ValueKind != JsonValueKind.Array)
        {
            error = $"\"texts\" is {Describe(texts.ValueKind)}; it must be an array of strings: {ExpectedShape}.";
            return null;
        }

        var list = new List<string>(texts.GetArrayLength());
        foreach (var item in texts.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = $"\"texts\"[{list.Count}] is {Describe(item.ValueKind)}; every item must be a string: {ExpectedShape}.";
                return null;
            }

            list.Add(item.GetString()!);
        }

        return new ClassifyRequest(list, IsBatch: true);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
