/**
 * The tie rule of bench/backend-parity.ts: when two backends' `/query/data` answers hold
 * different chunks, finds whether they part at a near-tie, i.e. at two items whose cosine
 * similarities are one score that each backend's float32 arithmetic rounds differently.
 */
import { hashEmbedding } from "../../src/providers/local-embedding";
import { entityContent, relationContent } from "../../src/rag/embeddings";
import type { EntityRecord, RelationRecord } from "../../src/storage/graph";

export interface Chunk {
  chunk_id?: string;
  content?: string;
  file_path?: string;
}
export interface WireEntity {
  entity_name: string;
  description: string;
}
export interface WireRelation {
  src_id: string;
  tgt_id: string;
  keywords: string;
  description: string;
}
export interface QueryData {
  data: { chunks?: Chunk[]; entities?: WireEntity[]; relationships?: WireRelation[] };
  metadata?: { keywords?: { high_level?: string[]; low_level?: string[] } };
}

/** One `/query/data` answer, as the comparison and the near-tie check need it. */
export interface Answer {
  chunks: string[];
  /** What each list item's vector was made of, in answer order (for the near-tie check). */
  entities: { key: string; text: string }[];
  relations: { key: string; text: string }[];
  chunkTexts: { key: string; text: string }[];
  low: string[];
  high: string[];
}

/**
 * The ids and, per list item, the text its vector was embedded from (src/rag/embeddings.ts, ingest).
 *
 * @example
 * const answer = answerOf(await server.post<QueryData>(ws, "/query/data", { query, mode }));
 */
export function answerOf(body: QueryData): Answer {
  const chunks = body.data.chunks ?? [];
  return {
    chunks: chunks.map((chunk) => chunk.chunk_id ?? `${chunk.file_path}:${chunk.content}`),
    chunkTexts: chunks.map((chunk) => ({ key: chunk.chunk_id ?? "", text: chunk.content ?? "" })),
    entities: (body.data.entities ?? []).map((e) => ({
      key: e.entity_name,
      text: entityContent({ name: e.entity_name, description: e.description } as EntityRecord),
    })),
    relations: (body.data.relationships ?? []).map((r) => ({
      key: `${r.src_id} -> ${r.tgt_id}`,
      text: relationContent({
        src: r.src_id,
        tgt: r.tgt_id,
        keywords: r.keywords,
        description: r.description,
      } as RelationRecord),
    })),
    low: body.metadata?.keywords?.low_level ?? [],
    high: body.metadata?.keywords?.high_level ?? [],
  };
}

/**
 * Below this, two cosine similarities are one score that the backends' float32 arithmetic
 * rounds differently (the local index sums four SIMD lanes of a normalised query, pgvector one
 * float32 sum divided in float64): measured 1.8e-8 to 3.7e-8 apart for an exact tie
 * (docs/scaling.md, "Same answers"; bench/parity-scores.ts prints each backend's scores).
 */
export const NEAR_TIE = 1e-6;

/**
 * Why two different answers differ, when it is a near-tie: the first list (entities, then
 * relations, then chunks) where the two backends part, and the two items each put at that
 * place, whose cosine similarity to the vector that ranked them (low-level keywords for
 * entities, high-level for relations, the question for chunks), recomputed in float64 with the
 * local embedder, differs by less than NEAR_TIE. Everything after that place follows from it
 * (the round robin and token budgets keep a prefix). `null`: not a near-tie.
 *
 * @example
 * nearTie(d1Answer, pgAnswer, question); // 'entity #15: "Harding Welsh" vs "Welsh King", cosine … (|Δ| 0.0e+0)'
 */
export function nearTie(a: Answer, b: Answer, question: string): string | null {
  const lists = [
    ["entity", a.entities, b.entities, a.low.join(", ")],
    ["relation", a.relations, b.relations, a.high.join(", ")],
    ["chunk", a.chunkTexts, b.chunkTexts, question],
  ] as const;
  if (a.low.join("\n") !== b.low.join("\n") || a.high.join("\n") !== b.high.join("\n")) return null;
  for (const [what, x, y, query] of lists) {
    const at = x.findIndex((item, i) => item.key !== y[i]?.key);
    if (at < 0 && x.length === y.length) continue;
    const p = x[at];
    const q = y[at];
    if (!p || !q) return null;
    const v = hashEmbedding(query, EMBED_DIM);
    const sp = cosine64(v, hashEmbedding(p.text, EMBED_DIM));
    const sq = cosine64(v, hashEmbedding(q.text, EMBED_DIM));
    const delta = Math.abs(sp - sq);
    if (delta >= NEAR_TIE) return null;
    return `${what} #${at + 1}: "${p.key}" vs "${q.key}", cosine ${sp.toFixed(12)} vs ${sq.toFixed(12)} (|Δ| ${delta.toExponential(1)})`;
  }
  return null;
}

const EMBED_DIM = 384;

/**
 * Cosine similarity summed in float64 (the order-free reference both backends' float32 scores
 * round from).
 *
 * @example
 * cosine64(a, b); // 0.30769230769230771
 */
export function cosine64(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
