// Writes a Parquet file with DuckDB (an independent writer) from a JSON lines file, the way the Hub's files look:
// the rows' columns as they are, and optionally the `huggingface` key-value metadata that the datasets library
// stores beside the schema (features, e.g. a ClassLabel's names).
// Usage: node write-parquet.mjs <rows.jsonl> <out.parquet> [<huggingface-metadata.json>]
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [rowsPath, outPath, metadataPath] = process.argv.slice(2);
const quote = (text) => `'${text.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const options = ['FORMAT parquet', 'COMPRESSION snappy'];
if (metadataPath) {
  options.push(`KV_METADATA {huggingface: ${quote(readFileSync(metadataPath, 'utf8'))}}`);
}
await connection.run(
  `COPY (SELECT * FROM read_json(${quote(rowsPath)}, format = 'newline_delimited')) TO ${quote(outPath)} (${options.join(', ')})`);
const count = await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${quote(outPath)})`);
console.log(JSON.stringify({ rows: Number(count.getRowObjects()[0].n) }));
