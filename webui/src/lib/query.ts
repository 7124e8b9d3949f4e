/**
 * Pure logic of the query playground: the QueryRequest body from the form, the conversation
 * history sent with it, and folding NDJSON stream lines into an answer.
 */
import type { QueryMode, Reference } from "../api/types";

export interface QueryForm {
  query: string;
  mode: QueryMode;
  stream: boolean;
  responseType: string;
  topK: string;
  chunkTopK: string;
  maxEntityTokens: string;
  maxRelationTokens: string;
  maxTotalTokens: string;
  hlKeywords: string;
  llKeywords: string;
  userPrompt: string;
  onlyNeedContext: boolean;
  onlyNeedPrompt: boolean;
  /** "default" leaves enable_rerank out, so the service's RERANK_BY_DEFAULT applies. */
  rerank: "default" | "on" | "off";
  includeReferences: boolean;
  includeChunkContent: boolean;
  /** Earlier turns (user + assistant pairs) sent as conversation_history; 0 sends none. */
  historyTurns: number;
}

export const DEFAULT_FORM: QueryForm = {
  query: "",
  mode: "mix",
  stream: true,
  responseType: "Multiple Paragraphs",
  topK: "",
  chunkTopK: "",
  maxEntityTokens: "",
  maxRelationTokens: "",
  maxTotalTokens: "",
  hlKeywords: "",
  llKeywords: "",
  userPrompt: "",
  onlyNeedContext: false,
  onlyNeedPrompt: false,
  rerank: "default",
  includeReferences: true,
  includeChunkContent: false,
  historyTurns: 3,
};

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
  mode?: QueryMode;
  references?: Reference[];
  error?: string;
  /** The stream's progress steps (`include_progress`), kept with the answer. */
  progress?: string[];
  /** Seconds the service took, as the stream reported. */
  responseTime?: number;
}

/**
 * The line under a streamed answer: its progress steps and the time it took, or "" without them.
 *
 * @example
 * progressLine({ progress: ["keywords", "retrieval"], responseTime: 1.25 }); // "Steps: keywords → retrieval · 1.25 s"
 */
export function progressLine(message: { progress?: string[]; responseTime?: number }): string {
  const steps = message.progress?.length ? `Steps: ${message.progress.join(" → ")}` : "";
  const time = message.responseTime === undefined ? "" : `${message.responseTime} s`;
  return [steps, time].filter((part) => part !== "").join(" · ");
}

const list = (value: string) =>
  value
    .split(",")
    .map((word) => word.trim())
    .filter((word) => word !== "");

const positive = (value: string): number | undefined => {
  const n = Number(value);
  return value.trim() !== "" && Number.isInteger(n) && n > 0 ? n : undefined;
};

/**
 * The last `turns` user/assistant pairs of `history`, without failed answers.
 *
 * @example
 * historyFor([{ role: "user", content: "a" }, { role: "assistant", content: "b" }], 1); // both
 */
export function historyFor(
  history: readonly ChatMessage[],
  turns: number,
): { role: string; content: string }[] {
  if (turns <= 0) return [];
  const usable = history.filter((m) => !m.error && m.content !== "");
  return usable.slice(-turns * 2).map(({ role, content }) => ({ role, content }));
}

/**
 * The QueryRequest body: blank numeric fields are left out so the server's defaults apply.
 *
 * @example
 * queryBody({ ...DEFAULT_FORM, query: "who?" }, []).mode; // "mix"
 */
export function queryBody(form: QueryForm, history: readonly ChatMessage[]): Record<string, unknown> {
  const body: Record<string, unknown> = {
    query: form.query.trim(),
    mode: form.mode,
    stream: form.stream,
    response_type: form.responseType.trim() || undefined,
    top_k: positive(form.topK),
    chunk_top_k: positive(form.chunkTopK),
    max_entity_tokens: positive(form.maxEntityTokens),
    max_relation_tokens: positive(form.maxRelationTokens),
    max_total_tokens: positive(form.maxTotalTokens),
    hl_keywords: list(form.hlKeywords),
    ll_keywords: list(form.llKeywords),
    user_prompt: form.userPrompt.trim() || undefined,
    only_need_context: form.onlyNeedContext,
    only_need_prompt: form.onlyNeedPrompt,
    enable_rerank: form.rerank === "default" ? undefined : form.rerank === "on",
    include_references: form.includeReferences,
    include_chunk_content: form.includeChunkContent,
    conversation_history: historyFor(history, form.historyTurns),
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

export interface StreamState {
  answer: string;
  references: Reference[];
  progress: string[];
  error?: string;
  responseTime?: number;
}

/**
 * Folds one NDJSON line of `/query/stream` into the state: `progress`, `references`,
 * `response` (a delta), `error`, `response_time`.
 *
 * @example
 * applyStreamLine({ answer: "", references: [], progress: [] }, { response: "Hi" }).answer; // "Hi"
 */
export function applyStreamLine(state: StreamState, line: unknown): StreamState {
  if (!line || typeof line !== "object") return state;
  const l = line as Record<string, unknown>;
  let next = state;
  if (l.progress !== undefined) {
    const step = typeof l.progress === "string" ? l.progress : JSON.stringify(l.progress);
    next = { ...next, progress: [...next.progress, step] };
  }
  if (Array.isArray(l.references)) next = { ...next, references: l.references as Reference[] };
  if (typeof l.response === "string") next = { ...next, answer: next.answer + l.response };
  if (typeof l.error === "string") next = { ...next, error: l.error };
  if (typeof l.response_time === "number") next = { ...next, responseTime: l.response_time };
  return next;
}
