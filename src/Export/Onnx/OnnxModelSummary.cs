using FastBert.Models.Onnx.Proto;
using Google.Protobuf;

namespace FastBert.Models.Onnx;

/// <summary>
/// What a model.onnx exposes, read from the file without ONNX Runtime (so the build can check it): its input names,
/// the classifier output and that output's width (the number of labels) when the graph fixes it.
/// </summary>
public sealed record OnnxModelSummary(IReadOnlyList<string> Inputs, string Output, int? OutputWidth)
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model with a graph, inputs and an output; the message names it.</exception>
    public static OnnxModelSummary Read(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"{path} is not a valid ONNX model ({ex.Message}). Re-export it (fastbert export) or copy it again.", ex);
        }

        if (model.Graph is not { } graph || graph.Output.Count == 0 || graph.Input.Count == 0)
        {
            throw new InvalidDataException($"{path} is not a usable ONNX model: it has no graph with inputs and outputs. Re-export it (fastbert export) or copy it again.");
        }

        var output = graph.Output.FirstOrDefault(o => o.Name == "logits") ?? graph.Output[0];
        var dims = output.Type?.TensorType?.Shape?.Dim;
        int? width = dims is { Count: > 0 } && dims[^1].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[^1].DimValue is > 0 and <= int.MaxValue
            ? (int)dims[^1].DimValue
            : null;
        return new OnnxModelSummary(graph.Input.Select(i => i.Name).ToList(), output.Name, width);
    }
}
