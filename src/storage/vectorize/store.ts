/**
 * VectorStore adapter over three Vectorize indexes (entities, relations, chunks), one namespace
 * per workspace. Where each Vectorize limit bites:
 * - topK: `query` asks for ids and scores only, so it may ask for up to 100; a larger topK is
 *   clamped there. Values and metadata are read by `getByIds` in batches of 20 instead.
 * - ids ≤ 64 bytes and unique per index: see ids.ts (workspace prefix, hash of long ids).
 * - metadata ≤ 10 KiB: a payload that does not fit is dropped from the index; readers then
 *   get the chunk from the chunk table (rag/query/chunk-rows.ts already falls back).
 * - upsert ≤ 1,000 vectors per call: upserts and deletes are sent in such batches.
 * - 50,000 namespaces per index: one namespace per workspace; a refusal is rethrown naming it.
 * - asynchronous mutations: writes return before they are visible. Nothing here reads its own
 *   writes; `settle()` waits for this store's last mutations (describe().processedUpToMutation)
 *   and `lastMutation()` exposes their ids.
 * - fixed dimensions per index: a narrower vector is zero-padded, which keeps every cosine
 *   score unchanged; its own dimension is kept in metadata (`d`) so a namespace refuses a
 *   second dimension, as the local index does.
 * count, ids and clear page through list-vectors (the whole index) and keep the workspace's
 * prefix: maintenance paths (backups, purges, resets), not the query path.
 */
import {
  alignScores,
  VECTOR_NAMESPACES,
  type VectorItem,
  type VectorMatch,
  type VectorNamespace,
  type VectorPayload,
  type VectorQuery,
  type VectorStore,
} from "../vectors";
import type { VectorizeBinding, VectorizeLister, VectorizeRecord } from "./binding";
import { byteLength, localIdOf, storedId, workspacePrefix } from "./ids";
import { VECTORIZE_LIMITS } from "./limits";

/** One Vectorize index and its lister, per vector namespace. */
export type VectorizeIndexes = Record<
  VectorNamespace,
  { binding: VectorizeBinding; lister: VectorizeLister }
>;

export interface VectorizeStoreOptions {
  /** Pause between describe() polls in settle(). */
  pollMs?: number;
  /** settle() gives up (and throws) after this long. */
  settleTimeoutMs?: number;
}

/** The metadata kept beside each vector. */
interface StoredMetadata {
  /** The vector's own dimension (the index may be wider). */
  d: number;
  /** The local id, when the stored id is a hash. */
  i?: string;
  /** The payload, when it fits. */
  p?: string;
}

interface Mutation {
  id: string;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function metadataOf(record: { metadata?: Record<string, unknown> }): StoredMetadata | null {
  const m = record.metadata;
  if (!m || typeof m.d !== "number") return null;
  return {
    d: m.d,
    ...(typeof m.i === "string" && { i: m.i }),
    ...(typeof m.p === "string" && { p: m.p }),
  };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>, length: number): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}

export class VectorizeVectorStore implements VectorStore {
  private readonly dims = new Map<VectorNamespace, Promise<number>>();
  private readonly pending = new Map<VectorNamespace, Mutation>();
  private readonly pollMs: number;
  private readonly settleTimeoutMs: number;

  constructor(
    private readonly indexes: VectorizeIndexes,
    options: VectorizeStoreOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 250;
    this.settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  }

  /** The id of the last mutation this store sent to `namespace`'s index, if any. */
  lastMutation(namespace: VectorNamespace): string | null {
    return this.pending.get(namespace)?.id ?? null;
  }

  /**
   * Resolves once every mutation this store sent is applied (visible to reads).
   *
   * @example
   * await store.upsert(ws, "chunks", items); await store.settle(); await store.count(ws, "chunks");
   */
  async settle(): Promise<void> {
    const deadline = Date.now() + this.settleTimeoutMs;
    for (const namespace of VECTOR_NAMESPACES) {
      const mutation = this.pending.get(namespace);
      if (!mutation) continue;
      const { binding } = this.indexes[namespace];
      for (;;) {
        const info = await binding.describe();
        const upTo =
          typeof info.processedUpToDatetime === "number"
            ? info.processedUpToDatetime
            : Date.parse(String(info.processedUpToDatetime));
        // Mutations apply in order: ours is applied once it, or one created after it, is.
        if (String(info.processedUpToMutation) === mutation.id || upTo > mutation.at) break;
        if (Date.now() > deadline)
          throw new Error(
            `Vectorize ${namespace}: mutation ${mutation.id} not applied after ${this.settleTimeoutMs} ms`,
          );
        await sleep(this.pollMs);
      }
      if (this.pending.get(namespace) === mutation) this.pending.delete(namespace);
    }
  }

