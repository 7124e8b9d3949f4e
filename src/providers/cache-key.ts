/**
 * LightRAG's LLM cache keys: `{mode}:{cache_type}:{md5}`, hashed over the prompt (or the
 * caller's query parameters) plus the identity of the configured LLM for the role, so a
 * model change never serves an old model's answer.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { LlmRequest, LlmRole } from "./types";

/** LightRAG's cache_type names per role. */
export const CACHE_TYPE: Record<LlmRole, string> = {
  extract: "extract",
  summary: "summary",
  keyword: "keywords",
  query: "query",
};

/** The configured LLM a role's answers belong to (LightRAG's "llm identity"). */
export interface LlmIdentity {
  role: LlmRole;
  binding: string;
  model: string;
  host?: string;
}

/** md5 of UTF-8 text as lower-case hex, as LightRAG's `compute_args_hash`. */
export function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}

/**
 * The cache id of `request` answered by the LLM `identity`.
 *
 * @example
 * llmCacheKey({ role: "extract", messages, workspace: "w" }, identity) // "default:extract:3f2a…"
 */
export function llmCacheKey(request: LlmRequest, identity: LlmIdentity): string {
  const mode = request.cache?.mode ?? "default";
  const who = {
    role: identity.role,
    binding: identity.binding,
    model: identity.model,
    host: identity.host ?? null,
  };
  const hashed = request.cache?.args
    ? [...request.cache.args, who]
    : [request.system ?? "", request.messages, request.json ? { type: "json_object" } : null, who];
  return `${mode}:${CACHE_TYPE[request.role]}:${md5Hex(JSON.stringify(hashed))}`;
}
