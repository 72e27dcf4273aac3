using System.Globalization;
using FastBert.Models.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace FastBert.Benchmarks.Peers;

/// <summary>
/// `fusions`: what ONNX Runtime's optimiser makes of fastbert's fp32 and int8 exports of the seeded TinyBERT-shaped
/// checkpoint (and the fp32 export in the other graph form) — the node counts by operator before and after optimisation (ORT_ENABLE_EXTENDED and ORT_ENABLE_ALL,
/// written out with SessionOptions.OptimizedModelFilePath), with the transformer fusions named first.
/// </summary>
internal static class GraphFusions
{
    public const string Command = "fusions";

    private static readonly string[] Fusions =
    [
        "com.microsoft:EmbedLayerNormalization", "com.microsoft:Attention", "com.microsoft:MultiHeadAttention",
        "com.microsoft:SkipLayerNormalization", "com.microsoft:BiasGelu", "com.microsoft:FastGelu", "com.microsoft:Gelu",
        "com.microsoft:QAttention", "com.microsoft:MatMulIntegerToFloat", "com.microsoft:DynamicQuantizeMatMul",
        "com.microsoft:FusedMatMul", "com.microsoft:FusedGemm", "LayerNormalization",
    ];

    public static int Run(string[] args)
    {
        var root = Path.Combine(Path.GetTempPath(), "fastbert-fusions", Guid.NewGuid().ToString("N"));
        try
        {
            var models = PeerModels.Create(root, messages: 1);
            var otherForm = $"fp32, {PeerModels.OtherForm.ToString().ToLowerInvariant()} form";
            foreach (var (name, folder) in new[] { ("fp32", models.Fp32), ("int8", models.Int8), (otherForm, models.OtherFormFp32) })
            {
                var source = Path.Combine(folder, "model.onnx");
                var stages = new List<(string Stage, IReadOnlyDictionary<string, int> Counts)> { ("exported", OnnxOperatorCounts.Read(source)) };
                foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_EXTENDED, GraphOptimizationLevel.ORT_ENABLE_ALL })
                {
                    var optimized = Path.Combine(root, $"{name.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-')}-{level}.onnx");
                    using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = optimized })
                    using (new InferenceSession(source, options))
                    {
                    }

                    stages.Add((level.ToString(), OnnxOperatorCounts.Read(optimized)));
                }

                Console.WriteLine($"## {name} ({new FileInfo(source).Length / 1e6:0.0} MB)");
                Console.WriteLine($"| operator | {string.Join(" | ", stages.Select(s => s.Stage))} |");
                Console.WriteLine($"|---|{string.Concat(stages.Select(_ => "---:|"))}");
                var operators = stages.SelectMany(s => s.Counts.Keys).Distinct().OrderBy(o => Array.IndexOf(Fusions, o) is var i && i >= 0 ? i : int.MaxValue).ThenBy(o => o, StringComparer.Ordinal);
                foreach (var op in operators)
                {
                    Console.WriteLine($"| {op} | {string.Join(" | ", stages.Select(s => s.Counts.GetValueOrDefault(op).ToString(CultureInfo.InvariantCulture)))} |");
                }

                Console.WriteLine($"| total nodes | {string.Join(" | ", stages.Select(s => s.Counts.Values.Sum().ToString(CultureInfo.InvariantCulture)))} |");
                Console.WriteLine();
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
