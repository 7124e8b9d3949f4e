/**
 * The chunks retrieval keeps, read from the chunk vector index's payloads (the index a query
 * has already asked, a Durable Object beside it) and only for chunks without one from the
 * chunk table (D1): data written before payloads existed, or an index restored without them.
 */
import { decodeChunkPayload, type PayloadChunk } from "../chunk-payload";
import type { QueryDeps } from "./types";

/**
 * Chunks of `ids` (missing ids skipped, no order).
 *
 * @example
 * const records = await chunkRows(deps, "default", ["doc-1-chunk-000"]);
 */
export async function chunkRows(deps: QueryDeps, workspace: string, ids: string[]): Promise<PayloadChunk[]> {
  if (ids.length === 0) return [];
  const records: PayloadChunk[] = [];
  for (const { id, payload } of await deps.vectors.payloads(workspace, "chunks", ids)) {
    const record = decodeChunkPayload(id, payload);
    if (record) records.push(record);
  }
  if (records.length === ids.length) return records;
  const found = new Set(records.map((record) => record.id));
  const missing = ids.filter((id) => !found.has(id));
  return [...records, ...(await deps.chunks.get(workspace, missing))];
}
