using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using FastBert.ModelFolders;
using TorchSharp;

namespace FastBert.Training.Native;

/// <summary>
/// Loads TorchSharp's native library before TorchSharp does, so that it also loads on Linux systems whose libstdc++ is
/// older than the one it was built with.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107's libLibTorchSharp.so was linked by GCC 13, so it requires the symbol version GLIBCXX_3.4.32 from
/// libstdc++.so.6. Debian 12's libstdc++ defines versions up to GLIBCXX_3.4.30: the dynamic linker refuses the library and
/// TorchSharp fails on first use. The only symbol of that version is <c>std::ios_base_library_init</c>, a marker GCC 13
/// emits for &lt;iostream&gt; that no relocation refers to, so nothing is ever bound to it. The dynamic linker accepts a
/// missing version whose requirement is marked weak (VER_FLG_WEAK in its .gnu.version_r entry). So when the app-local
/// library does not load, this writes a copy in which exactly the missing versions are weak to a cache folder
/// (<c>$FASTBERT_NATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/fastbert/native</c>, else <c>~/.cache/fastbert/native</c>),
/// loads it, and points TorchSharp's <c>[DllImport("LibTorchSharp")]</c> at it. A missing version that relocations do use
/// is refused with the libstdc++ needed: weakening it would only move the failure to the first call of such a symbol.
/// </para>
/// <para>
/// The copy lives outside the app folder, so its $ORIGIN run path cannot find libtorch; libc10, libtorch_cpu and libtorch
/// are therefore loaded first from the app folder, and the copy's DT_NEEDED entries bind to them by soname.
/// </para>
/// </remarks>
internal static class TorchNative
{
    private const string LibraryFile = "libLibTorchSharp.so";
    private const string TorchCpu = "libtorch_cpu.so";

    // Dependency order; only libtorch_cpu.so is required.
    private static readonly string[] Dependencies = ["libc10.so", TorchCpu, "libtorch.so"];

    private static readonly object Gate = new();
    private static nint _handle;

    /// <summary>The libLibTorchSharp.so loaded: the app-local one or the patched copy; null before loading.</summary>
    internal static string? LoadedPath { get; private set; }

    /// <summary>What loading had to do beyond a plain load (the patched copy and why), for the user to be told once; else null.</summary>
    internal static string? PatchNote { get; private set; }

    /// <summary>Loads libtorch and LibTorchSharp; call before any TorchSharp use. Does nothing off Linux or when done already.</summary>
    /// <exception cref="TorchNativeException">The native files are missing or cannot be made to load on this system.</exception>
    public static void EnsureLoaded() => EnsureLoaded(CacheRoot(Environment.GetEnvironmentVariable));

