using FastBert.Training.Native;
using static FastBert.Training.Tests.Native.NativeTestFiles;

namespace FastBert.Training.Tests.Native;

public sealed class ElfVersionNeedsTests : IDisposable
{
    private readonly NativeTempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void LibTorchSharp_NeedsGcc13Libstdcxx()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);

        var fromLibstdcxx = needs.Needs.Where(n => n.File == Libstdcxx).ToList();
        Assert.Contains(fromLibstdcxx, n => n.Name == "GLIBCXX_3.4.32");
        Assert.Contains(fromLibstdcxx, n => n.Name == "GLIBCXX_3.4.30");
        Assert.Contains(fromLibstdcxx, n => n.Name == "CXXABI_1.3");
        Assert.Contains(needs.Needs, n => n.File == "libc.so.6" && n.Name == "GLIBC_2.2.5");
        Assert.All(needs.Needs, n => Assert.False(n.IsWeak));
        // Indices are unique and above 1 (0 and 1 are "local" and "global").
        Assert.Equal(needs.Needs.Count, needs.Needs.Select(n => n.Index).Distinct().Count());
        Assert.All(needs.Needs, n => Assert.True(n.Index > 1));
    }

    [Fact]
    public void LibTorchSharp_RelocationsUseEveryLibstdcxxVersionBut3432()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var index = needs.Needs.Where(n => n.File == Libstdcxx).ToDictionary(n => n.Name, n => n.Index);

        Assert.DoesNotContain(index["GLIBCXX_3.4.32"], needs.RelocationVersionIndices);
        Assert.Contains(index["GLIBCXX_3.4.30"], needs.RelocationVersionIndices);
        Assert.Contains(index["GLIBCXX_3.4.21"], needs.RelocationVersionIndices);
        Assert.Contains(index["CXXABI_1.3"], needs.RelocationVersionIndices);
    }

    [Fact]
    public void WeakenMissing_ChangesOnlyTheFlagsOfTheMissingVersion()
    {
        var original = File.ReadAllBytes(LibTorchSharp);
        var needs = ElfVersionNeeds.Parse(original, LibTorchSharp);
        var libraries = LibstdcxxWithout(needs, "GLIBCXX_3.4.32");
        var missing = Assert.Single(needs.Missing(libraries));

        var patched = needs.WeakenMissing(libraries);

        Assert.Equal("GLIBCXX_3.4.32", missing.Name);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        Assert.Equal([missing.FlagsOffset], changed);
        Assert.Equal(original[missing.FlagsOffset] | 0x2, patched[missing.FlagsOffset]);
        var reread = ElfVersionNeeds.Parse(patched, "patched");
        Assert.Equal(["GLIBCXX_3.4.32"], reread.Needs.Where(n => n.IsWeak).Select(n => n.Name));
        Assert.Empty(reread.Missing(libraries));
        Assert.Equal(needs.RelocationVersionIndices.Order(), reread.RelocationVersionIndices.Order());
    }

    [Fact]
    public void WeakenMissing_LeavesVersionsOfOtherLibrariesAlone()
    {
        var original = File.ReadAllBytes(LibTorchSharp);
        var needs = ElfVersionNeeds.Parse(original, LibTorchSharp);
        var libraries = LibstdcxxWithout(needs, "GLIBCXX_3.4.32");
        libraries["libc.so.6"] = new ElfVersionDefinitions("/test/libc.so.6", new HashSet<string> { "GLIBC_2.2.5" });

        // libc lacks GLIBC_2.34 etc., which relocations use: refused; but nothing is judged for unlisted libraries.
        Assert.Throws<TorchNativeException>(() => needs.WeakenMissing(libraries));
        Assert.Empty(needs.Missing(new Dictionary<string, ElfVersionDefinitions>()));
        Assert.Equal(original, needs.WeakenMissing(new Dictionary<string, ElfVersionDefinitions>()));
    }

    [Fact]
    public void WeakenMissing_RefusesWhenRelocationsUseAMissingVersion()
    {
        var needs = ElfVersionNeeds.Read(LibTorchSharp);
        var old = needs.Needs.Where(n => n.File == Libstdcxx && (IsAtMost(n.Name, "GLIBCXX_", 20) || n.Name.StartsWith("CXXABI_")))
            .Select(n => n.Name);
        var libraries = LibstdcxxDefining(old);

        var error = Assert.Throws<TorchNativeException>(() => needs.WeakenMissing(libraries, "TorchSharp 0.107.0"));

        Assert.StartsWith("libLibTorchSharp.so (TorchSharp 0.107.0) needs libstdc++ ", error.Message);
        Assert.Contains("GLIBCXX_3.4.21", error.Message);
        Assert.Contains("GLIBCXX_3.4.30", error.Message);
        Assert.DoesNotContain("GLIBCXX_3.4.32", error.Message); // missing too, but unused
        Assert.Contains("this system's /test/libstdc++.so.6.0.99 defines up to GLIBCXX_3.4.20.", error.Message);
        Assert.Contains("libstdc++6", error.Message);
        Assert.Contains(LibTorchSharp, error.Message);
    }

    [Fact]
    public void Read_NotAnElfFile_SaysSoAndNamesTheFile()
    {
        var path = _folder.File("libLibTorchSharp.so");
        File.WriteAllText(path, "version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 2399008\n");

        var error = Assert.Throws<TorchNativeException>(() => ElfVersionNeeds.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("ELF signature", error.Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(-100)] // all but the last 100 bytes: the section headers are cut
    public void Read_TruncatedFile_SaysSoAndNamesTheFile(int length)
    {
        var original = File.ReadAllBytes(LibTorchSharp);
        var path = _folder.File("truncated.so");
        File.WriteAllBytes(path, original[..(length > 0 ? length : original.Length + length)]);

        var error = Assert.Throws<TorchNativeException>(() => ElfVersionNeeds.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Read_BigEndianOr32Bit_IsRefused()
    {
        var bytes = File.ReadAllBytes(LibTorchSharp);
        bytes[4] = 1; // ELFCLASS32

        var error = Assert.Throws<TorchNativeException>(() => ElfVersionNeeds.Parse(bytes, "lib32.so"));

        Assert.Contains("lib32.so", error.Message);
        Assert.Contains("64-bit little-endian", error.Message);
    }

    [Fact]
    public void Latest_ComparesVersionNumbers()
    {
        var libstdcxx = new ElfVersionDefinitions("/x", new HashSet<string>
            { "GLIBCXX_3.4", "GLIBCXX_3.4.9", "GLIBCXX_3.4.30", "GLIBCXX_3.4.4", "CXXABI_1.3.13", "GLIBCXX_DEBUG_MESSAGE_LENGTH" });

        Assert.Equal("GLIBCXX_3.4.30", libstdcxx.Latest("GLIBCXX_3.4.32"));
        Assert.Equal("CXXABI_1.3.13", libstdcxx.Latest("CXXABI_1.3.15"));
        Assert.Null(libstdcxx.Latest("GLIBC_2.34"));
    }

    private static bool IsAtMost(string name, string family, int patch) =>
        name == family + "3.4" || (name.StartsWith(family + "3.4.") && int.Parse(name[(family.Length + 4)..]) <= patch);
}
