/** VectorStore adapter over the local VectorIndex Durable Objects (one per workspace and namespace). */

import { durableObjectId } from "../durable-object-ids";
import type {
  VectorItem,
  VectorMatch,
  VectorNamespace,
  VectorPayload,
  VectorQuery,
  VectorStore,
} from "../vectors";
import type { VectorIndex } from "./vector-index";

/** Items per RPC call, to keep each call's payload small. */
const UPSERT_BATCH = 500;

export class LocalVectorStore implements VectorStore {
  constructor(private readonly namespace: DurableObjectNamespace<VectorIndex>) {}

  /** A fresh stub per call (a stub an exception broke is never reused); the id is kept per isolate. */
  private index(workspace: string, namespace: VectorNamespace): DurableObjectStub<VectorIndex> {
    return this.namespace.get(durableObjectId(this.namespace, `${workspace}:${namespace}`));
  }

  async upsert(workspace: string, namespace: VectorNamespace, items: VectorItem[]): Promise<void> {
    const index = this.index(workspace, namespace);
    for (let i = 0; i < items.length; i += UPSERT_BATCH) await index.upsert(items.slice(i, i + UPSERT_BATCH));
  }

  async delete(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.index(workspace, namespace).remove(ids);
  }

  async query(
    workspace: string,
    namespace: VectorNamespace,
    vector: Float32Array,
    query: VectorQuery,
  ): Promise<VectorMatch[]> {
    return this.index(workspace, namespace).query(
      vector,
      query.topK,
      query.threshold ?? Number.NEGATIVE_INFINITY,
    );
  }

  async score(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
  ): Promise<Float64Array> {
    if (ids.length === 0) return new Float64Array(0);
    // Aligned with the ids asked: no id string comes back over RPC to be read again.
    return this.index(workspace, namespace).score(ids, vector);
  }

  async payloads(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorPayload[]> {
    if (ids.length === 0) return [];
    const payloads = await this.index(workspace, namespace).payloads(ids);
    const found: VectorPayload[] = [];
    ids.forEach((id, at) => {
      const payload = payloads[at];
      if (payload != null) found.push({ id, payload });
    });
    return found;
  }

  async get(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorItem[]> {
    if (ids.length === 0) return [];
    return this.index(workspace, namespace).get(ids);
  }

  count(workspace: string, namespace: VectorNamespace): Promise<number> {
    return this.index(workspace, namespace).count();
  }

  ids(workspace: string, namespace: VectorNamespace): Promise<string[]> {
    return this.index(workspace, namespace).ids();
  }

  clear(workspace: string, namespace: VectorNamespace): Promise<void> {
    return this.index(workspace, namespace).clear();
  }
}
