/**
 * Applies documents to the graph and takes them away again. Every operation is the same
 * rebuild: find the entities and relations the documents touch, recompute each from its
 * live sources (plus the documents' own extraction results when merging), write vectors,
 * then commit sources, graph and status in one transaction. Replaying it is harmless, and a
 * batch delete is one rebuild whatever the number of documents. Callers serialise these per
 * workspace (the coordinator Durable Object).
 */
import type { DocStatus } from "../storage/documents";
import type { ChunkExtraction, EntitySource, RelationSource } from "../storage/extractions";
import { type EdgeKey, type EntityRecord, edgeKey, type RelationRecord } from "../storage/graph";
import { entityVectorId, relationVectorId } from "../storage/vector-ids";
import { embedAll, entityContent, relationContent } from "./embeddings";
import { foldEntity, foldRelation } from "./merge/fold";
import { mapLimit } from "./pool";
import { entityLine, relationLine } from "./query/context";
import { loadTokenizer } from "./tokenizer";
import type { RagDeps } from "./types";

export type RebuildMode = "merge" | "unmerge" | "delete";

export interface RebuildReport {
  entities: number;
  relations: number;
  deletedEntities: number;
  deletedRelations: number;
  llmCalls: number;
}

const pairKey = (pair: EdgeKey) => `${pair.src}\u0000${pair.tgt}`;

/** Live source rows of one chunk's extraction result. */
export function sourcesOf(result: ChunkExtraction): {
  entities: EntitySource[];
  relations: RelationSource[];
} {
  const base = { chunkId: result.chunkId, docId: result.docId, filePath: result.filePath };
  return {
    entities: result.entities.map((entity) => ({
      ...base,
      name: entity.name,
      type: entity.type,
      description: entity.description,
    })),
    relations: result.relations.map((relation) => ({
      ...base,
      ...edgeKey(relation.source, relation.target),
      keywords: relation.keywords,
      description: relation.description,
      weight: relation.weight,
    })),
  };
}

/**
 * Rebuilds what `docIds` touch. `merge` adds their stored extraction results as live sources
 * and marks them processed; `unmerge` removes their sources and marks them failed with
 * `error`; `delete` removes sources, chunks, vectors and the documents themselves. Documents
 * that no longer exist when a merge or unmerge comes are deleted instead.
 *
 * @example
 * await rebuild(deps, "default", ["doc-1", "doc-2"], "delete");
 */
export async function rebuild(
  deps: RagDeps,
  workspace: string,
  docIds: string[],
  mode: RebuildMode,
  error?: string,
): Promise<RebuildReport> {
  if (docIds.length === 0) return EMPTY_REPORT;
  if (mode !== "delete") {
    // A document deleted while it was being processed: its chunks, vectors and extraction
    // results written after the deletion must go too, not reach the graph.
    const present = new Set((await deps.stores.documents.get(workspace, docIds)).map((doc) => doc.id));
    const vanished = docIds.filter((id) => !present.has(id));
    if (vanished.length > 0) {
      const cleanup = await rebuild(deps, workspace, vanished, "delete");
      const rest = await rebuild(
        deps,
        workspace,
        docIds.filter((id) => present.has(id)),
        mode,
        error,
      );
      return addReports(cleanup, rest);
    }
  }
  return rebuildPresent(deps, workspace, docIds, mode, error);
}

const EMPTY_REPORT: RebuildReport = {
  entities: 0,
  relations: 0,
  deletedEntities: 0,
  deletedRelations: 0,
  llmCalls: 0,
};

function addReports(a: RebuildReport, b: RebuildReport): RebuildReport {
  return {
    entities: a.entities + b.entities,
    relations: a.relations + b.relations,
    deletedEntities: a.deletedEntities + b.deletedEntities,
    deletedRelations: a.deletedRelations + b.deletedRelations,
    llmCalls: a.llmCalls + b.llmCalls,
  };
}

