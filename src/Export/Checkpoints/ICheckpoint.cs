namespace FastBert.Models.Checkpoints;

/// <summary>Element types a checkpoint may store; every reader converts to float32 on request.</summary>
public enum TensorDataType
{
    Float32,
    Float16,
    BFloat16,
}

/// <summary>Name, type and shape of one stored tensor.</summary>
public sealed record TensorInfo(string Name, TensorDataType DataType, IReadOnlyList<long> Shape)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>The weights of a Hugging Face checkpoint (model.safetensors or pytorch_model.bin), read-only.</summary>
/// <remarks>
/// Readers validate the whole file when opened (and throw <see cref="CheckpointFormatException"/> or
/// <see cref="CheckpointSecurityException"/>), so a successfully opened checkpoint only fails later on I/O errors.
/// Reads are thread-safe; disposing while another thread reads is not.
/// </remarks>
public interface ICheckpoint : IDisposable
{
    /// <summary>The file the weights come from.</summary>
    string Path { get; }

    /// <summary>Every tensor, by name as stored (e.g. <c>bert.encoder.layer.0.attention.self.query.weight</c>).</summary>
    IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>
    /// Tensors present in the file whose element type is not a floating-point type readers convert (integer or
    /// boolean buffers such as an old checkpoint's <c>embeddings.position_ids</c>): name → stored type
    /// (e.g. <c>I64</c>, <c>LongStorage</c>). They are not in <see cref="Tensors"/>; reading one throws
    /// <see cref="CheckpointFormatException"/>.
    /// </summary>
    IReadOnlyDictionary<string, string> SkippedTensors => EmptySkipped.Instance;

    /// <summary>The tensor's values as float32, row-major, converted from F16/BF16 when stored so.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    float[] ReadFloat32(string name);

    /// <summary>
    /// Writes the tensor's values as float32, row-major, into <paramref name="destination"/>, whose length must equal
    /// the tensor's element count. Avoids the intermediate array of <see cref="ReadFloat32"/> where a reader can.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    /// <exception cref="ArgumentException">The destination's length is not the element count.</exception>
    void ReadFloat32Into(string name, Span<float> destination)
    {
        var values = ReadFloat32(name);
        if (values.Length != destination.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {values.Length} elements but the destination holds {destination.Length}.",
                nameof(destination));
        }

        values.CopyTo(destination);
    }
}

internal static class EmptySkipped
{
    public static readonly IReadOnlyDictionary<string, string> Instance =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string>());
}
