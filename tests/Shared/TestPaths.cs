using System.Reflection;

namespace FastBert.Tests;

/// <summary>Locations of the repository and of ../shared/assets, baked in at build time.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string SharedAssets { get; } = Metadata("FastBertSharedAssets");

    public static string Models => Path.Combine(SharedAssets, "models");

    public static string Data => Path.Combine(SharedAssets, "data");

    public static string SmsModel => Path.Combine(Models, "sms-spam-bert-tiny");

    public static string EmotionModel => Path.Combine(Models, "emotion-distilbert-tiny");

    public static string ElectraModel => Path.Combine(Models, "electra-random-parity");

    /// <summary>The sentence-pair fixture derived from the SMS data (tests/fixtures/sms-pairs/PROVENANCE.md).</summary>
    public static string SmsPairs => Path.Combine(RepositoryRoot, "tests", "fixtures", "sms-pairs");

    private static string Metadata(string key)
    {
        var value = typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value;
        if (string.IsNullOrEmpty(value) || !Directory.Exists(value))
        {
            throw new InvalidOperationException(
                $"Test setting '{key}' points at '{value}', which does not exist. Clone the repository next to ../shared.");
        }

        return value;
    }
}
