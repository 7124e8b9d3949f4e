/**
 * One query end to end (LightRAG's `aquery_llm`): keywords, retrieval, then the context, the
 * prompt, a cached answer or a fresh one from the query LLM, whole or streamed.
 */
import type { ChatMessage, LlmRequest } from "../../providers/types";
import { answerCacheOptions } from "./cache-args";
import { type QueryKeywords, resolveKeywords } from "./keywords";
import type { QueryParams } from "./params";
import { primed } from "./primed";
import {
  EMPTY_RESPONSE,
  FAIL_RESPONSE,
  naiveResponsePrompt,
  ragResponsePrompt,
  USER_QUERY_MARKER,
} from "./prompts";
import { retrieve } from "./retrieve";
import { type PhaseTimer, timed } from "./timings";
import { loadTokenizer } from "./tokens";
import type { ProgressStep, QueryDeps, Reference, RetrievalResult } from "./types";

export interface RetrievalRun {
  keywords: QueryKeywords;
  /** `null`: nothing found, or no keywords for a long query. */
  retrieval: RetrievalResult | null;
}

export interface QueryRun extends RetrievalRun {
  /** The answer, the context or the prompt; an iterator only for fresh streamed answers. */
  response: string | AsyncIterable<string>;
  references: Reference[];
  cacheHit: boolean;
}

export interface RunOptions {
  onProgress?: (step: ProgressStep) => void;
  /** Records phase timings (the routes' `Server-Timing` header). */
  timer?: PhaseTimer;
}

/**
 * Keywords and retrieval only: what `/query/data` returns and every other mode builds on.
 *
 * @example
 * const { keywords, retrieval } = await retrieveForQuery(deps, "default", "Who founded Acme?", params);
 */
export async function retrieveForQuery(
  deps: QueryDeps,
  workspace: string,
  query: string,
  params: QueryParams,
  options: RunOptions = {},
): Promise<RetrievalRun> {
  const given = { high: params.hlKeywords, low: params.llKeywords };
  if (params.mode === "bypass") return { keywords: given, retrieval: null };
  let keywords: QueryKeywords | null = given;
  if (params.mode !== "naive") {
    options.onProgress?.("extracting_keywords");
    keywords = await timed(options.timer, "keywords", () =>
      resolveKeywords(deps.llm, workspace, query, given, params.mode),
    );
    if (!keywords) return { keywords: given, retrieval: null };
  }
  const tokenizer = await loadTokenizer();
  const retrieval = await retrieve(deps, {
    workspace,
    query,
    params,
    keywords,
    tokenizer,
    onProgress: options.onProgress,
    timer: options.timer,
  });
  return { keywords, retrieval };
}

function llmRequest(
  workspace: string,
  system: string | undefined,
  query: string,
  params: QueryParams,
): LlmRequest {
  const messages: ChatMessage[] = [...params.conversationHistory, { role: "user", content: query }];
  return { role: "query", system, messages, workspace };
}

/**
 * Answers `query` in `params.mode`.
 *
 * @example
 * const run = await runQuery(deps, "default", "Who founded Acme?", params);
 * typeof run.response === "string" ? run.response : for await (const piece of run.response) …
 */
export async function runQuery(
  deps: QueryDeps,
  workspace: string,
  query: string,
  params: QueryParams,
  options: RunOptions = {},
): Promise<QueryRun> {
  if (params.mode === "bypass") {
    const keywords = { high: params.hlKeywords, low: params.llKeywords };
    options.onProgress?.("generating_response");
    const request = llmRequest(workspace, undefined, query, params);
    const response = params.stream ? deps.llm.stream(request) : await complete(deps, request);
    return { keywords, retrieval: null, response, references: [], cacheHit: false };
  }
  const run = await retrieveForQuery(deps, workspace, query, params, options);
  const { retrieval } = run;
  if (!retrieval) return { ...run, response: FAIL_RESPONSE, references: [], cacheHit: false };
  const references = retrieval.references;
  if (params.onlyNeedContext) return { ...run, response: retrieval.context, references, cacheHit: false };
  const build = params.mode === "naive" ? naiveResponsePrompt : ragResponsePrompt;
  const system = build(retrieval.context, params.responseType, params.userPrompt);
  if (params.onlyNeedPrompt) {
    return { ...run, response: `${system}${USER_QUERY_MARKER}${query}`, references, cacheHit: false };
  }
  options.onProgress?.("generating_response");
  // The LLM client owns the answer cache (llm_cache): it reads on both paths, writes only whole answers.
  let cacheHit = false;
  const request = {
    ...llmRequest(workspace, system, query, params),
    cache: { ...answerCacheOptions(query, params, run.keywords), onHit: () => (cacheHit = true) },
  };
  if (params.stream) {
    // Waiting for the first piece settles the cache read, so a streamed hit is known (and counted) too.
    const response = await primed(deps.llm.stream(request));
    return { ...run, response, references, cacheHit };
  }
  const answer = await deps.llm.complete(request);
  const text = answer.text.trim() === "" ? EMPTY_RESPONSE : answer.text;
  return { ...run, response: text, references, cacheHit: answer.cached };
}

async function complete(deps: QueryDeps, request: LlmRequest): Promise<string> {
  const { text } = await deps.llm.complete(request);
  return text.trim() === "" ? EMPTY_RESPONSE : text;
}
