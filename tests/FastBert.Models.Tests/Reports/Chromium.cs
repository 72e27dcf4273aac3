using FastBert.Tests;

namespace FastBert.Models.Tests.Reports;

/// <summary>
/// Debian's headless Chromium (package <c>chromium</c>, /usr/bin/chromium), run with a fresh profile, no network
/// features and a 60 s limit after which the process tree is killed. Tests that need it fail (never skip) when it is
/// missing: CI installs it with <c>apt-get install -y chromium</c>.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail(
                $"Headless Chromium is required for the report.html rendering tests but {ExecutablePath} does not exist. " +
                "Install Debian's chromium package: `apt-get update && apt-get install -y chromium` (the CI script does this).");
        }
    }

    /// <summary>The DOM after loading and rendering the page, serialised by the browser.</summary>
    public static string DumpDom(string htmlPath)
    {
        var result = Run(["--dump-dom", FileUrl(htmlPath)]);
        Assert.True(result.ExitCode == 0, $"chromium --dump-dom exited with {result.ExitCode}:\n{Tail(result.Error)}");
        Assert.True(result.Output.Contains("</html>", StringComparison.Ordinal), $"chromium --dump-dom printed no document:\n{Tail(result.All)}");
        return result.Output;
    }

    public static void Screenshot(string htmlPath, string pngPath, int width, int height)
    {
        var result = Run([$"--screenshot={pngPath}", $"--window-size={width},{height}", "--hide-scrollbars", FileUrl(htmlPath)]);
        Assert.True(result.ExitCode == 0 && File.Exists(pngPath), $"chromium --screenshot exited with {result.ExitCode}:\n{Tail(result.Error)}");
    }

    private static ProcessResult Run(IReadOnlyList<string> arguments)
    {
        RequireInstalled();
        var profile = Path.Combine(Path.GetTempPath(), "fastbert-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            string[] flags =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
            ];
            return ProcessRunner.Run(ExecutablePath, [.. flags, .. arguments], profile, timeout: Timeout);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A helper process may still hold a file for a moment; the temp directory is cleaned up eventually.
            }
        }
    }

    private static string FileUrl(string path) => new Uri(Path.GetFullPath(path)).AbsoluteUri;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
