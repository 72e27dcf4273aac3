using System.Security;

namespace FastBert.Tests;

/// <summary>A folder of locally packed .nupkg files that a fixture project restores from.</summary>
internal static class LocalNuGetFeed
{
    /// <summary>Writes <c>nuget.config</c> in <paramref name="projectDirectory"/> adding <paramref name="feedDirectory"/> as a package source.</summary>
    public static void WriteNuGetConfig(string projectDirectory, string feedDirectory)
    {
        File.WriteAllText(Path.Combine(projectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local-feed" value="{SecurityElement.Escape(feedDirectory)}" />
              </packageSources>
            </configuration>
            """);
    }
}
