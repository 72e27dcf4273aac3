// Tokenizes sentence pairs with transformers.js from a local tokenizer folder (tokenizer.json + tokenizer_config.json),
// local files only, without truncation (transformers.js cuts a pair's end rather than applying longest_first).
// Prints one JSON array: per pair {"input_ids", "token_type_ids", "first", "second"}, where first / second are each
// text's own word-piece ids (no special tokens).
// Usage: node transformers-tokenize-pairs.mjs <tokenizer folder> <pairs.json (array of {"text","text_pair"})>
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { env, AutoTokenizer } from '@huggingface/transformers';

const [folder, pairsFile] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(path.resolve(folder)) + path.sep;
const tokenizer = await AutoTokenizer.from_pretrained(path.basename(path.resolve(folder)));

const pieces = (text) => tokenizer.encode(text, { add_special_tokens: false });
const pairs = JSON.parse(readFileSync(pairsFile, 'utf8'));
const encoded = pairs.map(({ text, text_pair }) => {
  const { input_ids, token_type_ids } = tokenizer(text, { text_pair, truncation: false, return_tensor: false });
  return { input_ids, token_type_ids, first: pieces(text), second: pieces(text_pair) };
});
process.stdout.write(JSON.stringify(encoded) + '\n');
