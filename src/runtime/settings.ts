/** The ingestion engine's settings, from the config and the effective runtime flags. */
import type { Config } from "../config";
import { defaultFlags, type Flags } from "../flags/names";
import type { RagSettings } from "../rag/types";

/**
 * The basic extractor (and basic description merging) runs with the `local` LLM or when
 * ENHANCED_PROCESSING is off in the effective flags (env default or runtime override).
 *
 * @example
 * ragSettings(config, { ...flags, ENHANCED_PROCESSING: false }).enhanced // false
 */
export function ragSettings(
  config: Config,
  flags: Pick<Flags, "ENHANCED_PROCESSING"> = defaultFlags(config),
): RagSettings {
  const extractBinding = config.EXTRACT_LLM_BINDING ?? config.LLM_BINDING;
  return {
    chunkSize: config.CHUNK_SIZE,
    chunkOverlap: config.CHUNK_OVERLAP_SIZE,
    enhanced: flags.ENHANCED_PROCESSING && extractBinding !== "local",
    maxGleaning: config.MAX_GLEANING,
    useJson: config.ENTITY_EXTRACTION_USE_JSON,
    entityTypes: config.ENTITY_TYPES,
    language: config.SUMMARY_LANGUAGE,
    forceSummaryOnMerge: config.FORCE_LLM_SUMMARY_ON_MERGE,
    summaryMaxTokens: config.SUMMARY_MAX_TOKENS,
    summaryLengthRecommended: config.SUMMARY_LENGTH_RECOMMENDED,
    summaryContextSize: config.SUMMARY_CONTEXT_SIZE,
    maxExtractInputTokens: config.MAX_EXTRACT_INPUT_TOKENS,
    maxSourceIdsPerEntity: config.MAX_SOURCE_IDS_PER_ENTITY,
    maxSourceIdsPerRelation: config.MAX_SOURCE_IDS_PER_RELATION,
    maxFilePaths: config.MAX_FILE_PATHS,
    llmConcurrency: config.LLM_MAX_ASYNC,
    embeddingBatch: config.EMBEDDING_BATCH_NUM,
    embeddingConcurrency: config.EMBEDDING_FUNC_MAX_ASYNC,
  };
}
