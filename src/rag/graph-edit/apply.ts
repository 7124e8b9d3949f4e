/**
 * The one write of every manual graph edit: a change of live source rows (whole entities or
 * relations dropped, rows added or replaced), then the same fold, vectors and single commit a
 * document merge uses (`../knowledge.ts`). The graph stays a pure function of the live
 * sources, so a later merge or document deletion recomputes edited nodes from the manual row
 * plus whatever documents still say. Callers serialise it with merges (the coordinator).
 */
import type { EntitySource, RelationSource } from "../../storage/extractions";
import type { EdgeKey, EntityRecord, RelationRecord } from "../../storage/graph";
import { writeVectors } from "../knowledge";
import { foldEntity, foldRelation } from "../merge/fold";
import { mapLimit } from "../pool";
import { entityLine, relationLine } from "../query/context";
import { loadTokenizer } from "../tokenizer";
import type { RagDeps } from "../types";

export interface SourceChange {
  /** Entities whose live sources are all dropped before `addEntities` apply. */
  removeEntities?: string[];
  /** Relations whose live sources are all dropped before `addRelations` apply. */
  removeRelations?: EdgeKey[];
  /** Rows added, or replacing the row of the same (name, chunk). */
  addEntities?: EntitySource[];
  /** Rows added, or replacing the row of the same (pair, chunk). */
  addRelations?: RelationSource[];
}

export interface AppliedChange {
  entities: Map<string, EntityRecord>;
  relations: Map<string, RelationRecord>;
}

/** Key of a relation pair in maps. */
export const pairKey = (pair: EdgeKey) => `${pair.src}\u0000${pair.tgt}`;

/**
 * Applies `change` and rebuilds every entity and relation it touches; returns their new
 * records (a key missing from the maps was deleted: no live source left).
 *
 * @example
 * await applySourceChange(deps, "default", { addEntities: [manualEntity("Ada", { description: "x" })] });
 */
export async function applySourceChange(
  deps: RagDeps,
  workspace: string,
  change: SourceChange,
): Promise<AppliedChange> {
  const { stores, settings } = deps;
  const removedNames = new Set(change.removeEntities ?? []);
  const removedPairs = new Set((change.removeRelations ?? []).map(pairKey));
  const names = [...new Set([...removedNames, ...(change.addEntities ?? []).map((s) => s.name)])];
  const pairMap = new Map<string, EdgeKey>();
  for (const pair of [...(change.removeRelations ?? []), ...(change.addRelations ?? [])])
    pairMap.set(pairKey(pair), { src: pair.src, tgt: pair.tgt });
  const pairs = [...pairMap.values()];

  const [liveEntities, liveRelations, tokenizer] = await Promise.all([
    stores.extractions.entitySources(workspace, names),
    stores.extractions.relationSources(workspace, pairs),
    loadTokenizer(),
  ]);
  // Keyed by primary key so an added row replaces the stored one, as the commit's upsert does.
  const entityRows = new Map<string, EntitySource>();
  for (const row of liveEntities.filter((s) => !removedNames.has(s.name)))
    entityRows.set(`${row.name}\u0000${row.chunkId}`, row);
  for (const row of change.addEntities ?? []) entityRows.set(`${row.name}\u0000${row.chunkId}`, row);
  const relationRows = new Map<string, RelationSource>();
  for (const row of liveRelations.filter((s) => !removedPairs.has(pairKey(s))))
    relationRows.set(`${pairKey(row)}\u0000${row.chunkId}`, row);
  for (const row of change.addRelations ?? []) relationRows.set(`${pairKey(row)}\u0000${row.chunkId}`, row);

  const byName = group([...entityRows.values()], (s) => s.name);
  const byPair = group([...relationRows.values()], pairKey);
  const existing = new Map(
    (await stores.graph.getEntities(workspace, names)).map((entity) => [entity.name, entity.createdAt]),
  );
  const existingEdges = new Map(
    (await stores.graph.getRelations(workspace, pairs)).map((edge) => [pairKey(edge), edge.createdAt]),
  );
  const context = { llm: deps.llm, tokenizer, settings, workspace };
  const now = Math.floor(Date.now() / 1000);
  const folded = await mapLimit(
    names.filter((name) => byName.has(name)),
    settings.llmConcurrency,
    (name) => foldEntity(context, name, byName.get(name) ?? [], existing.get(name) ?? now),
  );
  const foldedEdges = await mapLimit(
    pairs.filter((pair) => byPair.has(pairKey(pair))),
    settings.llmConcurrency,
    (pair) =>
      foldRelation(
        context,
        pair.src,
        pair.tgt,
        byPair.get(pairKey(pair)) ?? [],
        existingEdges.get(pairKey(pair)) ?? now,
      ),
  );
  const upsertEntities = folded.map(({ entity }) => ({
    ...entity,
    lineTokens: tokenizer.count(entityLine(entity)),
  }));
  const upsertRelations = foldedEdges.map(({ relation }) => ({
    ...relation,
    lineTokens: tokenizer.count(relationLine(relation)),
  }));
  const deleteEntities = names.filter((name) => !byName.has(name));
  const deleteRelations = pairs.filter((pair) => !byPair.has(pairKey(pair)));

  await writeVectors(deps, workspace, upsertEntities, upsertRelations, deleteEntities, deleteRelations);
  await stores.writer.commit(workspace, {
    docIds: [],
    removeEntitySources: [...removedNames],
    removeRelationSources: (change.removeRelations ?? []).map(({ src, tgt }) => ({ src, tgt })),
    entitySources: change.addEntities ?? [],
    relationSources: change.addRelations ?? [],
    graph: { upsertEntities, deleteEntities, upsertRelations, deleteRelations },
  });
  return {
    entities: new Map(upsertEntities.map((entity) => [entity.name, entity])),
    relations: new Map(upsertRelations.map((relation) => [pairKey(relation), relation])),
  };
}

function group<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
