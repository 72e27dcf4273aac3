// Classifies texts with transformers.js from a local model folder, the way a transformers.js user loads one:
// AutoTokenizer + AutoModelForSequenceClassification, local files only. Prints one JSON object:
// {"labels": [...], "probabilities": [[...], ...]} (softmax of the logits, one row per text).
// Usage: node transformers-classify.mjs <model folder> <dtype: fp32|q8> <texts.json (array of strings, or of
// {"text", "text_pair"} sentence pairs)>
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env, AutoTokenizer, AutoModelForSequenceClassification } from '@huggingface/transformers';

const [folder, dtype, textsFile] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(path.resolve(folder)) + path.sep;
const name = path.basename(path.resolve(folder));

const tokenizer = await AutoTokenizer.from_pretrained(name);
const model = await AutoModelForSequenceClassification.from_pretrained(name, { dtype });
const texts = JSON.parse(readFileSync(textsFile, 'utf8'));
const probabilities = [];
for (const entry of texts) {
  const inputs = typeof entry === 'string'
    ? tokenizer(entry, { truncation: true })
    : tokenizer(entry.text, { text_pair: entry.text_pair, truncation: true });
  const { logits } = await model(inputs);
  const row = Array.from(logits.data);
  const max = Math.max(...row);
  const exp = row.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  probabilities.push(exp.map((v) => v / sum));
}

const labels = Object.keys(model.config.id2label).sort((a, b) => a - b).map((k) => model.config.id2label[k]);
process.stdout.write(JSON.stringify({ labels, probabilities }) + '\n');
