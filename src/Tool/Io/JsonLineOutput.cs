using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FastBert.Tool.Io;

/// <summary>Writes one compact JSON object per line.</summary>
public sealed class JsonLineOutput(TextWriter writer)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };
    private readonly ArrayBufferWriterPool _buffer = new();

    public void Write(Action<Utf8JsonWriter> writeObject)
    {
        var buffer = _buffer.Get();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            writeObject(json);
            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public void Flush() => writer.Flush();

    private sealed class ArrayBufferWriterPool
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _writer = new(256);

        public System.Buffers.ArrayBufferWriter<byte> Get()
        {
            _writer.Clear();
            return _writer;
        }
    }
}
