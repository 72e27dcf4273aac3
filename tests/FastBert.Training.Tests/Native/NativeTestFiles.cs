using FastBert.Training.Native;

namespace FastBert.Training.Tests.Native;

/// <summary>The libLibTorchSharp.so of the TorchSharp package, as the build copies it next to the tests.</summary>
internal static class NativeTestFiles
{
    public const string Libstdcxx = "libstdc++.so.6";

    public static string LibTorchSharp { get; } =
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    /// <summary>A libstdc++ that defines what <paramref name="needs"/> requires of libstdc++ except <paramref name="lacking"/>.</summary>
    public static Dictionary<string, ElfVersionDefinitions> LibstdcxxWithout(ElfVersionNeeds needs, params string[] lacking) =>
        LibstdcxxDefining(needs.Needs.Where(n => n.File == Libstdcxx).Select(n => n.Name).Except(lacking));

    public static Dictionary<string, ElfVersionDefinitions> LibstdcxxDefining(IEnumerable<string> names) =>
        new() { [Libstdcxx] = new ElfVersionDefinitions("/test/libstdc++.so.6.0.99", names.ToHashSet()) };
}

/// <summary>A folder under the temp folder, deleted afterwards.</summary>
internal sealed class NativeTempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("fastbert-native-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A fact that needs Linux: /proc/self/maps, the system's ELF libraries, the app-local libtorch.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only.";
        }
    }
}
