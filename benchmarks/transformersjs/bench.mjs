// transformers.js peer for `FastBert.Benchmarks compare`: the same protocol as the .NET runners (PeerRunner.cs).
// Usage: node bench.mjs <model root> <model name> <texts.json> <threads>
// Prints one JSON line: loadMs, firstCallMs, batch-1 latencies, batch-32 items/s, peak RSS.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pipeline, env } from '@huggingface/transformers';

const [root, name, textsFile, threads] = process.argv.slice(2);
const texts = JSON.parse(readFileSync(textsFile, 'utf8'));
const protocol = JSON.parse(readFileSync(new URL('../FastBert.Benchmarks/Peers/protocol.json', import.meta.url), 'utf8'));
env.allowRemoteModels = false;
env.localModelPath = root;

const loadStart = performance.now();
const classify = await pipeline('text-classification', name, {
  dtype: 'fp32',
  device: 'cpu',
  session_options: { intraOpNumThreads: Number(threads), interOpNumThreads: 1, executionMode: 'sequential' },
});
const loadMs = performance.now() - loadStart;

let start = performance.now();
await classify(texts[0]);
const firstCallMs = performance.now() - start;

for (let i = 0; i < protocol.warmupCalls; i++) {
  await classify(texts[i % texts.length]);
}

const latencies = [];
for (let pass = 0; pass < protocol.batch1Passes; pass++) {
  for (const text of texts) {
    start = performance.now();
    await classify(text);
    latencies.push(performance.now() - start);
  }
}

const batches = [];
for (let i = 0; i < texts.length; i += protocol.batchSize) {
  batches.push(texts.slice(i, i + protocol.batchSize));
}
for (const batch of batches) {
  await classify(batch);
}
start = performance.now();
for (let pass = 0; pass < protocol.batchPasses; pass++) {
  for (const batch of batches) {
    await classify(batch);
  }
}
const batchSeconds = (performance.now() - start) / 1000;

console.log(JSON.stringify({
  loadMs,
  firstCallMs,
  batch1Ms: latencies,
  batchItemsPerSecond: (protocol.batchPasses * texts.length) / batchSeconds,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}));
