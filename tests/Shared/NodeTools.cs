using System.Security.Cryptography;

namespace FastBert.Tests;

/// <summary>
/// The npm packages fastbert's tests use as independent peers (tests/Shared/node/package.json: transformers.js, DuckDB),
/// installed with <c>npm ci --ignore-scripts</c> into a cache folder outside the repository: FASTBERT_NODE_TOOLS when
/// set (.ci/run sets it and installs there first), else ~/.cache/fastbert/node-tools/&lt;hash of the lock file&gt;.
/// A test that needs them is a <see cref="NodeFactAttribute"/>: skipped, with the reason, only when node or npm is not
/// on PATH; otherwise a missing install is made on first use.
/// </summary>
internal static class NodeTools
{
    public const string FolderVariable = "FASTBERT_NODE_TOOLS";

    private static readonly object InstallGate = new();

    /// <summary>tests/Shared/node: package.json, package-lock.json and the scripts.</summary>
    public static string SourceFolder => Path.Combine(TestPaths.RepositoryRoot, "tests", "Shared", "node");

    public static string Folder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(FolderVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.GetFullPath(configured);
            }

            var lockHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(SourceFolder, "package-lock.json"))))[..16].ToLowerInvariant();
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fastbert", "node-tools", lockHash);
        }
    }

    /// <summary>Why node tests cannot run here, or null when node and npm are on PATH.</summary>
    public static string? MissingReason { get; } = FindOnPath("node") is null || FindOnPath("npm") is null
        ? "node and npm are not on PATH: install Node.js (Debian: apt-get install nodejs npm); .ci/run installs them, so CI runs this test."
        : null;

    /// <summary>Runs <paramref name="script"/> (a file of tests/Shared/node) with node from the tools folder, so its imports resolve there.</summary>
    public static ProcessResult Run(string script, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var folder = EnsureInstalled();
        File.Copy(Path.Combine(SourceFolder, script), Path.Combine(folder, script), overwrite: true);
        return ProcessRunner.Run("node", [script, .. arguments], folder, timeout: timeout ?? TimeSpan.FromMinutes(3));
    }

    /// <summary>The tools folder with node_modules installed from the checked-in lock file.</summary>
    public static string EnsureInstalled()
    {
        var folder = Folder;
        var lockText = File.ReadAllText(Path.Combine(SourceFolder, "package-lock.json"));
        var stamp = Path.Combine(folder, "node_modules", ".fastbert-installed-lock.json");
        lock (InstallGate)
        {
            if (File.Exists(stamp) && File.ReadAllText(stamp) == lockText)
            {
                return folder;
            }

            Directory.CreateDirectory(folder);
            // Test processes of several projects may install at once: one holds the lock file, the others wait for it.
            using var gate = AcquireFileLock(Path.Combine(folder, ".install.lock"));
            if (File.Exists(stamp) && File.ReadAllText(stamp) == lockText)
            {
                return folder;
            }

            File.Copy(Path.Combine(SourceFolder, "package.json"), Path.Combine(folder, "package.json"), overwrite: true);
            File.Copy(Path.Combine(SourceFolder, "package-lock.json"), Path.Combine(folder, "package-lock.json"), overwrite: true);
            var result = ProcessRunner.Run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], folder, timeout: TimeSpan.FromMinutes(10));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {folder} failed with exit code {result.ExitCode}:\n{result.All}");
            }

            File.WriteAllText(stamp, lockText);
            return folder;
        }
    }

    private static FileStream AcquireFileLock(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 1200)
            {
                Thread.Sleep(500);
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that runs an npm peer (<see cref="NodeTools"/>); skipped, with the reason, only when node or npm is missing.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeTools.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
