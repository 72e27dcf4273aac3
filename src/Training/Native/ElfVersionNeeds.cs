using System.Buffers.Binary;
using System.Text;

namespace FastBert.Training.Native;

/// <summary>One version a shared library requires from another: a Vernaux entry of its <c>.gnu.version_r</c>.</summary>
/// <param name="File">The library it is required from (vn_file), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Index">vna_other: the index <c>.gnu.version</c> gives the symbols bound to this version.</param>
/// <param name="Flags">vna_flags.</param>
/// <param name="FlagsOffset">Where vna_flags is in the file.</param>
internal sealed record ElfVersionNeed(string File, string Name, ushort Index, ushort Flags, int FlagsOffset)
{
    public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}

/// <summary>The versions a shared library defines (its <c>.gnu.version_d</c>), e.g. GLIBCXX_3.4 to GLIBCXX_3.4.30.</summary>
internal sealed record ElfVersionDefinitions(string Path, IReadOnlySet<string> Names)
{
    /// <summary>The newest defined version of <paramref name="name"/>'s family (GLIBCXX_3.4.30 for GLIBCXX_3.4.32), if any.</summary>
    public string? Latest(string name)
    {
        var family = name[..(name.LastIndexOf('_') + 1)];
        return Names
            .Select(n => (Name: n, Number: n.StartsWith(family, StringComparison.Ordinal)
                && Version.TryParse(n[family.Length..], out var number) ? number : null))
            .Where(n => n.Number is not null)
            .OrderBy(n => n.Number)
            .Select(n => n.Name)
            .LastOrDefault();
    }
}

/// <summary>
/// The symbol versions an ELF64 little-endian shared library requires (<c>.gnu.version_r</c>), which of them its dynamic
/// relocations use (<c>.gnu.version</c> of the symbols in <c>.rela.dyn</c> / <c>.rela.plt</c>), and a copy of the file in
/// which the required versions another library does not define are marked weak.
/// </summary>
internal sealed class ElfVersionNeeds
{
    internal const ushort WeakFlag = 0x2; // VER_FLG_WEAK
    private const ushort BaseFlag = 0x1; // VER_FLG_BASE: the Verdef naming the library itself, not a version

    private const uint ShtRela = 4;
    private const uint ShtNobits = 8;
    private const uint ShtRel = 9;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    private readonly byte[] _image;

    private ElfVersionNeeds(byte[] image, string path, IReadOnlyList<ElfVersionNeed> needs, IReadOnlySet<ushort> indices)
    {
        _image = image;
        Path = path;
        Needs = needs;
        RelocationVersionIndices = indices;
    }

    public string Path { get; }

    /// <summary>The file's bytes, as parsed.</summary>
    public ReadOnlySpan<byte> Bytes => _image;

    public IReadOnlyList<ElfVersionNeed> Needs { get; }

    /// <summary>The version indices of the symbols that dynamic relocations refer to.</summary>
    public IReadOnlySet<ushort> RelocationVersionIndices { get; }

    public static ElfVersionNeeds Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <param name="image">The file's bytes; kept (not copied) for <see cref="WeakenMissing"/>.</param>
    /// <param name="path">The file's path, for messages.</param>
    public static ElfVersionNeeds Parse(byte[] image, string path)
    {
        var elf = new Image(image, path);
        return new ElfVersionNeeds(image, path, ReadNeeds(elf), ReadRelocationVersionIndices(elf));
    }

    /// <summary>The versions the library at <paramref name="path"/> defines; null if it defines none (is unversioned).</summary>
    public static ElfVersionDefinitions? ReadDefinitions(string path)
    {
        var elf = new Image(File.ReadAllBytes(path), path);
        var section = elf.Find(ShtGnuVerdef);
        if (section is null)
        {
            return null;
        }

        var strings = elf.Linked(section);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long entry = section.Offset;
        for (var count = 0; ; count++)
        {
            elf.Entry(section, entry, 20);
            if ((elf.U16(entry + 2) & BaseFlag) == 0 && elf.U16(entry + 6) > 0)
            {
                var aux = elf.Entry(section, entry + elf.U32(entry + 12), 8);
                names.Add(elf.String(strings, elf.U32(aux)));
            }

            var next = elf.U32(entry + 16);
            if (next == 0)
            {
                break;
            }

            entry += next;
            if (count > section.Size / 20)
            {
                throw elf.Invalid(".gnu.version_d does not end");
            }
        }

        return new ElfVersionDefinitions(path, names);
    }

