/** The keys and JSON types of LightRAG 1.5.7's `/health` `configuration` block (lightrag_server.py). */
type JsonType = "string" | "number" | "boolean" | "object" | "string|null";

export const LIGHTRAG_CONFIGURATION_TYPES: Record<string, JsonType> = {
  llm_binding: "string",
  llm_binding_host: "string|null",
  llm_model: "string",
  embedding_binding: "string",
  embedding_binding_host: "string|null",
  embedding_model: "string",
  summary_max_tokens: "number",
  summary_context_size: "number",
  kv_storage: "string",
  doc_status_storage: "string",
  graph_storage: "string",
  vector_storage: "string",
  enable_llm_cache_for_extract: "boolean",
  enable_llm_cache: "boolean",
  vlm_process_enable: "boolean",
  workspace: "string",
  storage_workspaces: "object",
  max_graph_nodes: "number",
  enable_rerank: "boolean",
  rerank_binding: "string",
  rerank_model: "string|null",
  rerank_binding_host: "string|null",
  rerank_max_async: "number",
  rerank_timeout: "number",
  summary_language: "string",
  force_llm_summary_on_merge: "number",
  max_parallel_insert: "number",
  cosine_threshold: "number",
  min_rerank_score: "number",
  related_chunk_number: "number",
  max_async: "number",
  llm_timeout: "number",
  embedding_func_max_async: "number",
  embedding_batch_num: "number",
  embedding_timeout: "number",
  role_llm_config: "object",
  parser_routing: "string",
  mineru: "object",
  docling: "object",
};

/** Keys of `configuration` that are missing or of the wrong JSON type (empty when all match). */
export function configurationMismatches(configuration: unknown): string[] {
  const block = (configuration ?? {}) as Record<string, unknown>;
  return Object.entries(LIGHTRAG_CONFIGURATION_TYPES).flatMap(([key, type]) => {
    if (!(key in block)) return [`${key}: missing`];
    const value = block[key];
    const actual = value === null ? "null" : typeof value;
    const ok = type === "string|null" ? actual === "string" || actual === "null" : actual === type;
    return ok ? [] : [`${key}: ${actual}, expected ${type}`];
  });
}
