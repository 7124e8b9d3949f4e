/**
 * LightRAG's graph-editing operations (create, edit, rename, merge, delete of entities and
 * relations) as changes of live source rows applied by `applySourceChange`. What an edit sets
 * is kept in the entity's or relation's manual source row (`./manual.ts`), so it wins over
 * later merges and keeps the node alive when its documents are deleted.
 *
 * Deleting an entity or relation drops all its live sources, manual and extracted alike: it
 * is gone until a document merged later mentions it again, which brings it back from that
 * document alone (deleting documents merged earlier does not revive it; reprocessing one,
 * which merges its stored extraction again, does). Renames and merges move live sources the
 * same way, so reprocessing a document also brings back the names it extracted.
 */
import type { EntitySource, RelationSource } from "../../storage/extractions";
import { type EdgeKey, type EntityRecord, edgeKey, type RelationRecord } from "../../storage/graph";
import { type RagDeps, RagError } from "../types";
import { applySourceChange, pairKey, type SourceChange } from "./apply";
import {
  type EntityFields,
  isManual,
  manualEntity,
  manualRelation,
  type RelationFields,
  UNSET_WEIGHT,
} from "./manual";

/** One edit, as the coordinator receives it (plain data: it crosses a Durable Object call). */
export type GraphEdit =
  | { op: "create_entity"; name: string; fields: EntityFields }
  | {
      op: "edit_entity";
      name: string;
      fields: EntityFields;
      newName?: string;
      allowRename: boolean;
      allowMerge: boolean;
    }
  | { op: "create_relation"; source: string; target: string; fields: RelationFields }
  | { op: "edit_relation"; source: string; target: string; fields: RelationFields }
  | { op: "merge_entities"; sources: string[]; target: string }
  | { op: "delete_entity"; name: string }
  | { op: "delete_relation"; source: string; target: string };

export interface GraphEditResult {
  entity?: EntityRecord;
  relation?: RelationRecord;
  /** For renames and merges: whether entities were merged and which one remains. */
  merged?: boolean;
  renamed?: boolean;
  /** Entities and relations removed (deletes and merges). */
  deletedEntities?: number;
  deletedRelations?: number;
}

/**
 * Runs one graph edit; throws RagError `bad_input` (LightRAG's 400) or `not_found` (404).
 *
 * @example
 * await runGraphEdit(deps, "default", { op: "create_entity", name: "Ada", fields: { description: "x" } });
 */
export async function runGraphEdit(
  deps: RagDeps,
  workspace: string,
  edit: GraphEdit,
): Promise<GraphEditResult> {
  switch (edit.op) {
    case "create_entity":
      return createEntity(deps, workspace, edit.name, edit.fields);
    case "edit_entity":
      return editEntity(deps, workspace, edit);
    case "create_relation":
      return createRelation(deps, workspace, edit.source, edit.target, edit.fields);
    case "edit_relation":
      return editRelation(deps, workspace, edit.source, edit.target, edit.fields);
    case "merge_entities":
      return mergeEntities(deps, workspace, edit.sources, edit.target);
    case "delete_entity":
      return deleteEntity(deps, workspace, edit.name);
    case "delete_relation":
      return deleteRelation(deps, workspace, edit.source, edit.target);
  }
}

async function entityExists(deps: RagDeps, workspace: string, name: string): Promise<boolean> {
  return (await deps.stores.graph.getEntities(workspace, [name])).length > 0;
}

async function relationExists(deps: RagDeps, workspace: string, pair: EdgeKey): Promise<boolean> {
  return (await deps.stores.graph.getRelations(workspace, [pair])).length > 0;
}

async function requireEntity(deps: RagDeps, workspace: string, name: string): Promise<void> {
  if (!(await entityExists(deps, workspace, name)))
    throw new RagError("bad_input", `Entity '${name}' does not exist`);
}

async function createEntity(
  deps: RagDeps,
  workspace: string,
  name: string,
  fields: EntityFields,
): Promise<GraphEditResult> {
  if (await entityExists(deps, workspace, name))
    throw new RagError("bad_input", `Entity '${name}' already exists`);
  const applied = await applySourceChange(deps, workspace, { addEntities: [manualEntity(name, fields)] });
  return { entity: applied.entities.get(name) };
}

async function manualEntityRow(
  deps: RagDeps,
  workspace: string,
  name: string,
): Promise<EntitySource | undefined> {
  return (await deps.stores.extractions.entitySources(workspace, [name])).find(isManual);
}