    /// <summary>
    /// The required, not yet weak, versions that <paramref name="libraries"/> (by vn_file, e.g. libstdc++.so.6) lack.
    /// Versions required from libraries not in the map are not judged.
    /// </summary>
    public IReadOnlyList<ElfVersionNeed> Missing(IReadOnlyDictionary<string, ElfVersionDefinitions> libraries) =>
        Needs.Where(need => !need.IsWeak
                && libraries.TryGetValue(need.File, out var library)
                && !library.Names.Contains(need.Name))
            .ToList();

    /// <summary>
    /// A copy of the file with <see cref="WeakFlag"/> set on each <see cref="Missing"/> version; every other byte is the same.
    /// </summary>
    /// <param name="libraries">The libraries' definitions, by vn_file.</param>
    /// <param name="product">Named after the file name in the refusal message, e.g. "TorchSharp 0.107.0".</param>
    /// <exception cref="TorchNativeException">A missing version is used by a relocation, so weakening it would only
    /// move the failure to the first call of that symbol.</exception>
    public byte[] WeakenMissing(IReadOnlyDictionary<string, ElfVersionDefinitions> libraries, string? product = null)
    {
        var missing = Missing(libraries);
        var used = missing.Where(need => RelocationVersionIndices.Contains(need.Index)).ToList();
        if (used.Count > 0)
        {
            throw new TorchNativeException(Refusal(used, libraries, product));
        }

        var patched = (byte[])_image.Clone();
        foreach (var need in missing)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan(need.FlagsOffset), (ushort)(need.Flags | WeakFlag));
        }

        return patched;
    }

    private string Refusal(
        IEnumerable<ElfVersionNeed> used, IReadOnlyDictionary<string, ElfVersionDefinitions> libraries, string? product)
    {
        var subject = System.IO.Path.GetFileName(Path) + (product is null ? "" : $" ({product})");
        var reasons = used.GroupBy(need => need.File).Select(group =>
        {
            var library = libraries[group.Key];
            var latest = library.Latest(group.First().Name);
            var soname = group.Key;
            var so = soname.IndexOf(".so", StringComparison.Ordinal);
            var shortName = so > 0 ? soname[..so] : soname;
            var remedy = shortName == "libstdc++"
                ? "Install a newer libstdc++6 (from GCC 13 or newer, as in Debian 13 or Ubuntu 24.04) to train."
                : $"Install a newer {soname} to train.";
            return $"{subject} needs {shortName} {string.Join(", ", group.Select(need => need.Name))} "
                + $"and uses {(group.Count() == 1 ? "its" : "their")} symbols; "
                + $"this system's {library.Path} " + (latest is null ? "does not define it" : $"defines up to {latest}")
                + $". {remedy}";
        });
        return $"{string.Join(" ", reasons)} (File: {Path})";
    }

    private static List<ElfVersionNeed> ReadNeeds(Image elf)
    {
        var needs = new List<ElfVersionNeed>();
        var section = elf.Find(ShtGnuVerneed);
        if (section is null)
        {
            return needs;
        }

        var strings = elf.Linked(section);
        long entry = section.Offset;
        for (var count = 0; ; count++)
        {
            elf.Entry(section, entry, 16);
            var file = elf.String(strings, elf.U32(entry + 4));
            var aux = entry + elf.U32(entry + 8);
            for (var i = elf.U16(entry + 2); i > 0; i--)
            {
                elf.Entry(section, aux, 16);
                var name = elf.String(strings, elf.U32(aux + 8));
                needs.Add(new ElfVersionNeed(file, name, Index: elf.U16(aux + 6), Flags: elf.U16(aux + 4), FlagsOffset: (int)(aux + 4)));
                aux += elf.U32(aux + 12);
            }

            var next = elf.U32(entry + 12);
            if (next == 0)
            {
                break;
            }

            entry += next;
            if (count > section.Size / 16)
            {
                throw elf.Invalid(".gnu.version_r does not end");
            }
        }

        return needs;
    }

    private static HashSet<ushort> ReadRelocationVersionIndices(Image elf)
    {
        var indices = new HashSet<ushort>();
        var versions = elf.Find(ShtGnuVersym);
        if (versions is null)
        {
            return indices;
        }

        // .gnu.version and the dynamic relocation sections all link to .dynsym; one uint16 per symbol.
        foreach (var relocations in elf.Sections.Where(s => (s.Type is ShtRela or ShtRel) && s.Link == versions.Link))
        {
            var size = relocations.EntrySize > 0 ? relocations.EntrySize : relocations.Type == ShtRela ? 24 : 16;
            for (long at = relocations.Offset; at + size <= relocations.Offset + relocations.Size; at += size)
            {
                var symbol = (long)(elf.U64(at + 8) >> 32);
                if (symbol != 0)
                {
                    var version = elf.Entry(versions, versions.Offset + symbol * 2, 2);
                    indices.Add((ushort)(elf.U16(version) & 0x7fff)); // the top bit is "hidden", not part of the index
                }
            }
        }

        return indices;
    }

    private sealed record Section(uint Type, int Offset, int Size, uint Link, int EntrySize);

    /// <summary>Bounds-checked little-endian reads over an ELF64 file's bytes and its section headers.</summary>
    private sealed class Image
    {
        private readonly byte[] _bytes;
        private readonly string _path;

        public Image(byte[] bytes, string path)
        {
            _bytes = bytes;
            _path = path;
            if (bytes.Length < 64 || !bytes.AsSpan(0, 4).SequenceEqual("\u007fELF"u8))
            {
                throw Invalid("it does not start with the ELF signature");
            }

            if (bytes[4] != 2 || bytes[5] != 1)
            {
                throw Invalid("it is not a 64-bit little-endian ELF file");
            }

            var headers = (long)U64(0x28);
            var headerSize = U16(0x3A);
            var count = U16(0x3C);
            if (count == 0 || headerSize < 64)
            {
                throw Invalid("it has no section headers");
            }

            Sections = new Section[count];
            for (var i = 0; i < count; i++)
            {
                var at = headers + (long)i * headerSize;
                var type = U32(at + 4);
                var offset = (long)U64(at + 24);
                var size = (long)U64(at + 32);
                if (type != ShtNobits && (offset < 0 || size < 0 || offset > bytes.Length || size > bytes.Length - offset))
                {
                    throw Invalid($"section {i} lies outside the file ({bytes.Length} bytes)");
                }

                Sections[i] = new Section(type, (int)Math.Min(offset, bytes.Length), (int)Math.Min(size, bytes.Length),
                    Link: U32(at + 40), EntrySize: (int)Math.Min(U64(at + 56), 1024));
            }
        }

        public Section[] Sections { get; }

        public Section? Find(uint type) => Sections.FirstOrDefault(s => s.Type == type);

        public Section Linked(Section section) =>
            section.Link < Sections.Length ? Sections[section.Link] : throw Invalid($"a section links to missing section {section.Link}");

        /// <summary>Checks that <paramref name="size"/> bytes at <paramref name="at"/> lie within the section.</summary>
        public long Entry(Section section, long at, int size) =>
            at >= section.Offset && at + size <= section.Offset + section.Size
                ? at
                : throw Invalid($"an entry at offset {at} lies outside its section");

        public ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(at, 2));

        public uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(at, 4));

        public ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(at, 8));

        public string String(Section table, uint offset)
        {
            var text = _bytes.AsSpan(table.Offset, table.Size);
            var end = offset < text.Length ? text[(int)offset..].IndexOf((byte)0) : -1;
            return end >= 0
                ? Encoding.UTF8.GetString(text.Slice((int)offset, end))
                : throw Invalid($"name {offset} is not a terminated string in its string table");
        }

        public TorchNativeException Invalid(string problem) =>
            new($"{_path} is not a valid ELF shared library: {problem}.");

        private ReadOnlySpan<byte> Slice(long at, int length) =>
            at >= 0 && at <= _bytes.Length - length
                ? _bytes.AsSpan((int)at, length)
                : throw Invalid($"it is truncated ({_bytes.Length} bytes; offset {at} is past its end)");
    }
}
