namespace FastBert.Tests;

/// <summary>The SMS Spam Collection's held-out split used for the shared model's reference accuracy.</summary>
internal static class SmsData
{
    public static IReadOnlyList<(string Label, string Text)> HeldOut()
    {
        var directory = Path.Combine(TestPaths.Data, "sms-spam");
        var messages = File.ReadLines(Path.Combine(directory, "SMSSpamCollection"))
            .Skip(1) // header "Label<TAB>SMS"
            .Select(line =>
            {
                var tab = line.IndexOf('\t');
                return (Label: line[..tab], Text: line[(tab + 1)..]);
            })
            .ToList();
        return File.ReadLines(Path.Combine(directory, "sms_test_indices.txt"))
            .Where(l => l.Length > 0)
            .Select(l => messages[int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)])
            .ToList();
    }
}
