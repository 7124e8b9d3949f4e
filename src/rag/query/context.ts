/**
 * Context lines and budgets: entities and relations as one JSON object per line (the unit
 * LightRAG counts tokens on), chunks cut to what is left of `max_total_tokens`.
 */

import type { EntityRecord, RelationRecord } from "../../storage/graph";
import { kgContext, naiveContext, naiveResponsePrompt, ragResponsePrompt } from "./prompts";
import type { Tokenizer } from "./tokens";
import type { RetrievedChunk } from "./types";

/** Tokens kept free for the answer's framing (LightRAG's buffer). */
export const CONTEXT_BUFFER_TOKENS = 200;

export function entityLine(entity: Pick<EntityRecord, "name" | "entityType" | "description">): string {
  return JSON.stringify({ entity: entity.name, type: entity.entityType, description: entity.description });
}

export function relationLine(relation: Pick<RelationRecord, "src" | "tgt" | "description">): string {
  return JSON.stringify({ entity1: relation.src, entity2: relation.tgt, description: relation.description });
}

/**
 * A chunk's context line; the same text whether its content comes encoded already or not.
 *
 * @example
 * chunkLine({ id: "c", content: 'say "hi"', filePath: "a.md", tokens: 3 }, "1"); // {"reference_id":"1","content":"say \"hi\""}
 */
export function chunkLine(chunk: RetrievedChunk, referenceId: string): string {
  if (chunk.contentJson === undefined)
    return JSON.stringify({ reference_id: referenceId, content: chunk.content });
  return `{"reference_id":${JSON.stringify(referenceId)},"content":${chunk.contentJson}}`;
}

export interface ChunkBudgetInput {
  naive: boolean;
  query: string;
  responseType: string;
  userPrompt: string;
  maxTotalTokens: number;
  /** Tokens of the entity and relation lines the context keeps. */
  lineTokens: number[];
}

/**
 * Tokens left for chunks: the total budget minus the system prompt, the KG part of the
 * context, the query and a buffer.
 */
export function chunkBudget(input: ChunkBudgetInput, tokenizer: Pick<Tokenizer, "count">): number {
  const system = input.naive
    ? naiveResponsePrompt("", input.responseType, input.userPrompt)
    : ragResponsePrompt("", input.responseType, input.userPrompt);
  const frame = input.naive ? naiveContext([], []) : kgContext([], [], [], []);
  // The KG part is the empty frame plus each line and its newline: the lines' counts are
  // known already, so the context is never encoded as a whole (one token per newline at most).
  let lines = 0;
  for (const tokens of input.lineTokens) lines += tokens + 1;
  const used =
    tokenizer.count(system) +
    tokenizer.count(frame) +
    lines +
    tokenizer.count(input.query) +
    CONTEXT_BUFFER_TOKENS;
  return Math.max(0, input.maxTotalTokens - used);
}

/** LightRAG's `created_at` as shown to clients: "YYYY-MM-DD HH:MM:SS" (UTC). */
export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}
