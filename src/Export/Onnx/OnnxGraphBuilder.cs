using System.Runtime.InteropServices;
using FastBert.Models.Onnx.Proto;
using Google.Protobuf;

namespace FastBert.Models.Onnx;

/// <summary>
/// Assembles an ONNX graph: initializers, nodes, inputs and outputs, with names given in build order so the same
/// inputs always serialize to the same bytes.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const string MicrosoftDomain = "com.microsoft";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    public bool UsesMicrosoftDomain { get; private set; }

    /// <summary>A float32 initializer.</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), values.Length, dims);

    /// <summary>An int64 initializer (shapes, axes, indices).</summary>
    public string Int64Initializer(string name, long[] values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), values.Length, dims);

    /// <summary>An int8 initializer (quantized weights and embedding tables).</summary>
    public string Int8Initializer(string name, sbyte[] values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), values.Length, dims);

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(string name, float value) => Initializer(name, [value]);

    /// <summary>Adds a node with one output named <paramref name="output"/> and returns that name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes) =>
        NodeIn(string.Empty, opType, [output], inputs, attributes)[0];

    /// <summary>Adds a node of the com.microsoft domain (ONNX Runtime contrib ops).</summary>
    public string MicrosoftNode(string opType, string output, string[] inputs, params AttributeProto[] attributes)
    {
        UsesMicrosoftDomain = true;
        return NodeIn(MicrosoftDomain, opType, [output], inputs, attributes)[0];
    }

    public string[] NodeIn(string domain, string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        if (domain == MicrosoftDomain)
        {
            UsesMicrosoftDomain = true;
        }

        var node = new NodeProto { OpType = opType, Name = Claim(outputs[0] + "/" + opType), Domain = domain };
        node.Input.AddRange(inputs);
        foreach (var output in outputs)
        {
            node.Output.Add(output.Length == 0 ? output : Claim(output));
        }

        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Input.Add(ValueInfo(Claim(name), type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    public ModelProto Build(long opsetVersion, string producerVersion, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "fastbert",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opsetVersion });
        if (UsesMicrosoftDomain)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    // Raw little-endian bytes, as ONNX stores initializers.
    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, int count, long[] dims)
    {
        CheckElementCount(name, count, dims);
        var tensor = new TensorProto { Name = Claim(name), DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private string Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new InvalidOperationException($"ONNX name '{name}' is used twice.");
        }

        return name;
    }

    private static void CheckElementCount(string name, int count, long[] dims)
    {
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"Initializer '{name}' has {count} values but shape [{string.Join(", ", dims)}] needs {expected}.");
        }
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"Unsupported dimension {dim}."),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
