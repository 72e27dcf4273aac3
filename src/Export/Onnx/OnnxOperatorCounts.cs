using FastBert.Models.Onnx.Proto;

namespace FastBert.Models.Onnx;

/// <summary>How many nodes of each operator a model.onnx's main graph holds, keyed "domain:OpType" (plain "OpType" for ONNX's own).</summary>
public static class OnnxOperatorCounts
{
    public static IReadOnlyDictionary<string, int> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var model = ModelProto.Parser.ParseFrom(stream);
        return model.Graph.Node
            .GroupBy(n => string.IsNullOrEmpty(n.Domain) || n.Domain == "ai.onnx" ? n.OpType : $"{n.Domain}:{n.OpType}")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }
}
