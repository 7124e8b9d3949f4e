/**
 * Builds a node or an edge from all of its live sources. Sources are ordered by chunk id, so
 * the result depends only on the set of sources, never on the order documents arrived in:
 * concurrent ingestion gives exactly the graph sequential ingestion gives.
 *
 * A manual source (`../graph-edit/manual.ts`) takes precedence: each field it sets replaces
 * what the documents' sources fold to, and it alone keeps a node or edge alive.
 */
import type { EntitySource, RelationSource } from "../../storage/extractions";
import { type EntityRecord, GRAPH_FIELD_SEP, type RelationRecord } from "../../storage/graph";
import { isManual, UNSET_WEIGHT } from "../graph-edit/manual";
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

/**
 * Chunk ids joined with <SEP>, keeping the first `limit` (SOURCE_IDS_LIMIT_METHOD=KEEP). The
 * manual source is no chunk: queries look chunks up by these ids.
 */
function sourceIds(sources: { chunkId: string; docId: string }[], limit: number): string {
  return unique(sources.filter((source) => !isManual(source)).map((source) => source.chunkId))
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
  const manual = sorted.find(isManual);
  const extracted = sorted.filter((source) => !isManual(source));
  // A real type beats UNKNOWN, which only marks an endpoint nobody described.
  const types = extracted.map((source) => source.type);
  const known = types.filter((type) => type !== "UNKNOWN");
  // A description set by hand replaces the extracted ones: no summary (and no LLM call) needed.
  const merged = manual?.description
    ? { description: manual.description, llmCalls: 0 }
    : await mergeDescriptions(context, "entity", name, unique(extracted.map((source) => source.description)));
  return {
    entity: {
      name,
      // A node kept alive by a manual row alone, with no type set by hand, is UNKNOWN.
      entityType:
        manual?.type || (extracted.length > 0 ? mostFrequent(known.length > 0 ? known : types) : "UNKNOWN"),
      description: merged.description,
      sourceId: sourceIds(sorted, context.settings.maxSourceIdsPerEntity),
      filePath: filePaths(sorted, context.settings),
      createdAt,
    },
    llmCalls: merged.llmCalls,
  };
}

/**
 * The edge `src`–`tgt` from its sources: weights summed, keywords a sorted union; a manual
 * source's description, keywords and weight replace the extracted ones.
 */
export async function foldRelation(
  context: SummaryContext,
  src: string,
  tgt: string,
  sources: RelationSource[],
  createdAt: number,
): Promise<{ relation: RelationRecord; llmCalls: number }> {
  const sorted = [...sources].sort(byChunk);
  const manual = sorted.find(isManual);
  const extracted = sorted.filter((source) => !isManual(source));
  const keywords = manual?.keywords
    ? manual.keywords
    : unique(extracted.flatMap((source) => source.keywords.split(",").map((keyword) => keyword.trim())))
        .sort()
        .join(",");
  const merged = manual?.description
    ? { description: manual.description, llmCalls: 0 }
    : await mergeDescriptions(
        context,
        "relation",
        `${src} - ${tgt}`,
        unique(extracted.map((s) => s.description)),
      );
  // LightRAG's default weight for an edge nobody weighed is 1.0.
  const weight =
    manual && manual.weight !== UNSET_WEIGHT
      ? manual.weight
      : extracted.length > 0
        ? extracted.reduce((sum, source) => sum + source.weight, 0)
        : 1;
  return {
    relation: {
      src,
      tgt,
      keywords,
      description: merged.description,
      weight,
      sourceId: sourceIds(sorted, context.settings.maxSourceIdsPerRelation),
      filePath: filePaths(sorted, context.settings),
      createdAt,
    },
    llmCalls: merged.llmCalls,
  };
}
