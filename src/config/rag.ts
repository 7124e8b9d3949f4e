/** Indexing settings of the knowledge engine, with LightRAG's variable names and defaults. */
import { z } from "zod";
import { bool, csvList, nonNegativeInt, positiveInt } from "./fields";

/** LightRAG's default entity types (`Other` is the fallback the prompt names). */
const DEFAULT_ENTITY_TYPES =
  "Person,Creature,Organization,Location,Event,Concept,Method,Content,Data,Artifact,NaturalObject";

export const ragFields = {
  CHUNK_SIZE: positiveInt(1200),
  CHUNK_OVERLAP_SIZE: nonNegativeInt(100),
  MAX_GLEANING: nonNegativeInt(1),
  ENTITY_EXTRACTION_USE_JSON: bool(false),
  ENTITY_TYPES: csvList(DEFAULT_ENTITY_TYPES),
  SUMMARY_LANGUAGE: z.string().trim().min(1).default("English"),
  FORCE_LLM_SUMMARY_ON_MERGE: positiveInt(8),
  SUMMARY_MAX_TOKENS: positiveInt(1200),
  SUMMARY_LENGTH_RECOMMENDED: positiveInt(600),
  SUMMARY_CONTEXT_SIZE: positiveInt(12000),
  MAX_EXTRACT_INPUT_TOKENS: positiveInt(20480),
  MAX_SOURCE_IDS_PER_ENTITY: positiveInt(200),
  MAX_SOURCE_IDS_PER_RELATION: positiveInt(200),
  MAX_FILE_PATHS: positiveInt(75),
  /** 0 = no limit on `texts` per `/documents/texts` request. */
  MAX_TEXTS_PER_REQUEST: nonNegativeInt(0),
  /** A document `processing` longer than this (seconds) is considered stalled. */
  DOCUMENT_STALL_TIMEOUT: positiveInt(1800),
  /** Processing runs before a stalled document is marked failed instead of retried. */
  MAX_DOCUMENT_ATTEMPTS: positiveInt(3),
};

/** Overlap must stay below the window, or chunking would never advance. */
export function ragProblems(config: { CHUNK_SIZE: number; CHUNK_OVERLAP_SIZE: number }): string[] {
  return config.CHUNK_OVERLAP_SIZE >= config.CHUNK_SIZE
    ? ["CHUNK_OVERLAP_SIZE: must be smaller than CHUNK_SIZE"]
    : [];
}