async function editEntity(
  deps: RagDeps,
  workspace: string,
  edit: Extract<GraphEdit, { op: "edit_entity" }>,
): Promise<GraphEditResult> {
  const { name, fields } = edit;
  await requireEntity(deps, workspace, name);
  const newName = edit.newName?.trim();
  if (newName === undefined || newName === name) {
    const previous = await manualEntityRow(deps, workspace, name);
    const applied = await applySourceChange(deps, workspace, {
      addEntities: [manualEntity(name, fields, previous)],
    });
    return { entity: applied.entities.get(name), merged: false, renamed: false };
  }
  if (newName === "") throw new RagError("bad_input", "Entity name cannot be empty");
  if (!edit.allowRename)
    throw new RagError(
      "bad_input",
      "Entity renaming is not allowed. Set allow_rename=true to enable this feature",
    );
  const targetExists = await entityExists(deps, workspace, newName);
  if (targetExists && !edit.allowMerge)
    throw new RagError(
      "bad_input",
      `Entity name '${newName}' already exists, cannot rename. Set allow_merge=true to merge into it`,
    );
  // The edited fields belong to the entity being renamed: they land on the new name's manual
  // row unless the target already had its own value (the target's manual edits win a merge).
  const change = await moveSources(deps, workspace, [name], newName, fields);
  const applied = await applySourceChange(deps, workspace, change);
  return { entity: applied.entities.get(newName), merged: targetExists, renamed: true, deletedEntities: 1 };
}

async function mergeEntities(
  deps: RagDeps,
  workspace: string,
  sources: string[],
  target: string,
): Promise<GraphEditResult> {
  const from = [...new Set(sources)].filter((name) => name !== target);
  if (from.length === 0)
    throw new RagError("bad_input", "entities_to_change must name an entity other than the target");
  const found = new Set((await deps.stores.graph.getEntities(workspace, from)).map((e) => e.name));
  const missing = from.find((name) => !found.has(name));
  if (missing !== undefined) throw new RagError("bad_input", `Source entity '${missing}' does not exist`);
  const applied = await applySourceChange(
    deps,
    workspace,
    await moveSources(deps, workspace, from, target, {}),
  );
  return { entity: applied.entities.get(target), merged: true, deletedEntities: from.length };
}

/**
 * The change that moves every live source of `from` (entities and incident relations) to
 * `to`. Where `to` already has a row for the same chunk, its own row stays; edges between
 * merged entities would become self-loops and are dropped (as LightRAG does).
 */
async function moveSources(
  deps: RagDeps,
  workspace: string,
  from: string[],
  to: string,
  fields: EntityFields,
): Promise<SourceChange> {
  const { extractions, graph } = deps.stores;
  const rename = (name: string) => (from.includes(name) ? to : name);
  const [moving, kept, edges] = await Promise.all([
    extractions.entitySources(workspace, from),
    extractions.entitySources(workspace, [to]),
    graph.relationsOf(workspace, from),
  ]);
  const keptChunks = new Set(kept.map((row) => row.chunkId));
  const addEntities: EntitySource[] = [];
  for (const row of moving) {
    if (isManual(row) || keptChunks.has(row.chunkId)) continue;
    keptChunks.add(row.chunkId);
    addEntities.push({ ...row, name: to });
  }
  // Manual fields: the target's own first, then this edit's, then those of the merged entities.
  const manualRows = [...kept, ...moving].filter(isManual);
  const targetManual = kept.find(isManual);
  const movedManual = moving.filter(isManual);
  if (manualRows.length > 0 || Object.keys(fields).length > 0) {
    let combined = manualEntity(to, {});
    for (const row of [...movedManual].reverse()) combined = manualEntity(to, pickEntity(row), combined);
    combined = manualEntity(to, fields, combined);
    if (targetManual) combined = manualEntity(to, pickEntity(targetManual), combined);
    addEntities.push(combined);
  }

  const oldPairs = edges.map(({ src, tgt }) => ({ src, tgt }));
  const oldRows = await extractions.relationSources(workspace, oldPairs);
  const newPairs = new Map<string, EdgeKey>();
  for (const row of oldRows) {
    const pair = edgeKey(rename(row.src), rename(row.tgt));
    if (pair.src !== pair.tgt) newPairs.set(pairKey(pair), pair);
  }
  const removed = new Set(oldPairs.map(pairKey));
  const existing = (await extractions.relationSources(workspace, [...newPairs.values()])).filter(
    (row) => !removed.has(pairKey(row)),
  );
  const taken = new Map<string, RelationSource>(
    existing.map((row) => [`${pairKey(row)}\u0000${row.chunkId}`, row]),
  );
  const addRelations: RelationSource[] = [];
  for (const row of oldRows) {
    const pair = edgeKey(rename(row.src), rename(row.tgt));
    if (pair.src === pair.tgt) continue;
    const key = `${pairKey(pair)}\u0000${row.chunkId}`;
    const present = taken.get(key);
    if (present && isManual(row) && isManual(present)) {
      // Two manual rows meet: the one already there keeps its fields, the other fills gaps.
      const merged = manualRelation(pair, pickRelation(present), manualRelation(pair, pickRelation(row)));
      taken.set(key, merged);
      addRelations.push(merged);
      continue;
    }
    if (present) continue;
    const moved = { ...row, ...pair };
    taken.set(key, moved);
    addRelations.push(moved);
  }
  return { removeEntities: from, removeRelations: oldPairs, addEntities, addRelations };
}

