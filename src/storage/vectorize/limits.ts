/**
 * Vectorize's documented limits (V2 indexes), the single source the adapter and the test fake
 * read. docs/scaling.md carries the same table and test/storage/vectorize-limits.test.ts checks
 * that both agree, so a limit changed here without the docs (or the other way) fails a test.
 *
 * Source: https://developers.cloudflare.com/vectorize/platform/limits/ (read 2026-12).
 */
export const VECTORIZE_LIMITS = {
  /** query() topK with returnValues or returnMetadata "all": `query` never asks for either. */
  topKWithValuesOrMetadata: 20,
  /** query() topK returning ids and scores only: larger topK values are clamped to this. */
  topKWithoutValuesOrMetadata: 100,
  /** Bytes of JSON metadata per vector: a payload that would pass it is not stored in the index. */
  metadataBytes: 10 * 1024,
  /** Bytes of a vector id: longer ids are stored under a hash (store ids, ids.ts). */
  idBytes: 64,
  /** Vectors per upsert() call from a Worker (5,000 over HTTP): upserts are sent in such batches. */
  upsertBatch: 1000,
  /** Ids per deleteByIds() call: not documented; assumed equal to the upsert batch. */
  deleteBatch: 1000,
  /** Ids per getByIds() call: not documented; assumed equal to the with-values topK. */
  getByIdsBatch: 20,
  /** Ids per list-vectors page (REST API / wrangler): count, ids and clear page through it. */
  listPage: 1000,
  /** Namespaces per index (Workers Paid; 1,000 on Free): one namespace per workspace. */
  namespacesPerIndex: 50_000,
  /** Bytes of a namespace name: workspace names (at most 64 ASCII characters) always fit. */
  namespaceBytes: 64,
  /** Dimensions per vector: narrower vectors are zero-padded to the index's dimensions. */
  dimensions: 1536,
  /** Vectors per index. */
  vectorsPerIndex: 10_000_000,
} as const;

export type VectorizeLimits = { readonly [K in keyof typeof VECTORIZE_LIMITS]: number };
