/**
 * Builds a node or an edge from all of its live sources. Sources are ordered by chunk id, so
 * the result depends only on the set of sources, never on the order documents arrived in:
 * concurrent ingestion gives exactly the graph sequential ingestion gives.
 */
import type { EntitySource, RelationSource } from "../../storage/extractions";
import { type EntityRecord, GRAPH_FIELD_SEP, type RelationRecord } from "../../storage/graph";
import type { RagSettings } from "../types";
import { mergeDescriptions, type SummaryContext } from "./summary";

/** Placeholder LightRAG appends when file paths are capped. */
export const TRUNCATED_MARKER = "...truncated...";

const byChunk = <T extends { chunkId: string }>(a: T, b: T) =>
  a.chunkId < b.chunkId ? -1 : a.chunkId > b.chunkId ? 1 : 0;

function unique(values: string[]): string[] {
  return [...new Set(values.filter((value) => value !== ""))];
}

/** Most frequent value; ties go to the one seen first. */
export function mostFrequent(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0] ?? "";
  for (const [value, count] of counts) if (count > (counts.get(best) ?? 0)) best = value;
  return best;
}

/** Chunk ids joined with <SEP>, keeping the first `limit` (SOURCE_IDS_LIMIT_METHOD=KEEP). */
function sourceIds(sources: { chunkId: string }[], limit: number): string {
  return unique(sources.map((source) => source.chunkId))
    .slice(0, limit)
    .join(GRAPH_FIELD_SEP);
}

function filePaths(sources: { filePath: string }[], settings: RagSettings): string {
  const paths = unique(sources.map((source) => source.filePath));
  const kept = paths.slice(0, settings.maxFilePaths);
  if (paths.length > kept.length) kept.push(TRUNCATED_MARKER);
  return kept.join(GRAPH_FIELD_SEP);
}

/** The node of `name` from its sources (non-empty), with `createdAt` for a new node. */
export async function foldEntity(
  context: SummaryContext,
  name: string,
  sources: EntitySource[],
  createdAt: number,
): Promise<{ entity: EntityRecord; llmCalls: number }> {
  const sorted = [...sources].sort(byChunk);
  // A real type beats UNKNOWN, which only marks an endpoint nobody described.
  const types = sorted.map((source) => source.type);
  const known = types.filter((type) => type !== "UNKNOWN");
  const merged = await mergeDescriptions(
    context,
    "entity",
    name,
    unique(sorted.map((source) => source.description)),
  );
  return {
    entity: {
      name,
      entityType: mostFrequent(known.length > 0 ? known : types),
      description: merged.description,
      sourceId: sourceIds(sorted, context.settings.maxSourceIdsPerEntity),
      filePath: filePaths(sorted, context.settings),
      createdAt,
    },
    llmCalls: merged.llmCalls,
  };
}

/** The edge `src`–`tgt` from its sources: weights summed, keywords a sorted union. */
export async function foldRelation(
  context: SummaryContext,
  src: string,
  tgt: string,
  sources: RelationSource[],
  createdAt: number,
): Promise<{ relation: RelationRecord; llmCalls: number }> {
  const sorted = [...sources].sort(byChunk);
  const keywords = unique(
    sorted.flatMap((source) => source.keywords.split(",").map((keyword) => keyword.trim())),
  ).sort();
  const merged = await mergeDescriptions(
    context,
    "relation",
    `${src} - ${tgt}`,
    unique(sorted.map((s) => s.description)),
  );
  return {
    relation: {
      src,
      tgt,
      keywords: keywords.join(","),
      description: merged.description,
      weight: sorted.reduce((sum, source) => sum + source.weight, 0),
      sourceId: sourceIds(sorted, context.settings.maxSourceIdsPerRelation),
      filePath: filePaths(sorted, context.settings),
      createdAt,
    },
    llmCalls: merged.llmCalls,
  };
}
