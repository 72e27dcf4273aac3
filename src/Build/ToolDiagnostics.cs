using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Build.Utilities;

namespace FastBert.Build;

/// <summary>
/// The tool prints its problems in MSBuild's canonical form, <c>spam.yaml(12,3): error FB0301: message</c>; each such
/// line becomes one error or warning of the build, at that file and position.
/// </summary>
internal static class ToolDiagnostics
{
    private static readonly Regex Canonical = new(
        @"^(?<file>.+?)\((?<line>\d+),(?<column>\d+)\): (?<category>error|warning) (?<code>FB\d{4}): (?<message>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Logs <paramref name="line"/> when it is a canonical diagnostic; false (not logged) otherwise.</summary>
    public static bool TryLog(TaskLoggingHelper log, string line)
    {
        var match = Canonical.Match(line);
        if (!match.Success)
        {
            return false;
        }

        var file = match.Groups["file"].Value;
        var lineNumber = int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture);
        var column = int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture);
        var code = match.Groups["code"].Value;
        var message = match.Groups["message"].Value;
        if (match.Groups["category"].Value == "error")
        {
            log.LogError(null, code, null, file, lineNumber, column, 0, 0, message);
        }
        else
        {
            log.LogWarning(null, code, null, file, lineNumber, column, 0, 0, message);
        }

        return true;
    }
}
