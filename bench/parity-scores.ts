/**
 * The scores behind a `bench/backend-parity.ts` difference: for one question, ranks a parity
 * run's stored entity (or relation) vectors against the question's keyword vector the way each
 * backend computes a cosine, and prints where the two top-k lists part and by how much.
 *
 * - D1 + local index: the stored unit vectors, read from the `VectorIndex` object's SQLite file
 *   of the run's `wrangler dev` state, scored by the index's own code (`normalize`, the SIMD
 *   `dot.wasm`, `topK`: float32 lanes, ties by id).
 * - Postgres + pgvector: the same vectors in pgvector's text form (what `PgVectorStore` sends)
 *   in an in-process PGlite with the same pgvector build as tools/pg-local, ranked by the
 *   store's exact statement (`1 - (embedding <=> q)`, float32 sums divided in float64, ties by id).
 * - The reference: the cosine in float64 of the same float32 vectors.
 *
 * The keywords come from the stub LLM's own keyword rule (tools/stub-llm), which is what both
 * parity runs asked; the vectors are those the D1 run stored (the Postgres run stored the same
 * texts' embeddings: the graph was identical, and `--check-embeddings` confirms every stored
 * vector is `hashEmbedding(entityContent)` bit for bit).
 *
 *   npx tsx bench/parity-scores.ts --state /tmp/bench-parity-d1-XXXX --question 64
 *   npx tsx bench/parity-scores.ts --state … --question 64 --namespace relations
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { vector as pgvector } from "@electric-sql/pglite-pgvector";
import { hashEmbedding } from "../src/providers/local-embedding";
import { entityContent, relationContent } from "../src/rag/embeddings";
import { keywordsUser } from "../src/rag/query/prompts";
import { normalize, topK } from "../src/storage/local-vector/math";
import { entityVectorId, relationVectorId } from "../src/storage/vector-ids";
import { keywordOutput } from "../tools/stub-llm/model.mjs";
import { cosine64 } from "./lib/parity-ties";
import { DATA } from "./query-server";

const { values } = parseArgs({
  options: {
    state: { type: "string" },
    question: { type: "string", default: "64" },
    namespace: { type: "string", default: "entities" },
    "top-k": { type: "string", default: "40" },
    "check-embeddings": { type: "boolean", default: false },
  },
});

const DIM = 384;

interface Scored {
  id: string;
  score: number;
}

/** The parity run's D1 database file. */
function d1File(state: string): string {
  const dir = path.join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database in ${dir}`);
  return path.join(dir, file);
}

/** The `VectorIndex` object's file that holds `count` vectors (the namespace's, in a one-workspace run). */
function indexFile(state: string, count: number): string {
  const dir = path.join(state, "v3", "do", "lightrag-edge-VectorIndex");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")) {
    if (rows<{ n: number }>(path.join(dir, file), "select count(*) as n from vectors")[0]?.n === count)
      return path.join(dir, file);
  }
  throw new Error(`no VectorIndex file with ${count} vectors in ${dir}`);
}

function sqlite(file: string, sql: string): string {
  const out = spawnSync("sqlite3", ["-readonly", "-json", file, sql], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout;
}

const rows = <T>(file: string, sql: string): T[] => {
  const text = sqlite(file, sql).trim();
  return text ? (JSON.parse(text) as T[]) : [];
};

/** The local index's ranking: its WebAssembly dot product over unit vectors, then its top-k. */
async function localRanking(vectors: Map<string, Float32Array>, query: Float32Array, k: number) {
  const wasm = readFileSync(path.join(import.meta.dirname, "../src/storage/local-vector/dot.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, {});
  const exports = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    scores(stride: number, count: number, query: number, rows: number, out: number): void;
  };
  const ids = [...vectors.keys()];
  const stride = DIM; // 384 is a multiple of 4: no padding
  const floats = stride * (1 + ids.length) + ids.length;
  const need = Math.ceil((floats * 4) / 65536) - exports.memory.buffer.byteLength / 65536;
  if (need > 0) exports.memory.grow(need);
  const mem = new Float32Array(exports.memory.buffer);
  mem.set(normalize(query), 0);
  for (const [row, id] of ids.entries()) mem.set(vectors.get(id) as Float32Array, stride * (1 + row));
  const scoresAt = stride * (1 + ids.length);
  exports.scores(stride, ids.length, 0, stride * 4, scoresAt * 4);
  const scores = new Float32Array(exports.memory.buffer, scoresAt * 4, ids.length);
  const all = new Map(ids.map((id, row) => [id, scores[row] as number]));
  const scan = (visit: (id: string, score: number) => void) => {
    for (const [row, id] of ids.entries()) visit(id, scores[row] as number);
  };
  return { top: topK(scan, k, -2), all };
}

/** pgvector's ranking by PgVectorStore's exact statement, in an in-process PGlite. */
async function pgRanking(vectors: Map<string, Float32Array>, query: Float32Array, k: number) {
  const db = await PGlite.create({ extensions: { vector: pgvector } });
  const toText = (v: Float32Array) => `[${Array.from(v).join(",")}]`;
  await db.exec("CREATE EXTENSION vector; CREATE TABLE v (id text, embedding vector)");
  const entries = [...vectors];
  for (let i = 0; i < entries.length; i += 500) {
    const slice = entries.slice(i, i + 500);
    await db.query(`INSERT INTO v SELECT id, e::vector FROM unnest($1::text[], $2::text[]) AS u(id, e)`, [
      slice.map(([id]) => id),
      slice.map(([, v]) => toText(v)),
    ]);
  }
  const q = toText(query);
  const top = (
    await db.query<Scored>(
      `SELECT id, score FROM (SELECT id, 1 - (embedding <=> $1::vector) AS score FROM v) s
       ORDER BY score DESC, id COLLATE "C" LIMIT $2`,
      [q, k],
    )
  ).rows;
  const all = new Map(
    (await db.query<Scored>(`SELECT id, 1 - (embedding <=> $1::vector) AS score FROM v`, [q])).rows.map(
      (r) => [r.id, r.score],
    ),
  );
  await db.close();
  return { top, all };
}

async function main(): Promise<number> {
  if (!values.state) throw new Error("--state <the D1 parity run's wrangler dev state directory>");
  const namespace = values.namespace === "relations" ? "relations" : "entities";
  const k = Number(values["top-k"]);
  const qa = JSON.parse(readFileSync(path.join(DATA, "hotpotqa", "qa.json"), "utf8")) as {
    question: string;
  }[];
  const question = qa[Number(values.question)]?.question ?? "";
  const keywords = JSON.parse(keywordOutput(keywordsUser(question))) as {
    high_level_keywords: string[];
    low_level_keywords: string[];
  };
  const used = namespace === "entities" ? keywords.low_level_keywords : keywords.high_level_keywords;
  const query = hashEmbedding(used.join(", "), DIM);
  console.log(`question #${values.question}: ${question}`);
  console.log(`${namespace === "entities" ? "low" : "high"}-level keywords: ${JSON.stringify(used)}`);

  const d1 = d1File(values.state);
  const names = new Map<string, string>();
  const contents = new Map<string, string>();
  if (namespace === "entities") {
    for (const e of rows<{ name: string; description: string }>(
      d1,
      "select name, description from entities",
    )) {
      const id = entityVectorId(e.name);
      names.set(id, e.name);
      contents.set(id, entityContent({ name: e.name, description: e.description } as never));
    }
  } else {
    for (const r of rows<{ src: string; tgt: string; keywords: string; description: string }>(
      d1,
      "select src, tgt, keywords, description from relations",
    )) {
      const id = relationVectorId(r.src, r.tgt);
      names.set(id, `${r.src} -> ${r.tgt}`);
      contents.set(id, relationContent(r as never));
    }
  }
  const index = indexFile(values.state, names.size);
  const vectors = new Map<string, Float32Array>();
  for (const row of rows<{ id: string; v: string }>(index, "select id, hex(v) as v from vectors")) {
    vectors.set(row.id, new Float32Array(Uint8Array.from(Buffer.from(row.v, "hex")).buffer));
  }
  console.log(`${vectors.size} stored ${namespace} vectors (${index})`);
  if (values["check-embeddings"]) {
    let same = 0;
    for (const [id, stored] of vectors) {
      const again = normalize(hashEmbedding(contents.get(id) ?? "", DIM));
      if (again.every((x, i) => x === stored[i])) same++;
    }
    console.log(`stored = normalize(hashEmbedding(content)) bit for bit: ${same} of ${vectors.size}`);
  }

  const local = await localRanking(vectors, query, k);
  const pg = await pgRanking(vectors, query, k);
  const rank64 = [...vectors].map(([id, v]) => ({ id, score: cosine64(query, v) }));
  const exact = new Map(rank64.map((r) => [r.id, r.score]));
  let firstDiff = -1;
  console.log(
    "\n rank  local index (float32)                 pgvector                               float64 cosine",
  );
  for (let i = 0; i < Math.max(local.top.length, pg.top.length); i++) {
    const a = local.top[i];
    const b = pg.top[i];
    const differs = a?.id !== b?.id;
    if (differs && firstDiff < 0) firstDiff = i;
    const cell = (s: Scored | undefined, digits: number) =>
      s ? `${(names.get(s.id) ?? s.id).slice(0, 22).padEnd(22)} ${s.score.toFixed(digits)}` : "".padEnd(38);
    console.log(
      `${differs ? "*" : " "}${String(i + 1).padStart(4)}  ${cell(a, 12)}  ${cell(b, 12)}  ${a ? (exact.get(a.id) ?? 0).toFixed(15) : ""}`,
    );
  }
  const differing = new Set<string>();
  local.top.forEach((a, i) => {
    if (pg.top[i]?.id !== a.id) {
      differing.add(a.id);
      differing.add(pg.top[i]?.id ?? a.id);
    }
  });
  if (differing.size === 0) {
    console.log("\nthe two rankings are identical");
    return 0;
  }
  console.log(`\nwhere they part (first at rank ${firstDiff + 1}), each item's score on each side:`);
  for (const id of differing) {
    const l = local.all.get(id) ?? Number.NaN;
    const p = pg.all.get(id) ?? Number.NaN;
    console.log(
      `  ${(names.get(id) ?? id).padEnd(24)} ${id}  local ${l.toPrecision(17)}  pgvector ${p.toPrecision(17)}  float64 ${(exact.get(id) ?? 0).toPrecision(17)}  local - pgvector ${(l - p).toExponential(2)}`,
    );
  }
  const ids = [...differing];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      const [x, y] = [ids[i] as string, ids[j] as string];
      console.log(
        `  |Δ| ${names.get(x)} vs ${names.get(y)}: local ${Math.abs((local.all.get(x) ?? 0) - (local.all.get(y) ?? 0)).toExponential(2)}, pgvector ${Math.abs((pg.all.get(x) ?? 0) - (pg.all.get(y) ?? 0)).toExponential(2)}, float64 ${Math.abs((exact.get(x) ?? 0) - (exact.get(y) ?? 0)).toExponential(2)}`,
      );
    }
  return 1;
}

process.exit(await main());
