/** Wires the engine to this deployment: D1 stores, the configured vector index, the providers. */

import type { Config } from "../config";
import type { Bindings } from "../env";
import { createProviders } from "../providers/index";
import type { RagDeps, RagSettings } from "../rag/types";
import { createD1Stores } from "../storage/d1/stores";
import { invalidateGraphIndex } from "../storage/graph-index/store";
import type { Stores } from "../storage/index";
import { LocalVectorStore } from "../storage/local-vector/store";

/** The engine's settings from config; the basic extractor runs with the `local` LLM or ENHANCED_PROCESSING=false. */
export function ragSettings(config: Config): RagSettings {
  const extractBinding = config.EXTRACT_LLM_BINDING ?? config.LLM_BINDING;
  return {
    chunkSize: config.CHUNK_SIZE,
    chunkOverlap: config.CHUNK_OVERLAP_SIZE,
    enhanced: config.ENHANCED_PROCESSING && extractBinding !== "local",
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

/** Stores for this env (D1 + the local vector index; other backends plug in here). */
export function engineStores(env: Bindings): Stores {
  return createD1Stores(env.DB, new LocalVectorStore(env.VECTOR_INDEX), (workspace) =>
    invalidateGraphIndex(env.GRAPH_INDEX, workspace),
  );
}

/** Everything the engine needs, for a request, the queue consumer or the coordinator. */
export function engineDeps(env: Bindings, config: Config): RagDeps {
  const { llm, embeddings } = createProviders(env, config);
  return { stores: engineStores(env), llm, embeddings, settings: ragSettings(config) };
}

/** The coordinator of `workspace`. */
export function coordinatorFor(env: Bindings, workspace: string) {
  return env.COORDINATOR.get(env.COORDINATOR.idFromName(workspace));
}
