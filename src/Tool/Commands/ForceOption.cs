using System.CommandLine;

namespace FastBert.Tool.Commands;

/// <summary><c>--force</c> of the commands that write a folder.</summary>
internal static class ForceOption
{
    public static Option<bool> Create(string stamp) => new("--force")
    {
        Description = $"Replace an existing --output folder even if fastbert did not write it (no {stamp}); everything in it is deleted. Without it such a folder is refused; fastbert's own earlier output is always replaced.",
    };
}
