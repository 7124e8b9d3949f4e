/** What the ingestion engine needs: the storage ports, the provider ports and its settings. */
import type { EmbeddingClient, LlmClient } from "../providers/types";
import type { Stores } from "../storage/index";

export interface RagSettings {
  chunkSize: number;
  chunkOverlap: number;
  /** LLM extraction in LightRAG's format; false = the basic, LLM-free extractor. */
  enhanced: boolean;
  maxGleaning: number;
  useJson: boolean;
  entityTypes: string[];
  language: string;
  forceSummaryOnMerge: number;
  summaryMaxTokens: number;
  summaryLengthRecommended: number;
  summaryContextSize: number;
  maxExtractInputTokens: number;
  maxSourceIdsPerEntity: number;
  maxSourceIdsPerRelation: number;
  maxFilePaths: number;
  llmConcurrency: number;
  embeddingBatch: number;
  embeddingConcurrency: number;
}

export interface RagDeps {
  stores: Stores;
  llm: LlmClient;
  embeddings: EmbeddingClient;
  settings: RagSettings;
}

/** Machine codes of the engine's failures; `src/http/error-handler.ts` maps each to a status. */
export type RagErrorKind = "conflict" | "bad_input" | "not_found" | "cancelled" | "too_large";

/**
 * A domain failure the HTTP layer maps to a status (the engine knows no HTTP). `too_large`:
 * an input over one of the extraction limits (the HTTP layer answers 413).
 *
 * @example
 * throw new RagError("conflict", "A document with the same name already exists: a.txt", { names: ["a.txt"] });
 */
export class RagError extends Error {
  constructor(
    readonly kind: RagErrorKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "RagError";
  }
}
