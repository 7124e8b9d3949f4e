/**
 * Durable Object ids by name, kept per isolate: `idFromName` hashes the name (SHA-256) on every
 * call, and a query reaches the same few objects (its workspace's indexes) request after request.
 * An id is plain data, valid in any request; stubs are not kept, they belong to one request.
 */
import { BoundedMemo } from "../bounded-memo";

/** Names kept per namespace before its memo starts over (workspaces × namespaces, rate-limit keys). */
const MAX_NAMES = 10_000;

const memos = new WeakMap<object, BoundedMemo<DurableObjectId>>();

/**
 * `namespace.idFromName(name)`, computed once per isolate.
 *
 * @example
 * const stub = env.GRAPH_INDEX.get(durableObjectId(env.GRAPH_INDEX, workspace));
 */
export function durableObjectId<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  name: string,
): DurableObjectId {
  let memo = memos.get(namespace);
  if (!memo) {
    memo = new BoundedMemo(MAX_NAMES);
    memos.set(namespace, memo);
  }
  return memo.get(name, () => namespace.idFromName(name));
}
