using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(FastBert.Benchmarks.SpamBenchmarks).Assembly).Run(args);
