/**
 * LightRAG's query prefixes for chat clients (`parse_query_mode` in ollama_api.py): a message
 * starting `/local `, `/global `, `/hybrid `, `/naive `, `/mix ` or `/bypass ` picks the mode,
 * `/context` (or `/<mode>context`) asks for the retrieved context only, and `/<mode>[...]`
 * carries a user prompt. Without a prefix the mode is `mix`.
 */
import type { QueryMode } from "../../rag/query/params";

export interface ChatQuery {
  query: string;
  mode: QueryMode;
  onlyNeedContext: boolean;
  userPrompt: string | null;
}

/** Checked in this order, as LightRAG's table: the first prefix the query starts with wins. */
const PREFIXES: readonly (readonly [string, QueryMode, boolean])[] = [
  ["/local ", "local", false],
  ["/global ", "global", false],
  ["/naive ", "naive", false],
  ["/hybrid ", "hybrid", false],
  ["/mix ", "mix", false],
  ["/bypass ", "bypass", false],
  ["/context", "mix", true],
  ["/localcontext", "local", true],
  ["/globalcontext", "global", true],
  ["/hybridcontext", "hybrid", true],
  ["/naivecontext", "naive", true],
  ["/mixcontext", "mix", true],
];

const BRACKET = /^\/([a-z]*)\[(.*?)\](.*)$/s;

/**
 * Splits a chat message into the query and its LightRAG options.
 *
 * @example
 * parseChatQuery("/local[answer in French] Who founded Acme?");
 * // { query: "Who founded Acme?", mode: "local", onlyNeedContext: false, userPrompt: "answer in French" }
 */
export function parseChatQuery(message: string): ChatQuery {
  let query = message;
  let userPrompt: string | null = null;
  const bracket = BRACKET.exec(message);
  if (bracket) {
    userPrompt = bracket[2] ?? "";
    const rest = (bracket[3] ?? "").trimStart();
    // `/[prompt] query` names no mode: LightRAG would keep "/ query" as the query; we drop the "/".
    query = bracket[1] ? `/${bracket[1]} ${rest}`.trim() : rest;
  }
  for (const [prefix, mode, onlyNeedContext] of PREFIXES) {
    if (query.startsWith(prefix)) {
      return { query: query.slice(prefix.length).trimStart(), mode, onlyNeedContext, userPrompt };
    }
  }
  return { query, mode: "mix", onlyNeedContext: false, userPrompt };
}

/**
 * Open WebUI's own housekeeping requests (titles, tags, follow-ups) quote the conversation
 * this way; LightRAG sends them straight to the LLM instead of querying the knowledge base.
 */
export const OPEN_WEBUI_TASK_MARKER = "\n<chat_history>\nUSER:";
