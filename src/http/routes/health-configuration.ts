/**
 * The `configuration` block of `/health` in LightRAG 1.5.7's shape. LightRAG's web UI reads
 * these keys without checking they exist (its status card crashes on a missing one), so every
 * key LightRAG sends is sent here, with our value where the setting exists and LightRAG's
 * "feature off" value (no VLM, no MinerU or Docling) where it does not.
 */
import type { Config } from "../../config";
import type { RerankBinding } from "../../config/rerank";
import { rerankModel } from "../../providers/rerank";
import { BINARY_EXTENSIONS, TEXT_EXTENSIONS } from "../../rag/parsers";

/** The storage class names LightRAG clients expect, per backend. */
function storageNames(config: Config) {
  const d1 = config.STORAGE_BACKEND === "d1";
  return {
    kv_storage: d1 ? "D1KVStorage" : "PGKVStorage",
    doc_status_storage: d1 ? "D1DocStatusStorage" : "PGDocStatusStorage",
    graph_storage: d1 ? "D1GraphStorage" : "PGGraphStorage",
    vector_storage: config.VECTOR_BACKEND,
  };
}

/**
 * Per-role LLM as LightRAG's `get_llm_role_config()` reports it; its WebUI's status card reads
 * `binding`, `model`, `host` and `max_async` of each role.
 */
function roleLlmConfig(config: Config) {
  const role = (binding?: string, model?: string, host?: string, timeout?: number) => ({
    binding: binding ?? config.LLM_BINDING,
    model: model ?? config.LLM_MODEL,
    host: host ?? config.LLM_BINDING_HOST ?? null,
    max_async: config.LLM_MAX_ASYNC,
    timeout: timeout ?? config.LLM_TIMEOUT,
  });
  return {
    extract: role(
      config.EXTRACT_LLM_BINDING,
      config.EXTRACT_LLM_MODEL,
      config.EXTRACT_LLM_BINDING_HOST,
      config.EXTRACT_LLM_TIMEOUT,
    ),
    keyword: role(
      config.KEYWORD_LLM_BINDING,
      config.KEYWORD_LLM_MODEL,
      config.KEYWORD_LLM_BINDING_HOST,
      config.KEYWORD_LLM_TIMEOUT,
    ),
    query: role(
      config.QUERY_LLM_BINDING,
      config.QUERY_LLM_MODEL,
      config.QUERY_LLM_BINDING_HOST,
      config.QUERY_LLM_TIMEOUT,
    ),
  };
}

/** LightRAG's parser routing string (`ext:parser,...`): every format is read by our own parsers. */
const PARSER_ROUTING = [...TEXT_EXTENSIONS, ...BINARY_EXTENSIONS]
  .map((extension) => `${extension.slice(1)}:native`)
  .join(",");

/** The reranker as LightRAG reports it; `null` binding: rerank off. */
function rerankConfiguration(config: Config) {
  const on = config.RERANK_BINDING !== "null";
  return {
    enable_rerank: on,
    rerank_binding: config.RERANK_BINDING,
    rerank_model: on
      ? rerankModel(config.RERANK_BINDING as Exclude<RerankBinding, "null">, config.RERANK_MODEL)
      : null,
    rerank_binding_host: on ? (config.RERANK_BINDING_HOST ?? null) : null,
    // Rerank calls have no queue of their own (one per query).
    rerank_max_async: 0,
    rerank_timeout: on ? config.RERANK_TIMEOUT : 0,
    min_rerank_score: config.MIN_RERANK_SCORE,
  };
}

/**
 * Builds LightRAG's `configuration` block from our config.
 *
 * @example
 * const body = { ...health, configuration: lightragConfiguration(config) };
 */
export function lightragConfiguration(config: Config) {
  const storage = storageNames(config);
  return {
    llm_binding: config.LLM_BINDING,
    llm_binding_host: config.LLM_BINDING_HOST ?? null,
    llm_model: config.LLM_MODEL,
    embedding_binding: config.EMBEDDING_BINDING,
    embedding_binding_host: config.EMBEDDING_BINDING_HOST ?? null,
    embedding_model: config.EMBEDDING_MODEL,
    summary_max_tokens: config.SUMMARY_MAX_TOKENS,
    summary_context_size: config.SUMMARY_CONTEXT_SIZE,
    ...storage,
    enable_llm_cache_for_extract: config.ENABLE_LLM_CACHE_FOR_EXTRACT,
    enable_llm_cache: config.ENABLE_LLM_CACHE,
    vlm_process_enable: false,
    workspace: config.WORKSPACE,
    // One database holds every workspace; each storage is scoped by the workspace column.
    storage_workspaces: Object.fromEntries(Object.keys(storage).map((key) => [key, config.WORKSPACE])),
    max_graph_nodes: config.MAX_GRAPH_NODES,
    ...rerankConfiguration(config),
    summary_language: config.SUMMARY_LANGUAGE,
    force_llm_summary_on_merge: config.FORCE_LLM_SUMMARY_ON_MERGE,
    max_parallel_insert: config.MAX_PARALLEL_INSERT,
    cosine_threshold: config.COSINE_THRESHOLD,
    related_chunk_number: config.RELATED_CHUNK_NUMBER,
    max_async: config.LLM_MAX_ASYNC,
    llm_timeout: config.LLM_TIMEOUT,
    embedding_func_max_async: config.EMBEDDING_FUNC_MAX_ASYNC,
    embedding_batch_num: config.EMBEDDING_BATCH_NUM,
    embedding_timeout: config.EMBEDDING_TIMEOUT,
    role_llm_config: roleLlmConfig(config),
    parser_routing: PARSER_ROUTING,
    mineru: { endpoint: "", api_mode: "disabled", options: {} },
    docling: { endpoint: "", options: {} },
  };
}

/**
 * LightRAG's top-level deployment fields shown beside `configuration`: there is no working
 * directory on Workers, and the input "folder" is the R2 prefix `POST /documents/scan` reads.
 *
 * @example
 * const details = lightragDeployment("default"); // { input_directory: "r2://inputs/default/", ... }
 */
export function lightragDeployment(workspace: string) {
  return {
    working_directory: "d1://",
    input_directory: `r2://inputs/${workspace}/`,
    server_mode: "workers",
    workers: 1,
  };
}
