/**
 * An in-memory Vectorize index for tests (Vectorize has no local simulator). It implements
 * the binding and list-vectors as src/storage/vectorize/binding.ts declares them and refuses
 * what Vectorize refuses, with the limits of docs/scaling.md (checked by
 * test/storage/vectorize-limits.test.ts). Mutations are queued and become visible `delayMs`
 * after they were sent, in order, as Vectorize applies them asynchronously; describe() reports
 * the last applied mutation. Scores are exact cosine (Vectorize's are approximate).
 *
 * Test-only: the dev server runs VECTOR_BACKEND=local, and a fake in src would ship in the bundle.
 */
import type {
  VectorizeBinding,
  VectorizeDescription,
  VectorizeLister,
  VectorizeListPage,
  VectorizeMatchRecord,
  VectorizeQueryOptions,
  VectorizeRecord,
} from "../../src/storage/vectorize/binding";
import { VECTORIZE_LIMITS, type VectorizeLimits } from "../../src/storage/vectorize/limits";

interface Stored {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: Record<string, unknown>;
}

interface Pending {
  id: string;
  createdAt: number;
  visibleAt: number;
  apply: () => void;
  /** Namespaces an upsert adds, counted before it is applied. */
  namespaces?: Set<string>;
}

export interface FakeVectorizeOptions {
  dimensions: number;
  /** Milliseconds before a mutation is visible (0: on the next call). */
  delayMs?: number;
  limits?: VectorizeLimits;
  now?: () => number;
}

const bytes = (text: string) => new TextEncoder().encode(text).byteLength;

export class FakeVectorizeIndex implements VectorizeBinding, VectorizeLister {
  readonly dimensions: number;
  readonly limits: VectorizeLimits;
  delayMs: number;
  private readonly now: () => number;
  private readonly vectors = new Map<string, Stored>();
  private readonly queue: Pending[] = [];
  private processedMutation: string | null = null;
  private processedAt = 0;
  private readonly snapshots = new Map<string, string[]>();
  /** Calls per method, for tests that count round trips. */
  readonly calls = { query: 0, upsert: 0, deleteByIds: 0, getByIds: 0, describe: 0, list: 0 };

  constructor(options: FakeVectorizeOptions) {
    this.dimensions = options.dimensions;
    this.delayMs = options.delayMs ?? 0;
    this.limits = options.limits ?? VECTORIZE_LIMITS;
    this.now = options.now ?? Date.now;
    if (this.dimensions > this.limits.dimensions)
      throw new Error(`index dimensions ${this.dimensions} exceed ${this.limits.dimensions}`);
  }

  /** Mutations sent but not yet visible. */
  get pendingCount(): number {
    this.catchUp();
    return this.queue.length;
  }

  /** Applies every queued mutation now (for tests that do not exercise the delay). */
  flush(): void {
    for (const pending of this.queue.splice(0)) this.applyOne(pending);
  }

  private applyOne(pending: Pending): void {
    pending.apply();
    this.processedMutation = pending.id;
    // Every mutation created up to this time is applied (mutations apply in order).
    this.processedAt = pending.createdAt;
  }

  private catchUp(): void {
    const now = this.now();
    while (this.queue[0] && this.queue[0].visibleAt <= now) this.applyOne(this.queue.shift() as Pending);
  }

  private enqueue(apply: () => void, namespaces?: Set<string>): { mutationId: string } {
    const id = crypto.randomUUID();
    const createdAt = this.now();
    this.queue.push({
      id,
      createdAt,
      visibleAt: createdAt + this.delayMs,
      apply,
      ...(namespaces && { namespaces }),
    });
    return { mutationId: id };
  }

  private namespaces(): Set<string> {
    const names = new Set<string>();
    for (const vector of this.vectors.values())
      if (vector.namespace !== undefined) names.add(vector.namespace);
    for (const pending of this.queue) for (const name of pending.namespaces ?? []) names.add(name);
    return names;
  }

  async describe(): Promise<VectorizeDescription> {
    this.calls.describe++;
    this.catchUp();
    return {
      dimensions: this.dimensions,
      vectorCount: this.vectors.size,
      processedUpToMutation: this.processedMutation,
      processedUpToDatetime: this.processedAt,
    };
  }

