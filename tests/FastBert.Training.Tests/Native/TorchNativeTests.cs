using System.Security.Cryptography;
using FastBert.Training.Native;
using TorchSharp;
using static FastBert.Training.Tests.Native.NativeTestFiles;

namespace FastBert.Training.Tests.Native;

public sealed class TorchNativeTests : IDisposable
{
    private readonly NativeTempFolder _cache = new();

    public void Dispose() => _cache.Dispose();

    [Fact]
    public void EnsureLoaded_ThenTorchSharpComputesAndDifferentiates()
    {
        TorchNative.EnsureLoaded();
        TorchNative.EnsureLoaded(); // idempotent

        using (var ones = torch.ones(3))
        using (var sum = ones.sum())
        {
            Assert.Equal(3f, sum.item<float>());
        }

        using var linear = torch.nn.Linear(4, 2);
        using var input = torch.ones(5, 4);
        using var output = linear.forward(input);
        using var loss = output.sum();
        loss.backward();

        // d(sum(x W^T + b))/dW[i, j] = sum over the batch of x[:, j] = 5; likewise for b.
        Assert.Equal([2L, 4L], linear.weight!.grad!.shape);
        Assert.Equal(Enumerable.Repeat(5f, 8), linear.weight.grad.data<float>().ToArray());
        Assert.Equal([5f, 5f], linear.bias!.grad!.data<float>().ToArray());
    }

    [LinuxFact]
    public void EnsureLoaded_LoadsThePatchedCopyExactlyWhenThisSystemLacksAVersion()
    {
        TorchNative.EnsureLoaded();

        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var missing = needs.Missing(TorchNative.LoadedLibraries(needs.Needs.Select(n => n.File)));
        var loaded = TorchNative.LoadedPath;
        Assert.NotNull(loaded);
        if (missing.Count == 0)
        {
            Assert.Equal(LibTorchSharp, loaded);
        }
        else
        {
            var sha256 = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(LibTorchSharp))).ToLowerInvariant();
            Assert.Equal("libLibTorchSharp.so", Path.GetFileName(loaded));
            Assert.Equal(sha256, Path.GetFileName(Path.GetDirectoryName(loaded)));
            var copy = ElfVersionNeeds.Read(loaded);
            Assert.Equal(missing.Select(n => n.Name), copy.Needs.Where(n => n.IsWeak).Select(n => n.Name));
        }
    }

    [Fact]
    public void PatchedCopy_IsWrittenOnceIntoAFolderNamedByTheOriginalsSha256()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var libraries = LibstdcxxWithout(needs, "GLIBCXX_3.4.32");
        var sha256 = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(LibTorchSharp))).ToLowerInvariant();

        var path = TorchNative.PatchedCopy(needs, libraries, _cache.Path)!;

        Assert.Equal(Path.Combine(_cache.Path, sha256, "libLibTorchSharp.so"), path);
        Assert.Equal(needs.WeakenMissing(libraries), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_cache.Path, "*", SearchOption.AllDirectories));

        var written = new DateTime(2001, 2, 3, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        Assert.Equal(path, TorchNative.PatchedCopy(needs, libraries, _cache.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void PatchedCopy_ReplacesADamagedCopy()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var libraries = LibstdcxxWithout(needs, "GLIBCXX_3.4.32");
        var path = TorchNative.PatchedCopy(needs, libraries, _cache.Path)!;
        var damaged = File.ReadAllBytes(path);
        damaged[^1] ^= 0xff; // same size, different content
        File.WriteAllBytes(path, damaged);

        Assert.Equal(path, TorchNative.PatchedCopy(needs, libraries, _cache.Path));

        Assert.Equal(needs.WeakenMissing(libraries), File.ReadAllBytes(path));
    }

    [Fact]
    public void PatchedCopy_NothingMissing_WritesNothing()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);

        Assert.Null(TorchNative.PatchedCopy(needs, LibstdcxxWithout(needs), _cache.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_cache.Path));
    }

    [Fact]
    public void PatchedCopy_MissingVersionInUse_IsRefusedWithoutWriting()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var libraries = LibstdcxxWithout(needs, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");

        var error = Assert.Throws<TorchNativeException>(() => TorchNative.PatchedCopy(needs, libraries, _cache.Path));

        Assert.Contains("GLIBCXX_3.4.30", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_cache.Path));
    }

    [Fact]
    public void CacheRoot_PrefersTheSettingThenXdgThenHome()
    {
        static string Root(params (string Name, string Value)[] variables) =>
            TorchNative.CacheRoot(name => variables.FirstOrDefault(v => v.Name == name).Value);

        Assert.Equal("/c/native", Root(("FASTBERT_NATIVE_CACHE", "/c/native"), ("XDG_CACHE_HOME", "/x"), ("HOME", "/h")));
        Assert.Equal(Path.Combine("/x", "fastbert", "native"), Root(("XDG_CACHE_HOME", "/x"), ("HOME", "/h")));
        Assert.Equal(Path.Combine("/h", ".cache", "fastbert", "native"), Root(("XDG_CACHE_HOME", "relative"), ("HOME", "/h")));
        Assert.Equal(Path.Combine("/h", ".cache", "fastbert", "native"), Root(("FASTBERT_NATIVE_CACHE", ""), ("HOME", "/h")));
    }

    [LinuxFact]
    public void LoadedLibraries_ReadsTheVersionsOfTheLoadedLibstdcxx()
    {
        var libraries = TorchNative.LoadedLibraries([Libstdcxx, "libc.so.6", "libnot-loaded.so.1"]);

        var libstdcxx = libraries[Libstdcxx];
        Assert.StartsWith("libstdc++.so.6", Path.GetFileName(libstdcxx.Path));
        Assert.Contains("GLIBCXX_3.4", libstdcxx.Names);
        Assert.Contains("CXXABI_1.3", libstdcxx.Names);
        Assert.DoesNotContain(Libstdcxx, libstdcxx.Names); // the Verdef naming the library itself is not a version
        Assert.Contains("GLIBC_2.2.5", libraries["libc.so.6"].Names);
        Assert.False(libraries.ContainsKey("libnot-loaded.so.1"));
    }
}