async function rebuildPresent(
  deps: RagDeps,
  workspace: string,
  docIds: string[],
  mode: RebuildMode,
  error?: string,
): Promise<RebuildReport> {
  const { stores, settings } = deps;
  const [results, touched, tokenizer] = await Promise.all([
    stores.extractions.resultsByDocuments(workspace, docIds),
    stores.extractions.touchedBy(workspace, docIds),
    loadTokenizer(),
  ]);
  const added = mode === "merge" ? results.map(sourcesOf) : [];
  const newEntitySources = added.flatMap((source) => source.entities);
  const newRelationSources = added.flatMap((source) => source.relations);
  // Names and pairs from the results too: an interrupted merge may have left their vectors.
  const names = [...new Set([...touched.names, ...results.flatMap((r) => r.entities.map((e) => e.name))])];
  const pairMap = new Map<string, EdgeKey>();
  for (const pair of [...touched.pairs, ...results.flatMap((r) => sourcesOf(r).relations)]) {
    pairMap.set(pairKey(pair), { src: pair.src, tgt: pair.tgt });
  }
  const pairs = [...pairMap.values()];
  const leaving = new Set(docIds);
  const [liveEntities, liveRelations] = await Promise.all([
    stores.extractions.entitySources(workspace, names),
    stores.extractions.relationSources(workspace, pairs),
  ]);
  const entitySources = groupBy(
    [...liveEntities.filter((s) => !leaving.has(s.docId)), ...newEntitySources],
    (s) => s.name,
  );
  const relationSources = groupBy(
    [...liveRelations.filter((s) => !leaving.has(s.docId)), ...newRelationSources],
    pairKey,
  );

  const context = { llm: deps.llm, tokenizer, settings, workspace };
  const now = Math.floor(Date.now() / 1000);
  let llmCalls = 0;
  const deleteEntities = names.filter((name) => !entitySources.has(name));
  const deleteRelations = pairs.filter((pair) => !relationSources.has(pairKey(pair)));
  // Folds run side by side: with an LLM, summaries then share LLM_MAX_ASYNC slots.
  const foldedEntities = await mapLimit(
    names.filter((name) => entitySources.has(name)),
    settings.llmConcurrency,
    (name) => foldEntity(context, name, entitySources.get(name) ?? [], now),
  );
  const foldedRelations = await mapLimit(
    pairs.filter((pair) => relationSources.has(pairKey(pair))),
    settings.llmConcurrency,
    (pair) => foldRelation(context, pair.src, pair.tgt, relationSources.get(pairKey(pair)) ?? [], now),
  );
  // Each record carries the token count of its query-context line, so queries need not count it.
  const upsertEntities: EntityRecord[] = foldedEntities.map(({ entity }) => ({
    ...entity,
    lineTokens: tokenizer.count(entityLine(entity)),
  }));
  const upsertRelations: RelationRecord[] = foldedRelations.map(({ relation }) => ({
    ...relation,
    lineTokens: tokenizer.count(relationLine(relation)),
  }));
  for (const folded of [...foldedEntities, ...foldedRelations]) llmCalls += folded.llmCalls;

  await writeVectors(deps, workspace, upsertEntities, upsertRelations, deleteEntities, deleteRelations);
  if (mode === "delete") await deleteChunkVectors(deps, workspace, docIds);

  const status: DocStatus = mode === "merge" ? "processed" : "failed";
  await stores.writer.commit(workspace, {
    docIds,
    entitySources: newEntitySources,
    relationSources: newRelationSources,
    graph: { upsertEntities, deleteEntities, upsertRelations, deleteRelations },
    status:
      mode === "delete" ? undefined : { status, errorMsg: mode === "unmerge" ? (error ?? "failed") : null },
    deleteDocuments: mode === "delete",
  });
  return {
    entities: upsertEntities.length,
    relations: upsertRelations.length,
    deletedEntities: deleteEntities.length,
    deletedRelations: deleteRelations.length,
    llmCalls,
  };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Embeds the upserted nodes and edges and drops the vectors of the deleted ones. */
export async function writeVectors(
  deps: RagDeps,
  workspace: string,
  entities: EntityRecord[],
  relations: RelationRecord[],
  deletedEntities: string[],
  deletedRelations: EdgeKey[],
): Promise<void> {
  const { embeddings, stores, settings } = deps;
  const texts = [...entities.map(entityContent), ...relations.map(relationContent)];
  const vectors = await embedAll(
    embeddings,
    workspace,
    texts,
    settings.embeddingBatch,
    settings.embeddingConcurrency,
  );
  const entityItems = entities.map((entity, i) => ({
    id: entityVectorId(entity.name),
    vector: vectors[i] as Float32Array,
  }));
  const relationItems = relations.map((relation, i) => ({
    id: relationVectorId(relation.src, relation.tgt),
    vector: vectors[entities.length + i] as Float32Array,
  }));
  await Promise.all([
    stores.vectors.upsert(workspace, "entities", entityItems),
    stores.vectors.upsert(workspace, "relations", relationItems),
    stores.vectors.delete(workspace, "entities", deletedEntities.map(entityVectorId)),
    stores.vectors.delete(
      workspace,
      "relations",
      deletedRelations.map((pair) => relationVectorId(pair.src, pair.tgt)),
    ),
  ]);
}

async function deleteChunkVectors(deps: RagDeps, workspace: string, docIds: string[]): Promise<void> {
  const docs = await deps.stores.documents.get(workspace, docIds);
  const ids = new Set(docs.flatMap((doc) => doc.chunksList));
  for (const docId of docIds)
    for (const chunk of await deps.stores.chunks.byDocument(workspace, docId)) ids.add(chunk.id);
  await deps.stores.vectors.delete(workspace, "chunks", [...ids]);
}
