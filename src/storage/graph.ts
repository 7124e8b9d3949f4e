/**
 * Port for the knowledge graph: entities (nodes) and relations (undirected edges, stored with
 * `src <= tgt`). Field names follow LightRAG's node/edge properties; multi-valued fields
 * (`sourceId`, `filePath`) are joined with `GRAPH_FIELD_SEP` exactly as LightRAG does.
 */

/** LightRAG's separator for multi-valued graph fields. */
export const GRAPH_FIELD_SEP = "<SEP>";

/**
 * Chunk ids of a `<SEP>`-joined `source_id`, in their order (empty parts dropped).
 *
 * @example
 * splitSources("c1<SEP>c2"); // ["c1", "c2"]
 */
export function splitSources(sourceId: string): string[] {
  return sourceId.split(GRAPH_FIELD_SEP).filter((id) => id.length > 0);
}

export interface EntityRecord {
  name: string;
  entityType: string;
  description: string;
  /** Chunk ids joined with `<SEP>` (capped; the full list lives in the extraction store). */
  sourceId: string;
  filePath: string;
  /** Unix seconds, as LightRAG's `created_at`. */
  createdAt: number;
  /** Tokens of the entity's query-context line, counted when it was merged (absent for older rows). */
  lineTokens?: number;
}

export interface RelationRecord {
  /** Lexicographically smaller endpoint. */
  src: string;
  tgt: string;
  keywords: string;
  description: string;
  weight: number;
  sourceId: string;
  filePath: string;
  createdAt: number;
  /** Tokens of the relation's query-context line, counted when it was merged (absent for older rows). */
  lineTokens?: number;
}

export interface EdgeKey {
  src: string;
  tgt: string;
}

/** Orders a pair the way edges are stored. */
export function edgeKey(a: string, b: string): EdgeKey {
  return a <= b ? { src: a, tgt: b } : { src: b, tgt: a };
}

export interface GraphWrite {
  upsertEntities: EntityRecord[];
  deleteEntities: string[];
  upsertRelations: RelationRecord[];
  deleteRelations: EdgeKey[];
}

export interface GraphStore {
  /** Entities by exact name; missing names are skipped. */
  getEntities(workspace: string, names: string[]): Promise<EntityRecord[]>;
  /** Relations by endpoint pairs (either order); missing pairs are skipped. */
  getRelations(workspace: string, pairs: EdgeKey[]): Promise<RelationRecord[]>;
  /** Every relation touching any of `names`. */
  relationsOf(workspace: string, names: string[]): Promise<RelationRecord[]>;
  /** Degree (number of incident edges) of each name; absent names have degree 0. */
  degrees(workspace: string, names: string[]): Promise<Map<string, number>>;
  /** Entity names by degree, highest first (ties by name). */
  popularLabels(workspace: string, limit: number): Promise<string[]>;
  /** Every entity name, sorted. */
  allLabels(workspace: string, limit?: number): Promise<string[]>;
  /** Names containing `query` (case-insensitive): exact match first, then prefix, then contains. */
  searchLabels(workspace: string, query: string, limit: number): Promise<string[]>;
  /**
   * Breadth-first neighbourhood of `label` up to `maxDepth`, at most `maxNodes` nodes
   * (`"*"` starts from the highest-degree nodes). `truncated` says the cap was hit.
   */
  neighbourhood(
    workspace: string,
    label: string,
    maxDepth: number,
    maxNodes: number,
  ): Promise<{ entities: EntityRecord[]; relations: RelationRecord[]; truncated: boolean }>;
  counts(workspace: string): Promise<{ entities: number; relations: number }>;
  /** Entity names of `entities` vector ids (`ent-…`), in the same order; unknown ids skipped. */
  entityNames(workspace: string, vectorIds: string[]): Promise<string[]>;
  /** Endpoint pairs of `relations` vector ids (`rel-…`), in the same order; unknown ids skipped. */
  relationPairs(workspace: string, vectorIds: string[]): Promise<EdgeKey[]>;
  /** Applies upserts and deletes atomically. */
  write(workspace: string, change: GraphWrite): Promise<void>;
}