/** The fields a manual entity row sets (empty means unset). */
function pickEntity(row: EntitySource): EntityFields {
  return {
    ...(row.type ? { entityType: row.type } : {}),
    ...(row.description ? { description: row.description } : {}),
    ...(row.filePath ? { filePath: row.filePath } : {}),
  };
}

/** The fields a manual relation row sets. */
function pickRelation(row: RelationSource): RelationFields {
  return {
    ...(row.description ? { description: row.description } : {}),
    ...(row.keywords ? { keywords: row.keywords } : {}),
    ...(row.weight !== UNSET_WEIGHT ? { weight: row.weight } : {}),
    ...(row.filePath ? { filePath: row.filePath } : {}),
  };
}

async function createRelation(
  deps: RagDeps,
  workspace: string,
  source: string,
  target: string,
  fields: RelationFields,
): Promise<GraphEditResult> {
  if (source === target) throw new RagError("bad_input", "A relation needs two different entities");
  const found = new Set(
    (await deps.stores.graph.getEntities(workspace, [source, target])).map((e) => e.name),
  );
  for (const [role, name] of [
    ["Source", source],
    ["Target", target],
  ] as const) {
    if (!found.has(name)) throw new RagError("bad_input", `${role} entity '${name}' does not exist`);
  }
  const pair = edgeKey(source, target);
  if (await relationExists(deps, workspace, pair))
    throw new RagError("bad_input", `Relation from '${source}' to '${target}' already exists`);
  const applied = await applySourceChange(deps, workspace, {
    addRelations: [manualRelation(pair, fields)],
    addEntities: await pins(deps, workspace, pair),
  });
  return { relation: applied.relations.get(pairKey(pair)) };
}

/**
 * Empty manual rows for the endpoints of a manual relation that have none: a manual edge
 * outlives its documents, so its endpoints must too (an empty row overrides nothing; the
 * entity keeps its extracted fields while documents still describe it).
 */
async function pins(deps: RagDeps, workspace: string, pair: EdgeKey): Promise<EntitySource[]> {
  const rows = await deps.stores.extractions.entitySources(workspace, [pair.src, pair.tgt]);
  const pinned = new Set(rows.filter(isManual).map((row) => row.name));
  return [pair.src, pair.tgt].filter((name) => !pinned.has(name)).map((name) => manualEntity(name, {}));
}

async function editRelation(
  deps: RagDeps,
  workspace: string,
  source: string,
  target: string,
  fields: RelationFields,
): Promise<GraphEditResult> {
  const pair = edgeKey(source, target);
  if (!(await relationExists(deps, workspace, pair)))
    throw new RagError("bad_input", `Relation from '${source}' to '${target}' does not exist`);
  const previous = (await deps.stores.extractions.relationSources(workspace, [pair])).find(isManual);
  const applied = await applySourceChange(deps, workspace, {
    addRelations: [manualRelation(pair, fields, previous)],
    addEntities: await pins(deps, workspace, pair),
  });
  return { relation: applied.relations.get(pairKey(pair)) };
}

async function deleteEntity(deps: RagDeps, workspace: string, name: string): Promise<GraphEditResult> {
  if (!(await entityExists(deps, workspace, name)))
    throw new RagError("not_found", `Entity '${name}' not found.`);
  const edges = await deps.stores.graph.relationsOf(workspace, [name]);
  await applySourceChange(deps, workspace, {
    removeEntities: [name],
    removeRelations: edges.map(({ src, tgt }) => ({ src, tgt })),
  });
  return { deletedEntities: 1, deletedRelations: edges.length };
}

async function deleteRelation(
  deps: RagDeps,
  workspace: string,
  source: string,
  target: string,
): Promise<GraphEditResult> {
  const pair = edgeKey(source, target);
  if (!(await relationExists(deps, workspace, pair)))
    throw new RagError("not_found", `Relation from '${source}' to '${target}' does not exist`);
  await applySourceChange(deps, workspace, { removeRelations: [pair] });
  return { deletedRelations: 1 };
}
