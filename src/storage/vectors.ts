/**
 * Port for vector indexes: one logical index per workspace and namespace. Ids follow
 * LightRAG's scheme (`ent-<md5>`, `rel-<md5>`, chunk ids); payloads are read from the
 * relational stores by id, never from the index.
 */

export const VECTOR_NAMESPACES = ["entities", "relations", "chunks"] as const;
export type VectorNamespace = (typeof VECTOR_NAMESPACES)[number];

export interface VectorItem {
  id: string;
  vector: Float32Array;
  /**
   * Opaque text kept beside the vector (Vectorize's metadata, LightRAG's vector-store
   * payload), so a query can skip a read of the relational store; replaced with the vector.
   */
  payload?: string;
}

export interface VectorPayload {
  id: string;
  payload: string;
}

export interface VectorMatch {
  id: string;
  /** Cosine similarity in [-1, 1]. */
  score: number;
}

export interface VectorQuery {
  topK: number;
  /** Matches below this cosine similarity are dropped (LightRAG's COSINE_THRESHOLD). */
  threshold?: number;
}

/**
 * Scores of `matches` (in any order) aligned with `ids`, NaN for an id without one: the form
 * `VectorStore.score` answers in, for stores whose reads come back unordered.
 *
 * @example
 * alignScores(["a", "b"], [{ id: "b", score: 0.5 }]); // Float64Array [NaN, 0.5]
 */
export function alignScores(ids: readonly string[], matches: readonly VectorMatch[]): Float64Array {
  const byId = new Map(matches.map((match) => [match.id, match.score]));
  return Float64Array.from(ids, (id) => byId.get(id) ?? Number.NaN);
}

export interface VectorStore {
  /** Inserts or replaces vectors by id. */
  upsert(workspace: string, namespace: VectorNamespace, items: VectorItem[]): Promise<void>;
  delete(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<void>;
  /** Best matches first, equal scores by id (the engine keeps a prefix: tie order decides answers). */
  query(
    workspace: string,
    namespace: VectorNamespace,
    vector: Float32Array,
    query: VectorQuery,
  ): Promise<VectorMatch[]>;
  /**
   * Cosine similarity of `vector` to the stored vectors of `ids`, aligned with `ids` (NaN for
   * an id without a vector), for re-ranking a known candidate set without shipping its vectors.
   *
   * @example
   * const scores = await store.score(ws, "chunks", ["a", "missing"], vector); // Float64Array [0.42, NaN]
   */
  score(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
  ): Promise<Float64Array>;
  /**
   * Stored payloads by id; ids missing or stored without one are skipped.
   *
   * @example
   * const found = await store.payloads(ws, "chunks", ["doc-1-chunk-000"]); // [{ id, payload }]
   */
  payloads(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorPayload[]>;
  /** Stored vectors (with their payloads) by id, missing ids skipped, for backups. */
  get(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorItem[]>;
  count(workspace: string, namespace: VectorNamespace): Promise<number>;
  /** Every id in the namespace (maintenance and invariant checks). */
  ids(workspace: string, namespace: VectorNamespace): Promise<string[]>;
  clear(workspace: string, namespace: VectorNamespace): Promise<void>;
  /**
   * Resolves once this store's earlier writes are visible to its reads. Absent where writes
   * are read-your-writes (the local index); Vectorize applies mutations asynchronously.
   *
   * @example
   * await store.upsert(ws, "chunks", items); await store.settle?.(); await store.count(ws, "chunks");
   */
  settle?(): Promise<void>;
}
