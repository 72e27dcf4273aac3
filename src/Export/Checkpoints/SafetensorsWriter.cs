using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace FastBert.Models.Checkpoints;

/// <summary>A float32 tensor to write: row-major values and their shape.</summary>
public sealed record NamedTensor(string Name, float[] Values, long[] Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Writes float32 tensors as a <c>.safetensors</c> file (the layout <see cref="SafetensorsCheckpoint"/> reads):
/// header length, JSON header padded with spaces to a multiple of 8 bytes, then the tensors back to back in the
/// order given. The file is written to a temporary sibling and moved into place, so a failure leaves no partial file.
/// </summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = BuildHeader(tensors, metadata);
        var full = Path.GetFullPath(path);
        var temporary = full + $".tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var tensor in tensors)
                {
                    if (BitConverter.IsLittleEndian)
                    {
                        stream.Write(MemoryMarshal.AsBytes(tensor.Values.AsSpan()));
                    }
                    else
                    {
                        var buffer = new byte[4];
                        foreach (var value in tensor.Values)
                        {
                            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
                            stream.Write(buffer);
                        }
                    }
                }
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var tensor in tensors)
            {
                if (tensor.Name == "__metadata__" || !names.Add(tensor.Name))
                {
                    throw new ArgumentException($"Tensor name '{tensor.Name}' is reserved or appears twice.", nameof(tensors));
                }

                if (tensor.Shape.Any(d => d < 0) || tensor.ElementCount != tensor.Values.Length)
                {
                    throw new ArgumentException(
                        $"Tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}] but {tensor.Values.Length} values.", nameof(tensors));
                }

                var end = offset + (4L * tensor.Values.Length);
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        var header = buffer.ToArray();
        var padded = (header.Length + 7) / 8 * 8;
        if (padded == header.Length)
        {
            return header;
        }

        var result = new byte[padded];
        header.CopyTo(result, 0);
        Encoding.ASCII.GetBytes(new string(' ', padded - header.Length), result.AsSpan(header.Length));
        return result;
    }
}
