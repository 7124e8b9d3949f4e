/**
 * Lexical search on Postgres (src/storage/neon/lexical.ts) in-process on PGlite (WASM, so
 * slower than a real Postgres): fills two workspaces with synthetic chunks whose words follow
 * a skewed (Zipf-like) distribution, then prints the median time of one `search` for a query of
 * rare words and one of words found in most chunks (every match is ranked by `ts_rank`, so
 * the second costs in proportion to the rows it matches), with the match counts.
 *
 *   npx tsx bench/pg-lexical.ts --chunks 5000 --rounds 5
 */
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Pool } from "@neondatabase/serverless";
import { readPgMigrations } from "../scripts/pg-migrations";
import { PgLexicalStore } from "../src/storage/neon/lexical";

const { values } = parseArgs({
  options: {
    chunks: { type: "string", default: "5000" },
    words: { type: "string", default: "200" },
    rounds: { type: "string", default: "5" },
  },
});
const chunkCount = Number(values.chunks);
const wordsPerChunk = Number(values.words);
const rounds = Number(values.rounds);

const db = await PGlite.create({ extensions: { vector, unaccent } });
await db.exec("CREATE EXTENSION vector");
for (const migration of readPgMigrations("migrations-pg")) {
  for (const statement of migration.sql.split("--> statement-breakpoint")) {
    if (statement.trim() !== "") await db.exec(statement);
  }
}

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
const word = () => vocabulary[Math.floor(random() ** 3 * vocabulary.length)];

for (const workspace of ["a", "b"]) {
  const started = performance.now();
  for (let first = 0; first < chunkCount; first += 1000) {
    const rows = Array.from({ length: Math.min(1000, chunkCount - first) }, (_, i) => ({
      id: `c${first + i}`,
      content: Array.from({ length: wordsPerChunk }, word).join(" "),
    }));
    await db.query(
      `INSERT INTO chunks (workspace, id, doc_id, chunk_order, tokens, content, file_path)
        SELECT $1, id, 'd', 0, ${wordsPerChunk}, content, 'f' FROM json_to_recordset($2::json) AS x(id text, content text)`,
      [workspace, JSON.stringify(rows)],
    );
  }
  console.log(
    `${chunkCount} chunks into workspace ${workspace}: ${(performance.now() - started).toFixed(0)} ms`,
  );
}
await db.exec("ANALYZE chunks");

// The store only calls `query(text, values)`, which PGlite answers with the same shape.
const lexical = new PgLexicalStore(db as unknown as Pool);
const matches = async (text: string) => {
  const [row] = (
    await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM chunks WHERE workspace = 'a'
        AND tsv @@ replace(plainto_tsquery('rag_english', $1)::text, '&', '|')::tsquery`,
      [text],
    )
  ).rows;
  return row?.n ?? 0;
};
for (const [label, text] of [
  ["rare words", "w9zz w8qq w7aa zebra"],
  ["common words", "w1 w2 w3 w4"],
] as const) {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await lexical.search("a", { chunks: text, limit: 20 });
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  console.log(`${label} (${text}): ${await matches(text)} matching chunks, median ${median.toFixed(1)} ms`);
}
await db.close();
