using BenchmarkDotNet.Running;
using FastBert.Benchmarks.Peers;

// `compare`: fastbert against its peers, side by side (Peers/PeerComparison.cs); `fusions`: ONNX Runtime's fused
// nodes in fastbert's exports (Peers/GraphFusions.cs); anything else: BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    PeerComparison.Command => PeerComparison.Run(args),
    PeerRunner.Command => PeerRunner.Run(args),
    GraphFusions.Command => GraphFusions.Run(args),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(FastBert.Benchmarks.SpamBenchmarks).Assembly).Run(args);
    return 0;
}
