/**
 * The slices of Vectorize the adapter uses: the Workers binding (V2 index, mutations applied
 * asynchronously) and list-vectors, which the binding lacks and the REST API offers. Declared
 * here, structurally, so the test fake and the real binding meet the same interface.
 */

/** A stored vector as the binding takes and returns it. */
export interface VectorizeRecord {
  id: string;
  values: Float32Array | Float64Array | number[];
  namespace?: string;
  metadata?: Record<string, unknown>;
}

export interface VectorizeQueryOptions {
  topK?: number;
  namespace?: string;
  returnValues?: boolean;
  returnMetadata?: boolean | "all" | "indexed" | "none";
}

export interface VectorizeMatchRecord {
  id: string;
  score: number;
  namespace?: string;
  values?: Float32Array | Float64Array | number[];
  metadata?: Record<string, unknown>;
}

/** What describe() returns; the mutation fields are typed loosely because the docs call the id a UUID. */
export interface VectorizeDescription {
  dimensions: number;
  vectorCount: number;
  processedUpToMutation: unknown;
  processedUpToDatetime: unknown;
}

/** The Workers binding of one Vectorize index (`Vectorize` in @cloudflare/workers-types). */
export interface VectorizeBinding {
  describe(): Promise<VectorizeDescription>;
  query(
    vector: Float32Array | Float64Array | number[],
    options?: VectorizeQueryOptions,
  ): Promise<{ matches: VectorizeMatchRecord[]; count: number }>;
  upsert(vectors: VectorizeRecord[]): Promise<{ mutationId: string }>;
  deleteByIds(ids: string[]): Promise<{ mutationId: string }>;
  getByIds(ids: string[]): Promise<VectorizeRecord[]>;
}

/** One page of list-vectors: ids of the whole index (every namespace), snapshot-consistent. */
export interface VectorizeListPage {
  ids: string[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** list-vectors for one index (`GET …/vectorize/v2/indexes/{name}/list`). */
export interface VectorizeLister {
  list(options: { count: number; cursor?: string }): Promise<VectorizeListPage>;
}
