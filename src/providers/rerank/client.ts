/**
 * The resilient reranker: a cache lookup in the LLM cache (`default:rerank:{md5}` over the query,
 * the documents, `top_n` and the primary reranker's identity), then the failover chain — each
 * reranker behind its circuit breaker, with a deadline per attempt and full-jitter retries —
 * and finally accounting (role `rerank`, estimated input tokens) and the cache write.
 */
import type { Logger } from "../../observability/logger";
import type { CircuitBreaker } from "../breaker";
import { md5Hex } from "../cache-key";
import { type ProviderAttempt, ProviderError } from "../errors";
import { estimateTokens } from "../local/text";
import type { CachePort, UsagePort } from "../ports";
import { type RetryPolicy, withRetry } from "../retry";
import { withDeadline } from "../timed";
import type { RerankClient, RerankRequest, RerankResult } from "../types";
import type { RerankTransport } from "./transport";

/** One reranker of the chain with its breaker and deadline. */
export interface RerankLink {
  transport: RerankTransport;
  breaker: CircuitBreaker;
  timeoutMs: number;
}

export interface ResilientRerankOptions {
  chain: RerankLink[];
  retry: RetryPolicy;
  cache?: CachePort;
  usage?: UsagePort;
  logger?: Logger;
}

/** Every reranker of the chain failed; the query step then keeps the merge order (as LightRAG). */
export class RerankUnavailableError extends Error {
  constructor(readonly attempts: ProviderAttempt[]) {
    const summary = attempts
      .map((a) => `${a.provider} ${a.kind === "http" ? a.status : a.kind.replace("_", " ")}`)
      .join("; ");
    super(`Rerank providers unavailable (${summary || "none configured"})`);
    this.name = "RerankUnavailableError";
  }
}

const CACHE_TYPE = "rerank";

export class ResilientRerankClient implements RerankClient {
  readonly binding: string;
  readonly model: string;

  constructor(private readonly options: ResilientRerankOptions) {
    const primary = options.chain[0]?.transport;
    this.binding = primary?.binding ?? "null";
    this.model = primary?.model ?? "";
  }

  /** Circuit states, for the operators' status route. */
  status(): { provider: string; model: string; circuit: string }[] {
    return this.options.chain.map((l) => ({
      provider: l.transport.binding,
      model: l.transport.model,
      circuit: l.breaker.state,
    }));
  }

  async rerank(request: RerankRequest): Promise<RerankResult[]> {
    if (request.documents.length === 0) return [];
    const key = this.cacheKey(request);
    const hit = await this.readCache(request, key);
    if (hit) return hit;
    const { link, results } = await this.failover(request);
    const kept = request.topN === undefined ? results : results.slice(0, request.topN);
    await this.account(
      request,
      link.transport,
      estimateTokens([request.query, ...request.documents].join(" ")),
      "call",
    );
    await this.writeCache(request, key, kept, link.transport);
    return kept;
  }

  private async failover(request: RerankRequest): Promise<{ link: RerankLink; results: RerankResult[] }> {
    const attempts: ProviderAttempt[] = [];
    for (const link of this.options.chain) {
      const { transport, breaker } = link;
      if (!breaker.allow()) {
        attempts.push({ provider: transport.binding, model: transport.model, kind: "circuit_open" });
        continue;
      }
      try {
        const results = await withRetry(
          () =>
            withDeadline(transport.binding, link.timeoutMs, request.signal, (signal) =>
              transport.rerank(request.query, request.documents, request.topN, signal),
            ),
          this.options.retry,
          request.signal,
        );
        breaker.success();
        return { link, results };
      } catch (error) {
        if (request.signal?.aborted) {
          breaker.release();
          throw request.signal.reason;
        }
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError(transport.binding, "network", { cause: error });
        if (failure.countsAgainstProvider) breaker.failure();
        else breaker.release();
        attempts.push({
          provider: transport.binding,
          model: transport.model,
          kind: failure.kind,
          status: failure.status,
        });
        this.options.logger?.warn("rerank provider failed", {
          provider: transport.binding,
          model: transport.model,
          kind: failure.kind,
          status: failure.status,
          circuit: breaker.state,
        });
        await this.account(request, transport, 0, "error");
      }
    }
    throw new RerankUnavailableError(attempts);
  }

  private cacheKey(request: RerankRequest): string | undefined {
    if (!this.options.cache) return undefined;
    const primary = this.options.chain[0]?.transport;
    const who = { binding: primary?.binding, model: primary?.model, host: primary?.host ?? null };
    return `default:${CACHE_TYPE}:${md5Hex(JSON.stringify([request.query, request.documents, request.topN ?? null, who]))}`;
  }

  private async readCache(
    request: RerankRequest,
    key: string | undefined,
  ): Promise<RerankResult[] | undefined> {
    if (!key) return undefined;
    let text: string | undefined;
    try {
      text = await this.options.cache?.get(request.workspace, key);
    } catch (error) {
      this.options.logger?.warn("rerank cache read failed", { error: String(error) });
    }
    if (text === undefined) return undefined;
    let results: RerankResult[];
    try {
      results = JSON.parse(text) as RerankResult[];
    } catch {
      return undefined;
    }
    await this.account(request, { binding: this.binding, model: this.model }, 0, "cached");
    return results;
  }

  private async writeCache(
    request: RerankRequest,
    key: string | undefined,
    results: RerankResult[],
    transport: RerankTransport,
  ): Promise<void> {
    if (!key) return;
    try {
      await this.options.cache?.put(request.workspace, {
        id: key,
        cacheType: CACHE_TYPE,
        mode: "default",
        returnValue: JSON.stringify(results),
        originalPrompt: request.query,
        queryParam: { top_n: request.topN ?? null, documents: request.documents.length },
        provider: transport.binding,
        model: transport.model,
      });
    } catch (error) {
      this.options.logger?.warn("rerank cache write failed", { error: String(error) });
    }
  }

  private async account(
    request: RerankRequest,
    who: { binding: string; model: string },
    promptTokens: number,
    outcome: "call" | "cached" | "error",
  ): Promise<void> {
    try {
      await this.options.usage?.record({
        workspace: request.workspace,
        role: "rerank",
        provider: who.binding,
        model: who.model,
        promptTokens,
        completionTokens: 0,
        outcome,
      });
    } catch (error) {
      this.options.logger?.warn("rerank usage write failed", { error: String(error) });
    }
  }
}
