using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastBert.Models.Checkpoints;

/// <summary>Raw little-endian element bytes → float32.</summary>
internal static class ElementConversion
{
    public static int SizeOf(TensorDataType type) => type switch
    {
        TensorDataType.Float32 => 4,
        TensorDataType.Float16 => 2,
        TensorDataType.BFloat16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Converts <paramref name="source"/> (exactly destination.Length elements, little-endian) to float32.</summary>
    public static void ToFloat32(ReadOnlySpan<byte> source, TensorDataType type, Span<float> destination)
    {
        if (source.Length != destination.Length * SizeOf(type))
        {
            throw new ArgumentException("Source and destination sizes disagree.", nameof(source));
        }

        switch (type)
        {
            case TensorDataType.Float32:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                if (!BitConverter.IsLittleEndian)
                {
                    var bits = MemoryMarshal.Cast<float, int>(destination);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }

                break;

            case TensorDataType.Float16:
                for (var i = 0; i < destination.Length; i++)
                {
                    var raw = BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i, 2));
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(raw);
                }

                break;

            case TensorDataType.BFloat16:
                // bfloat16 is the upper half of a float32: shifting the bits back is exact (NaN payloads included).
                for (var i = 0; i < destination.Length; i++)
                {
                    var raw = BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i, 2));
                    destination[i] = BitConverter.Int32BitsToSingle(raw << 16);
                }

                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    /// <summary>Reverses the byte order of every element in place (for big-endian PyTorch storages).</summary>
    public static void SwapBytes(Span<byte> data, int elementSize)
    {
        if (elementSize == 2)
        {
            var view = MemoryMarshal.Cast<byte, ushort>(data);
            BinaryPrimitives.ReverseEndianness(view, view);
        }
        else if (elementSize == 4)
        {
            var view = MemoryMarshal.Cast<byte, uint>(data);
            BinaryPrimitives.ReverseEndianness(view, view);
        }
    }
}