  private dimensions(namespace: VectorNamespace): Promise<number> {
    let dims = this.dims.get(namespace);
    if (!dims) {
      dims = this.indexes[namespace].binding.describe().then((info) => info.dimensions);
      dims.catch(() => this.dims.delete(namespace));
      this.dims.set(namespace, dims);
    }
    return dims;
  }

  private track(namespace: VectorNamespace, mutationId: string): void {
    this.pending.set(namespace, { id: mutationId, at: Date.now() });
  }

  /** `vector` zero-padded to the index's dimensions, scaled to unit length when `unit`. */
  private padded(vector: Float32Array, dims: number, unit = false): Float32Array {
    if (vector.length > dims)
      throw new Error(`vector dimension ${vector.length} exceeds the Vectorize index's ${dims} dimensions`);
    const out = new Float32Array(dims);
    out.set(vector);
    if (unit) {
      // Stored unit-length, as the local index stores them: get() returns the same vectors on both.
      let norm = 0;
      for (const value of vector) norm += value * value;
      if (norm > 0) for (let i = 0; i < vector.length; i++) out[i] = (out[i] as number) / Math.sqrt(norm);
    }
    return out;
  }

  /** The dimension of the vectors already in the namespace, or null when it has none visible. */
  private async storedDimension(
    workspace: string,
    namespace: VectorNamespace,
    dims: number,
  ): Promise<number | null> {
    const probe = new Float32Array(dims);
    probe[0] = 1;
    // Metadata costs the lower topK limit (20); one match is all this needs.
    const { matches } = await this.indexes[namespace].binding.query(probe, {
      topK: 1,
      namespace: workspace,
      returnMetadata: "all",
    });
    const first = matches[0];
    return first ? (metadataOf(first)?.d ?? null) : null;
  }

  async upsert(workspace: string, namespace: VectorNamespace, items: VectorItem[]): Promise<void> {
    if (items.length === 0) return;
    const dims = await this.dimensions(namespace);
    const dimension = items[0]?.vector.length ?? 0;
    if (items.some((item) => item.vector.length !== dimension))
      throw new Error("vector dimension differs within one upsert");
    const existing = await this.storedDimension(workspace, namespace, dims);
    if (existing !== null && existing !== dimension)
      throw new Error(`vector dimension ${dimension} does not match the namespace's ${existing}`);
    const prefix = await workspacePrefix(workspace);
    const records: VectorizeRecord[] = [];
    for (const item of items) {
      const id = await storedId(workspace, item.id, prefix);
      const metadata: StoredMetadata = { d: dimension };
      if (localIdOf(id, prefix) === null) metadata.i = item.id;
      if (item.payload !== undefined) {
        const withPayload = { ...metadata, p: item.payload };
        // Over 10 KiB the payload stays out of the index; readers fall back to the chunk table.
        if (byteLength(JSON.stringify(withPayload)) <= VECTORIZE_LIMITS.metadataBytes)
          metadata.p = item.payload;
      }
      records.push({
        id,
        values: this.padded(item.vector, dims, true),
        namespace: workspace,
        metadata: { ...metadata },
      });
    }
    const { binding } = this.indexes[namespace];
    for (const batch of chunked(records, VECTORIZE_LIMITS.upsertBatch)) {
      try {
        this.track(namespace, (await binding.upsert(batch)).mutationId);
      } catch (error) {
        if (/namespace/i.test(String(error)))
          throw new Error(
            `Vectorize ${namespace}: cannot add namespace ${workspace} (at most ${VECTORIZE_LIMITS.namespacesPerIndex} per index): ${String(error)}`,
          );
        throw error;
      }
    }
  }

  async delete(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const prefix = await workspacePrefix(workspace);
    const stored = await Promise.all(ids.map((id) => storedId(workspace, id, prefix)));
    await this.deleteStored(namespace, stored);
  }

  private async deleteStored(namespace: VectorNamespace, stored: string[]): Promise<void> {
    const { binding } = this.indexes[namespace];
    for (const batch of chunked(stored, VECTORIZE_LIMITS.deleteBatch))
      this.track(namespace, (await binding.deleteByIds(batch)).mutationId);
  }

