/** Batched embeddings and LightRAG's vector contents for entities, relations and chunks. */
import type { EmbeddingClient } from "../providers/types";
import type { EntityRecord, RelationRecord } from "../storage/graph";
import { mapLimit } from "./pool";

/** LightRAG's entity vector content. */
export const entityContent = (entity: EntityRecord) => `${entity.name}\n${entity.description}`;

/** LightRAG's relation vector content. */
export const relationContent = (relation: RelationRecord) =>
  `${relation.keywords}\t${relation.src}\n${relation.tgt}\n${relation.description}`;

/**
 * Embeds `texts` in batches of `batchSize`, at most `concurrency` batches in flight.
 *
 * @example
 * const vectors = await embedAll(embeddings, "default", texts, 32, 8);
 */
export async function embedAll(
  client: EmbeddingClient,
  workspace: string,
  texts: string[],
  batchSize: number,
  concurrency: number,
): Promise<Float32Array[]> {
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += batchSize) batches.push(texts.slice(i, i + batchSize));
  const results = await mapLimit(batches, concurrency, (batch) => client.embed({ texts: batch, workspace }));
  return results.flat();
}
