/** Shapes engine results into LightRAG's `/query` answer: references (optionally with chunk texts). */
import type { QueryRun } from "../../rag/query/engine";
import type { Reference } from "../../rag/query/types";

export interface WireReference extends Reference {
  content?: string[];
}

/**
 * LightRAG's references, with `content` (the chunk texts of each reference) when asked for.
 *
 * @example
 * wireReferences(run, true); // [{ reference_id: "1", file_path: "a.md", content: ["…"] }]
 */
export function wireReferences(run: QueryRun, includeContent: boolean): WireReference[] {
  if (!includeContent || !run.retrieval) return run.references.map((ref) => ({ ...ref }));
  const { chunks, chunkReferenceIds } = run.retrieval;
  return run.references.map((ref) => ({
    ...ref,
    content: chunks.filter((_, i) => chunkReferenceIds[i] === ref.reference_id).map((chunk) => chunk.content),
  }));
}

/** Collects a streamed answer into one string. */
export async function collect(response: string | AsyncIterable<string>): Promise<string> {
  if (typeof response === "string") return response;
  let text = "";
  for await (const piece of response) text += piece;
  return text;
}