  async query(
    workspace: string,
    namespace: VectorNamespace,
    vector: Float32Array,
    query: VectorQuery,
  ): Promise<VectorMatch[]> {
    const dims = await this.dimensions(namespace);
    // Ids and scores only: the higher topK limit applies; a larger topK cannot be served.
    const topK = Math.min(Math.max(1, Math.floor(query.topK)), VECTORIZE_LIMITS.topKWithoutValuesOrMetadata);
    const { matches } = await this.indexes[namespace].binding.query(this.padded(vector, dims), {
      topK,
      namespace: workspace,
      returnValues: false,
      returnMetadata: "none",
    });
    const threshold = query.threshold ?? Number.NEGATIVE_INFINITY;
    const kept = matches.filter((match) => match.score >= threshold);
    const prefix = await workspacePrefix(workspace);
    const hashed = kept.filter((match) => localIdOf(match.id, prefix) === null).map((match) => match.id);
    const names = new Map<string, string>();
    for (const record of await this.read(namespace, hashed)) {
      const local = metadataOf(record)?.i;
      if (local) names.set(record.id, local);
    }
    const out: VectorMatch[] = [];
    for (const match of kept) {
      const id = localIdOf(match.id, prefix) ?? names.get(match.id);
      if (id !== undefined) out.push({ id, score: match.score });
    }
    // Vectorize promises no order among equal scores; the local index and pgvector give them by
    // id, and the engine's token budgets keep a prefix, so the same order gives the same answer.
    return out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * getByIds in batches of the with-values limit, a few at once: `score` re-ranks hundreds of
   * candidate chunks on the query path, and one batch after another would add up.
   */
  private async read(namespace: VectorNamespace, stored: string[]): Promise<VectorizeRecord[]> {
    const out: VectorizeRecord[] = [];
    const { binding } = this.indexes[namespace];
    const batches = chunked(stored, VECTORIZE_LIMITS.getByIdsBatch);
    // Six: a Worker's limit of simultaneous open connections.
    for (const wave of chunked(batches, 6))
      for (const records of await Promise.all(wave.map((batch) => binding.getByIds(batch))))
        out.push(...records);
    return out;
  }

  /** Stored records of `ids` in `workspace`, with their local ids. */
  private async records(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
  ): Promise<{ id: string; record: VectorizeRecord; metadata: StoredMetadata }[]> {
    if (ids.length === 0) return [];
    const prefix = await workspacePrefix(workspace);
    const byStored = new Map<string, string>();
    for (const id of ids) byStored.set(await storedId(workspace, id, prefix), id);
    const out: { id: string; record: VectorizeRecord; metadata: StoredMetadata }[] = [];
    for (const record of await this.read(namespace, [...byStored.keys()])) {
      const id = byStored.get(record.id);
      const metadata = metadataOf(record);
      if (id === undefined || !metadata || (record.namespace ?? workspace) !== workspace) continue;
      out.push({ id, record, metadata });
    }
    return out;
  }

  async score(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
  ): Promise<Float64Array> {
    const found = await this.records(workspace, namespace, ids);
    return alignScores(
      ids,
      found.map(({ id, record, metadata }) => ({
        id,
        score: cosine(record.values, vector, Math.max(metadata.d, vector.length)),
      })),
    );
  }

  async payloads(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorPayload[]> {
    return (await this.records(workspace, namespace, ids)).flatMap(({ id, metadata }) =>
      metadata.p === undefined ? [] : [{ id, payload: metadata.p }],
    );
  }

  async get(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorItem[]> {
    return (await this.records(workspace, namespace, ids)).map(({ id, record, metadata }) => ({
      id,
      vector: Float32Array.from(Array.from(record.values).slice(0, metadata.d)),
      ...(metadata.p !== undefined && { payload: metadata.p }),
    }));
  }

  /** Stored ids of `workspace`: every list-vectors page, kept by the workspace's prefix. */
  private async storedIds(
    workspace: string,
    namespace: VectorNamespace,
  ): Promise<{ prefix: string; ids: string[] }> {
    const prefix = await workspacePrefix(workspace);
    const { lister } = this.indexes[namespace];
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await lister.list({ count: VECTORIZE_LIMITS.listPage, ...(cursor && { cursor }) });
      for (const id of page.ids) if (id.startsWith(prefix)) ids.push(id);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { prefix, ids };
  }

  async count(workspace: string, namespace: VectorNamespace): Promise<number> {
    return (await this.storedIds(workspace, namespace)).ids.length;
  }

  async ids(workspace: string, namespace: VectorNamespace): Promise<string[]> {
    const { prefix, ids } = await this.storedIds(workspace, namespace);
    const out: string[] = [];
    const hashed: string[] = [];
    for (const id of ids) {
      const local = localIdOf(id, prefix);
      if (local === null) hashed.push(id);
      else out.push(local);
    }
    for (const record of await this.read(namespace, hashed)) {
      const local = metadataOf(record)?.i;
      if (local) out.push(local);
    }
    return out;
  }

  async clear(workspace: string, namespace: VectorNamespace): Promise<void> {
    const { ids } = await this.storedIds(workspace, namespace);
    if (ids.length > 0) await this.deleteStored(namespace, ids);
  }
}