    /// <param name="cacheRoot">Where patched copies go, one subfolder per original.</param>
    internal static void EnsureLoaded(string cacheRoot)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        lock (Gate)
        {
            if (_handle != 0)
            {
                return;
            }

            var torchAssembly = typeof(torch).Assembly;
            var folder = NativeFolder(torchAssembly);
            foreach (var dependency in Dependencies)
            {
                var path = Path.Combine(folder, dependency);
                if (File.Exists(path))
                {
                    Load(path);
                }
                else if (dependency == TorchCpu)
                {
                    throw new TorchNativeException(
                        $"libtorch is missing: {path} does not exist. Reference the libtorch-cpu-linux-x64 package next to TorchSharp.");
                }
            }

            var original = Path.Combine(folder, LibraryFile);
            var loaded = original;
            if (!TryLoad(original, out var handle, out var error))
            {
                // Only now is libstdc++ surely mapped (libtorch_cpu needs it), so its definitions can be read.
                var needs = ElfVersionNeeds.Read(original);
                var libraries = LoadedLibraries(needs.Needs.Select(need => need.File));
                var product = $"TorchSharp {torchAssembly.GetName().Version?.ToString(3)}";
                loaded = PatchedCopy(needs, libraries, cacheRoot, product)
                    ?? throw new TorchNativeException($"{original} does not load: {error}");
                handle = Load(loaded);
                var missing = string.Join(", ", needs.Missing(libraries).Select(need => $"{need.Name} ({need.File})").Distinct());
                PatchNote = $"{LibraryFile} requires {missing}, which this system lacks and nothing in it uses; "
                    + $"loaded a copy with that requirement marked weak: {loaded}";
            }

            UseFor(torchAssembly, handle);
            LoadedPath = loaded;
            _handle = handle;
        }
    }

    /// <summary>
    /// The copy of <paramref name="needs"/>' file with the versions <paramref name="libraries"/> lack marked weak, written to
    /// (or found in) <paramref name="cacheRoot"/>/&lt;sha256 of the original&gt;/; null when no version is missing.
    /// </summary>
    /// <exception cref="TorchNativeException">A missing version is in use, or the copy cannot be written.</exception>
    internal static string? PatchedCopy(
        ElfVersionNeeds needs, IReadOnlyDictionary<string, ElfVersionDefinitions> libraries, string cacheRoot, string? product = null)
    {
        if (needs.Missing(libraries).Count == 0)
        {
            return null;
        }

        var patched = needs.WeakenMissing(libraries, product);
        var folder = Path.Combine(cacheRoot, FileHashes.Sha256(needs.Bytes));
        var target = Path.Combine(folder, LibraryFile);
        var temporary = Path.Combine(folder, $".{LibraryFile}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(patched))
            {
                return target;
            }

            // Another process may be loading the same target: it sees the old file or the new one, never half of one.
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(temporary, patched);
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TorchNativeException(
                $"Cannot write the patched copy of {LibraryFile} to {folder}: {e.Message} Set FASTBERT_NATIVE_CACHE to a writable folder.", e);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>
    /// The version definitions of the libraries named <paramref name="files"/> (vn_file / soname, e.g. libstdc++.so.6)
    /// that this process has loaded, by that name; names not loaded are left out.
    /// </summary>
    internal static Dictionary<string, ElfVersionDefinitions> LoadedLibraries(IEnumerable<string> files)
    {
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/') is var slash and >= 0 ? line[slash..] : null)
            .OfType<string>()
            .Where(path => !path.EndsWith(" (deleted)", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        var libraries = new Dictionary<string, ElfVersionDefinitions>();
        foreach (var file in files.Distinct())
        {
            // Mapped under its real name: libstdc++.so.6 links to libstdc++.so.6.0.30.
            var path = mapped.FirstOrDefault(path =>
                Path.GetFileName(path) is var name && (name == file || name.StartsWith(file + ".", StringComparison.Ordinal)));
            if (path is not null && ElfVersionNeeds.ReadDefinitions(path) is { } definitions)
            {
                libraries[file] = definitions;
            }
        }

        return libraries;
    }

    /// <summary>$FASTBERT_NATIVE_CACHE, else $XDG_CACHE_HOME/fastbert/native, else $HOME/.cache/fastbert/native.</summary>
    internal static string CacheRoot(Func<string, string?> environment)
    {
        if (environment("FASTBERT_NATIVE_CACHE") is { Length: > 0 } configured)
        {
            return configured;
        }

        var cache = environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(
                environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ".cache");
        return Path.Combine(cache, "fastbert", "native");
    }

    private static string NativeFolder(Assembly torchAssembly)
    {
        var home = Path.GetDirectoryName(torchAssembly.Location) is { Length: > 0 } folder ? folder : AppContext.BaseDirectory;
        var rid = $"linux-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        string[] candidates = [Path.Combine(home, "runtimes", rid, "native"), home];
        return candidates.FirstOrDefault(candidate => File.Exists(Path.Combine(candidate, LibraryFile)))
            ?? throw new TorchNativeException(
                $"TorchSharp's native library {LibraryFile} is in neither {candidates[0]} nor {candidates[1]}. "
                + $"Reference the TorchSharp and libtorch-cpu-{rid} packages from the project that trains, and build it for {rid}.");
    }

    private static void UseFor(Assembly torchAssembly, nint handle)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(torchAssembly, (name, _, _) => IsLibTorchSharp(name) ? handle : 0);
        }
        catch (InvalidOperationException)
        {
            // TorchSharp (or the app) set one already; the event below runs when the usual probing fails.
        }

        var context = AssemblyLoadContext.GetLoadContext(torchAssembly) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) => assembly == torchAssembly && IsLibTorchSharp(name) ? handle : 0;
    }

    private static bool IsLibTorchSharp(string name) => name is "LibTorchSharp" or "libLibTorchSharp" or LibraryFile;

    private static nint Load(string path) =>
        TryLoad(path, out var handle, out var error) ? handle : throw new TorchNativeException($"{path} does not load: {error}");

    private static bool TryLoad(string path, out nint handle, out string error)
    {
        try
        {
            handle = NativeLibrary.Load(path);
            error = "";
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            handle = 0;
            error = e.Message;
            return false;
        }
    }
}
