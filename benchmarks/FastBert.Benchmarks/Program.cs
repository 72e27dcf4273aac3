using BenchmarkDotNet.Running;
using FastBert.Benchmarks.Peers;

// `compare`: fastbert against its peers, side by side (Peers/PeerComparison.cs); `fusions`: ONNX Runtime's fused
// nodes in fastbert's exports (Peers/GraphFusions.cs); `ab`: variants interleaved in one process
// (Peers/InterleavedComparison.cs); `load-split`: where load time goes (Peers/LoadSplit.cs); anything else: BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    PeerComparison.Command => PeerComparison.Run(args),
    PeerRunner.Command => PeerRunner.Run(args),
    GraphFusions.Command => GraphFusions.Run(args),
    InterleavedComparison.Command => InterleavedComparison.Run(args),
    LoadSplit.Command => LoadSplit.Run(args),
    var step when LoadSplit.IsStep(step) => LoadSplit.RunStep(args),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(FastBert.Benchmarks.SpamBenchmarks).Assembly).Run(args);
    return 0;
}
