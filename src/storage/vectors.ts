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

/** Which payloads `scoreAndRead` returns beside the scores. */
export interface PayloadPick {
  /** Per group, the payloads of its `top` best scored ids (score descending, ties by id). */
  groups: string[][];
  top: number;
  /** And the payloads of these ids, scored or not. */
  ids: string[];
}

export interface ScoredPayloads {
  matches: VectorMatch[];
  payloads: VectorPayload[];
}

/**
 * The ids whose payloads a `PayloadPick` asks for, given the scores (unscored ids of a group
 * are not picked; `pick.ids` always are).
 *
 * @example
 * pickedForPayload([{ id: "a", score: 0.9 }, { id: "b", score: 0.1 }], { groups: [["a", "b"]], top: 1, ids: ["c"] }); // ["a", "c"]
 */
export function pickedForPayload(matches: VectorMatch[], pick: PayloadPick): string[] {
  const scores = new Map(matches.map((match) => [match.id, match.score]));
  const picked = new Set<string>();
  for (const group of pick.groups) {
    const ranked = group
      .filter((id) => scores.has(id))
      .sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || (a < b ? -1 : 1));
    for (const id of ranked.slice(0, pick.top)) picked.add(id);
  }
  for (const id of pick.ids) picked.add(id);
  return [...picked];
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
   * Cosine similarity of `vector` to the stored vectors of `ids` (missing ids skipped, no
   * order), for re-ranking a known candidate set without shipping its vectors.
   */
  score(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
  ): Promise<VectorMatch[]>;
  /**
   * Stored payloads by id; ids missing or stored without one are skipped.
   *
   * @example
   * const found = await store.payloads(ws, "chunks", ["doc-1-chunk-000"]); // [{ id, payload }]
   */
  payloads(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorPayload[]>;
  /**
   * `score` and the payloads a caller will likely read next, in one round trip, where the
   * store keeps both together (the local index). Payloads returned: the `top` best scored ids
   * of each of `pick.groups` (`pickedForPayload`) and every id of `pick.ids`.
   *
   * @example
   * const { matches, payloads } = await store.scoreAndRead!(ws, "chunks", ids, q, { groups: [ids], top: 20, ids: [] });
   */
  scoreAndRead?(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
    pick: PayloadPick,
  ): Promise<ScoredPayloads>;
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
