using System.Buffers.Binary;
using FastBert.Models.Checkpoints;
using FastBert.Tests;
using static FastBert.Models.Tests.Checkpoints.SafetensorsBytes;

namespace FastBert.Models.Tests.Checkpoints;

/// <summary>Malformed or hostile safetensors files are refused at Open with a specific, explanatory error.</summary>
public sealed class SafetensorsHostileInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void EmptyFile_IsRefused()
    {
        var error = OpenBytes([]);

        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void FileShorterThanTheLengthPrefix_IsRefused()
    {
        var error = OpenBytes([1, 2, 3, 4, 5]);

        Assert.Contains("shorter than the 8-byte header length", error.Message);
    }

    [Fact]
    public void HeaderLengthLargerThanTheFile_IsRefused()
    {
        var bytes = new byte[8 + 2];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        "{}"u8.CopyTo(bytes.AsSpan(8));

        var error = OpenBytes(bytes);

        Assert.Contains("header length 1000", error.Message);
        Assert.Contains("larger than the rest of the file (2 bytes)", error.Message);
    }

    [Fact]
    public void AbsurdHeaderLength_IsRefused_WithoutAllocatingIt()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);

        var error = OpenBytes(bytes);

        Assert.Contains("absurd", error.Message);
    }

    [Fact]
    public void HeaderThatIsNotJson_IsRefused()
    {
        var error = OpenBytes(Raw("{\"a\": {\"dtype\": ", []));

        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void HeaderThatIsNotAnObject_IsRefused()
    {
        var error = OpenBytes(Raw("[1, 2, 3]", []));

        Assert.Contains("header is a JSON array, expected an object", error.Message);
    }

    [Fact]
    public void OverlappingTensors_AreRefused_NamingBoth()
    {
        var header = """
            {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """;

        var error = OpenBytes(Raw(header, new byte[12]));

        Assert.Contains("'a' [0, 8) and 'b' [4, 12) overlap", error.Message);
    }

    [Fact]
    public void OffsetsPastTheEndOfTheData_AreRefused()
    {
        var error = OpenBytes(Raw("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[8]));

        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("run past the end of the data section (8 bytes", error.Message);
    }

    [Fact]
    public void EndBeforeBegin_IsRefused()
    {
        var error = OpenBytes(Raw("""{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}""", new byte[8]));

        Assert.Contains("end before they begin", error.Message);
    }

    [Theory]
    [InlineData("[0]")]
    [InlineData("[-4, 4]")]
    [InlineData("[\"0\", 4]")]
    [InlineData("[0.5, 4]")]
    [InlineData("[0, 4, 8]")]
    [InlineData("{}")]
    public void DataOffsetsThatAreNotTwoNonNegativeIntegers_AreRefused(string offsets)
    {
        var error = OpenBytes(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":" + offsets + "}}", new byte[8]));

        Assert.Contains("tensor 'w': \"data_offsets\" must be two non-negative integers", error.Message);
    }

    [Fact]
    public void NegativeShape_IsRefused()
    {
        var error = OpenBytes(Raw("""{"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}}""", new byte[16]));

        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("negative dimension (-1)", error.Message);
    }

    [Fact]
    public void AbsurdShape_WhoseElementCountOverflows_IsRefused()
    {
        var header = """{"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}}""";

        var error = OpenBytes(Raw(header, new byte[16]));

        Assert.Contains("tensor 'w'", error.Message);
        Assert.Contains("overflows", error.Message);
    }

    [Fact]
    public void ShapeLargerThanItsBytes_IsRefused()
    {
        var error = OpenBytes(Raw("""{"w":{"dtype":"F16","shape":[3,3],"data_offsets":[0,16]}}""", new byte[16]));

        Assert.Contains("hold 16 bytes but shape [3,3] of F16 needs 9 × 2 = 18 bytes", error.Message);
    }

    [Theory]
    [InlineData("F64")]
    [InlineData("F8_E4M3")]
    [InlineData("Q4_0")]
    public void UnsupportedDtype_IsRefused_NamingTheTensorAndTheSupportedTypes(string dtype)
    {
        var header = "{\"encoder.weight\":{\"dtype\":\"" + dtype + "\",\"shape\":[1],\"data_offsets\":[0,8]}}";

        var error = OpenBytes(Raw(header, new byte[8]));

        Assert.Contains($"tensor 'encoder.weight' has dtype '{dtype}'", error.Message);
        Assert.Contains("supported: F32, F16, BF16", error.Message);
    }

    [Fact]
    public void MissingDtype_IsRefused()
    {
        var error = OpenBytes(Raw("""{"w":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4]));

        Assert.Contains("tensor 'w': missing or non-string \"dtype\"", error.Message);
    }

    [Fact]
    public void TensorEntryThatIsNotAnObject_IsRefused()
    {
        var error = OpenBytes(Raw("""{"w":[1,2]}""", []));

        Assert.Contains("tensor 'w': entry is a JSON array", error.Message);
    }

    [Fact]
    public void DuplicateTensorName_IsRefused()
    {
        var header = """
            {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},
             "w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}
            """;

        var error = OpenBytes(Raw(header, new byte[8]));

        Assert.Contains("'w' appears twice", error.Message);
    }

    [Theory]
    [InlineData(4)]        // inside the length prefix
    [InlineData(100)]      // inside the JSON header
    [InlineData(1_000_000)] // inside the data
    public void TruncatedRealFile_IsRefused(int keep)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.SmsModel, "model.safetensors"))[..keep];

        var error = OpenBytes(bytes);

        Assert.Matches("shorter than the 8-byte|larger than the rest of the file|run past the end of the data section", error.Message);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound_WithThePath()
    {
        var path = _folder.File("nope.safetensors");

        var error = Assert.Throws<FileNotFoundException>(() => SafetensorsCheckpoint.Open(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void ErrorMessage_StartsWithTheFilePath()
    {
        var path = _folder.File("broken.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsCheckpoint.Open(path));

        Assert.StartsWith(path + ": ", error.Message);
        Assert.Equal(path, error.FilePath);
    }

    private CheckpointFormatException OpenBytes(byte[] bytes)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".safetensors");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsCheckpoint.Open(path));
        Assert.Contains(path, error.Message);
        File.Delete(path); // the reader released the file
        return error;
    }
}
