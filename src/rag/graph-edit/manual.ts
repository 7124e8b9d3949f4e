/**
 * Manual graph edits as their own live source. An edit or creation through the graph-editing
 * API is stored as one source row per entity or relation with the reserved chunk and document
 * id `manual` (document ids are `doc-<md5>`, so no document can own it). The fold gives its
 * fields precedence over what documents extracted, and because no document deletion removes
 * it, a manually created or edited entity survives its documents going away.
 *
 * An empty string means "not set by hand" (the extracted value stays); for a relation's
 * weight, which has no empty value, `UNSET_WEIGHT` (negative; real weights are >= 0) does.
 */
import type { EntitySource, RelationSource } from "../../storage/extractions";
import type { EdgeKey } from "../../storage/graph";

/** Chunk id and document id of a manual source row. */
export const MANUAL_SOURCE = "manual";

/** A relation weight no edit set (weights are validated >= 0 at the API). */
export const UNSET_WEIGHT = -1;

/** Whether `source` records a manual edit rather than a document's contribution. */
export function isManual(source: { docId: string }): boolean {
  return source.docId === MANUAL_SOURCE;
}

/** Fields of an entity an edit can set; absent fields stay as they were. */
export interface EntityFields {
  entityType?: string;
  description?: string;
  filePath?: string;
}

/** Fields of a relation an edit can set; absent fields stay as they were. */
export interface RelationFields {
  description?: string;
  keywords?: string;
  weight?: number;
  filePath?: string;
}

/**
 * The manual row of `name` after applying `fields` over the `previous` manual row, if any.
 *
 * @example
 * manualEntity("Ada", { description: "Mathematician" }).description; // "Mathematician"
 */
export function manualEntity(name: string, fields: EntityFields, previous?: EntitySource): EntitySource {
  return {
    name,
    chunkId: MANUAL_SOURCE,
    docId: MANUAL_SOURCE,
    type: fields.entityType ?? previous?.type ?? "",
    description: fields.description ?? previous?.description ?? "",
    filePath: fields.filePath ?? previous?.filePath ?? "",
  };
}

/**
 * The manual row of the pair after applying `fields` over the `previous` manual row, if any.
 *
 * @example
 * manualRelation({ src: "A", tgt: "B" }, { weight: 2 }).weight; // 2
 */
export function manualRelation(
  pair: EdgeKey,
  fields: RelationFields,
  previous?: RelationSource,
): RelationSource {
  return {
    src: pair.src,
    tgt: pair.tgt,
    chunkId: MANUAL_SOURCE,
    docId: MANUAL_SOURCE,
    description: fields.description ?? previous?.description ?? "",
    keywords: fields.keywords ?? previous?.keywords ?? "",
    weight: fields.weight ?? previous?.weight ?? UNSET_WEIGHT,
    filePath: fields.filePath ?? previous?.filePath ?? "",
  };
}