  async upsert(vectors: VectorizeRecord[]): Promise<{ mutationId: string }> {
    this.calls.upsert++;
    if (vectors.length > this.limits.upsertBatch)
      throw new Error(
        `VECTOR_UPSERT_ERROR: batch of ${vectors.length} exceeds ${this.limits.upsertBatch} vectors`,
      );
    const names = this.namespaces();
    const added = new Set<string>();
    const ids = new Set(this.vectors.keys());
    const copies: Stored[] = [];
    for (const vector of vectors) {
      if (bytes(vector.id) > this.limits.idBytes)
        throw new Error(`VECTOR_UPSERT_ERROR: id ${vector.id} is longer than ${this.limits.idBytes} bytes`);
      if (vector.values.length !== this.dimensions)
        throw new Error(
          `VECTOR_UPSERT_ERROR: vector dimension ${vector.values.length} does not match the index's ${this.dimensions}`,
        );
      if (vector.metadata !== undefined && bytes(JSON.stringify(vector.metadata)) > this.limits.metadataBytes)
        throw new Error(
          `VECTOR_UPSERT_ERROR: metadata of ${vector.id} exceeds ${this.limits.metadataBytes} bytes`,
        );
      if (vector.namespace !== undefined) {
        if (bytes(vector.namespace) > this.limits.namespaceBytes)
          throw new Error(`VECTOR_UPSERT_ERROR: namespace longer than ${this.limits.namespaceBytes} bytes`);
        if (!names.has(vector.namespace)) added.add(vector.namespace);
        names.add(vector.namespace);
        if (names.size > this.limits.namespacesPerIndex)
          throw new Error(
            `VECTOR_UPSERT_ERROR: more than ${this.limits.namespacesPerIndex} namespaces in the index`,
          );
      }
      copies.push({
        id: vector.id,
        values: Array.from(vector.values, (v) => Math.fround(v)),
        ...(vector.namespace !== undefined && { namespace: vector.namespace }),
        ...(vector.metadata !== undefined && { metadata: structuredClone(vector.metadata) }),
      });
      ids.add(vector.id);
      if (ids.size > this.limits.vectorsPerIndex)
        throw new Error(`VECTOR_UPSERT_ERROR: more than ${this.limits.vectorsPerIndex} vectors in the index`);
    }
    return this.enqueue(() => {
      for (const copy of copies) this.vectors.set(copy.id, copy);
    }, added);
  }

  async deleteByIds(ids: string[]): Promise<{ mutationId: string }> {
    this.calls.deleteByIds++;
    if (ids.length > this.limits.deleteBatch)
      throw new Error(`VECTOR_DELETE_ERROR: ${ids.length} ids exceed ${this.limits.deleteBatch}`);
    const copy = [...ids];
    return this.enqueue(() => {
      for (const id of copy) this.vectors.delete(id);
    });
  }

  async getByIds(ids: string[]): Promise<VectorizeRecord[]> {
    this.calls.getByIds++;
    if (ids.length > this.limits.getByIdsBatch)
      throw new Error(`VECTOR_GET_ERROR: ${ids.length} ids exceed ${this.limits.getByIdsBatch}`);
    this.catchUp();
    return ids.flatMap((id) => {
      const found = this.vectors.get(id);
      return found ? [structuredClone(found)] : [];
    });
  }

  async query(
    vector: Float32Array | Float64Array | number[],
    options: VectorizeQueryOptions = {},
  ): Promise<{ matches: VectorizeMatchRecord[]; count: number }> {
    this.calls.query++;
    const topK = options.topK ?? 5;
    const withMetadata = options.returnMetadata === true || options.returnMetadata === "all";
    const limit =
      options.returnValues || withMetadata
        ? this.limits.topKWithValuesOrMetadata
        : this.limits.topKWithoutValuesOrMetadata;
    if (topK > limit) throw new Error(`VECTOR_QUERY_ERROR: topK ${topK} exceeds ${limit}`);
    if (vector.length !== this.dimensions)
      throw new Error(
        `VECTOR_QUERY_ERROR: query dimension ${vector.length} does not match ${this.dimensions}`,
      );
    this.catchUp();
    const query = Array.from(vector);
    const scored = [...this.vectors.values()]
      .filter((stored) => options.namespace === undefined || stored.namespace === options.namespace)
      .map((stored) => ({ stored, score: cosine(query, stored.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    const matches = scored.map(({ stored, score }) => ({
      id: stored.id,
      score,
      ...(stored.namespace !== undefined && { namespace: stored.namespace }),
      ...(options.returnValues && { values: [...stored.values] }),
      ...(withMetadata && stored.metadata !== undefined && { metadata: structuredClone(stored.metadata) }),
    }));
    return { matches, count: matches.length };
  }

  /** list-vectors: pages of ids from a snapshot taken at the first page, as the REST API does. */
  async list({ count, cursor }: { count: number; cursor?: string }): Promise<VectorizeListPage> {
    this.calls.list++;
    if (count > this.limits.listPage)
      throw new Error(`list-vectors: count ${count} exceeds ${this.limits.listPage}`);
    let ids: string[];
    let offset = 0;
    if (cursor) {
      const [key, at] = cursor.split(":");
      const snapshot = this.snapshots.get(key ?? "");
      if (!snapshot) throw new Error("list-vectors: unknown or expired cursor");
      ids = snapshot;
      offset = Number(at);
    } else {
      this.catchUp();
      ids = [...this.vectors.keys()].sort();
    }
    const page = ids.slice(offset, offset + count);
    const next = offset + count;
    if (next >= ids.length) return { ids: page, nextCursor: null };
    const key = cursor?.split(":")[0] ?? crypto.randomUUID();
    this.snapshots.set(key, ids);
    return { ids: page, nextCursor: `${key}:${next}` };
  }
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

/**
 * The three indexes of one deployment, over fakes.
 *
 * @example
 * const fakes = fakeVectorizeIndexes({ dimensions: 64, delayMs: 5 });
 * const store = new VectorizeVectorStore(fakes.indexes, { pollMs: 1 });
 */
export function fakeVectorizeIndexes(options: FakeVectorizeOptions) {
  const entities = new FakeVectorizeIndex(options);
  const relations = new FakeVectorizeIndex(options);
  const chunks = new FakeVectorizeIndex(options);
  return {
    fakes: { entities, relations, chunks },
    indexes: {
      entities: { binding: entities, lister: entities },
      relations: { binding: relations, lister: relations },
      chunks: { binding: chunks, lister: chunks },
    },
  };
}
