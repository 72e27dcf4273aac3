using System.Text.Json;

namespace FastBert.Tests;

/// <summary>One entry of a shared model's golden_outputs.json (reference PyTorch implementation).</summary>
internal sealed record GoldenExample(string Text, int? Label, int[] InputIds, float[] Logits, string Pred)
{
    public static IReadOnlyList<GoldenExample> Load(string modelDirectory)
    {
        using var stream = File.OpenRead(Path.Combine(modelDirectory, "golden_outputs.json"));
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.EnumerateArray().Select(e => new GoldenExample(
            e.GetProperty("text").GetString()!,
            e.TryGetProperty("label", out var label) ? label.GetInt32() : null, // the ELECTRA parity file has no labels
            e.GetProperty("input_ids").EnumerateArray().Select(x => x.GetInt32()).ToArray(),
            e.GetProperty("logits").EnumerateArray().Select(x => x.GetSingle()).ToArray(),
            e.GetProperty("pred").GetString()!)).ToList();
    }
}
