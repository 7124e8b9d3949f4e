/**
 * The resilient LLM client: cache lookup, a priority slot under LLM_MAX_ASYNC, then the role's
 * failover chain — each provider behind its circuit breaker, with a deadline per attempt and
 * full-jitter retries — and finally token accounting and the cache write.
 */
import type { Logger } from "../observability/logger";
import type { CircuitBreaker } from "./breaker";
import { type LlmIdentity, llmCacheKey } from "./cache-key";
import { LlmUnavailableError, type ProviderAttempt, ProviderError } from "./errors";
import { type PriorityLimiter, ROLE_PRIORITY } from "./limiter";
import { estimateTokens } from "./local/text";
import type { CachePort, UsagePort } from "./ports";
import { type RetryPolicy, withRetry } from "./retry";
import { startDeadline, withDeadline } from "./timed";
import type { ChatTransport, StreamEvent, TransportRequest } from "./transport";
import type { LlmClient, LlmRequest, LlmResponse, LlmRole, TokenUsage } from "./types";

/** One provider of a chain with its breaker and deadline. */
export interface ChainLink {
  transport: ChatTransport;
  breaker: CircuitBreaker;
  timeoutMs: number;
}

export interface ResilientLlmOptions {
  chains: Record<LlmRole, ChainLink[]>;
  /** The configured primary per role, which names cache keys. */
  identities: Record<LlmRole, LlmIdentity>;
  limiter: PriorityLimiter;
  retry: RetryPolicy;
  cache?: CachePort;
  /** Whether the cache is on for a role (ENABLE_LLM_CACHE / ENABLE_LLM_CACHE_FOR_EXTRACT). */
  cacheEnabled: (role: LlmRole) => boolean;
  usage?: UsagePort;
  defaults?: { temperature?: number; maxTokens?: number };
  logger?: Logger;
}

function promptText(request: LlmRequest): string {
  return [
    request.system ?? "",
    ...request.messages.map((message) => `${message.role}: ${message.content}`),
  ].join("\n");
}

function asProviderError(error: unknown, provider: string): ProviderError {
  return error instanceof ProviderError ? error : new ProviderError(provider, "network", { cause: error });
}

interface OpenStream {
  iterator: AsyncIterator<StreamEvent>;
  first: IteratorResult<StreamEvent>;
  close(): Promise<void>;
}

export class ResilientLlmClient implements LlmClient {
  constructor(private readonly options: ResilientLlmOptions) {}

  /** Circuit states and queue, for the operators' status route. */
  status(): {
    chains: Record<string, { provider: string; model: string; circuit: string }[]>;
    queue: unknown;
  } {
    const chains: Record<string, { provider: string; model: string; circuit: string }[]> = {};
    for (const [role, links] of Object.entries(this.options.chains)) {
      chains[role] = links.map((l) => ({
        provider: l.transport.binding,
        model: l.transport.model,
        circuit: l.breaker.state,
      }));
    }
    return { chains, queue: this.options.limiter.stats };
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const key = this.cacheKey(request);
    const hit = key ? await this.readCache(request, key) : undefined;
    if (hit) return hit;
    const release = await this.options.limiter.acquire(ROLE_PRIORITY[request.role], request.signal);
    let answered: { link: ChainLink; value: { text: string; usage?: TokenUsage } };
    try {
      answered = await this.failover(request, (link) =>
        withDeadline(link.transport.binding, link.timeoutMs, request.signal, (signal) =>
          link.transport.complete(this.toTransport(request), signal),
        ),
      );
    } finally {
      // The slot is for the provider call; bookkeeping below must not hold up the queue.
      release();
    }
    const { link, value: result } = answered;
    link.breaker.success();
    const { transport } = link;
    const usage = result.usage ?? {
      promptTokens: estimateTokens(promptText(request)),
      completionTokens: estimateTokens(result.text),
    };
    await this.account(request, transport, usage, "call");
    if (key) await this.writeCache(request, key, result.text, transport);
    return {
      text: result.text,
      usage,
      provider: transport.binding,
      model: transport.model,
      cached: false,
      cacheKey: key,
    };
  }

  async *stream(request: LlmRequest): AsyncIterable<string> {
    const key = this.cacheKey(request);
    const hit = key ? await this.readCache(request, key) : undefined;
    if (hit) {
      yield hit.text;
      return;
    }
    const release = await this.options.limiter.acquire(ROLE_PRIORITY[request.role], request.signal);
    try {
      const { link, value: open } = await this.failover(request, (link) => this.openStream(link, request));
      // From the first event on, this provider owns the answer: text already sent cannot be
      // taken back, so a failure now ends the stream instead of failing over.
      yield* this.drain(request, link, open);
    } finally {
      release();
    }
  }

  /**
   * Walks the role's chain: skips open circuits, retries each provider, and returns the first
   * success with its link (whose breaker the caller settles); throws when every link failed.
   */
  private async failover<T>(
    request: LlmRequest,
    call: (link: ChainLink) => Promise<T>,
  ): Promise<{ link: ChainLink; value: T }> {
    const attempts: ProviderAttempt[] = [];
    for (const link of this.options.chains[request.role]) {
      const { transport } = link;
      if (!link.breaker.allow()) {
        attempts.push({ provider: transport.binding, model: transport.model, kind: "circuit_open" });
        continue;
      }
      try {
        const value = await withRetry(
          () => call(link),
          this.options.retry,
          request.signal,
          (error, delayMs) =>
            this.options.logger?.warn("llm retry", {
              role: request.role,
              provider: error.provider,
              kind: error.kind,
              status: error.status,
              delay_ms: Math.round(delayMs),
            }),
        );
        return { link, value };
      } catch (error) {
        await this.onFailure(request, link, error, attempts);
      }
    }
    throw new LlmUnavailableError("LLM", attempts);
  }

  private async *drain(request: LlmRequest, link: ChainLink, open: OpenStream): AsyncIterable<string> {
    const { transport } = link;
    let text = "";
    const usage: Partial<TokenUsage> = {};
    let failed = false;
    try {
      for (let step = open.first; !step.done; step = await open.iterator.next()) {
        const event = step.value;
        if ("delta" in event) {
          text += event.delta;
          yield event.delta;
        } else {
          Object.assign(usage, event.usage);
        }
      }
      link.breaker.success();
    } catch (error) {
      failed = true;
      if (request.signal?.aborted) throw request.signal.reason;
      const failure = asProviderError(error, transport.binding);
      if (failure.countsAgainstProvider) link.breaker.failure();
      else link.breaker.release();
      throw failure;
    } finally {
      await open.close();
      link.breaker.release();
      const counted = {
        promptTokens: usage.promptTokens ?? estimateTokens(promptText(request)),
        completionTokens: usage.completionTokens ?? estimateTokens(text),
      };
      await this.account(request, transport, counted, failed ? "error" : "call");
    }
  }

  private async openStream(link: ChainLink, request: LlmRequest): Promise<OpenStream> {
    const deadline = startDeadline(link.transport.binding, link.timeoutMs, request.signal);
    const iterator = link.transport
      .stream(this.toTransport(request), deadline.signal)
      [Symbol.asyncIterator]();
    const close = async () => {
      deadline.done();
      await iterator.return?.().catch(() => undefined);
    };
    try {
      return { iterator, first: await iterator.next(), close };
    } catch (error) {
      await close();
      throw error;
    }
  }

  private async onFailure(
    request: LlmRequest,
    link: ChainLink,
    error: unknown,
    attempts: ProviderAttempt[],
  ): Promise<void> {
    const { transport } = link;
    if (request.signal?.aborted) {
      link.breaker.release();
      throw request.signal.reason;
    }
    const failure = asProviderError(error, transport.binding);
    if (failure.countsAgainstProvider) link.breaker.failure();
    else link.breaker.release();
    attempts.push({
      provider: transport.binding,
      model: transport.model,
      kind: failure.kind,
      status: failure.status,
    });
    this.options.logger?.warn("llm provider failed", {
      role: request.role,
      provider: transport.binding,
      model: transport.model,
      kind: failure.kind,
      status: failure.status,
      circuit: link.breaker.state,
    });
    await this.account(request, transport, { promptTokens: 0, completionTokens: 0 }, "error");
  }

  private toTransport(request: LlmRequest): TransportRequest {
    return {
      system: request.system,
      messages: request.messages,
      json: request.json,
      temperature: request.temperature ?? this.options.defaults?.temperature,
      maxTokens: request.maxTokens ?? this.options.defaults?.maxTokens,
    };
  }

  private cacheKey(request: LlmRequest): string | undefined {
    if (!this.options.cache || request.cache?.skip || !this.options.cacheEnabled(request.role))
      return undefined;
    return llmCacheKey(request, this.options.identities[request.role]);
  }

  private async readCache(request: LlmRequest, key: string): Promise<LlmResponse | undefined> {
    const identity = this.options.identities[request.role];
    let text: string | undefined;
    try {
      text = await this.options.cache?.get(request.workspace, key);
    } catch (error) {
      // A cache outage costs tokens, not availability.
      this.options.logger?.warn("llm cache read failed", { error: String(error) });
    }
    if (text === undefined) return undefined;
    request.cache?.onHit?.();
    await this.account(
      request,
      { binding: identity.binding, model: identity.model },
      { promptTokens: 0, completionTokens: 0 },
      "cached",
    );
    return {
      text,
      usage: { promptTokens: 0, completionTokens: 0 },
      provider: identity.binding,
      model: identity.model,
      cached: true,
      cacheKey: key,
    };
  }

  private async writeCache(
    request: LlmRequest,
    key: string,
    text: string,
    transport: ChatTransport,
  ): Promise<void> {
    const [mode = "default", cacheType = request.role] = key.split(":");
    try {
      await this.options.cache?.put(request.workspace, {
        id: key,
        cacheType,
        mode,
        returnValue: text,
        originalPrompt: promptText(request),
        chunkId: request.cache?.chunkId,
        queryParam: request.cache?.queryParam,
        provider: transport.binding,
        model: transport.model,
      });
    } catch (error) {
      this.options.logger?.warn("llm cache write failed", { error: String(error) });
    }
  }

  private async account(
    request: LlmRequest,
    who: { binding: string; model: string },
    usage: TokenUsage,
    outcome: "call" | "cached" | "error",
  ): Promise<void> {
    try {
      await this.options.usage?.record({
        workspace: request.workspace,
        role: request.role,
        provider: who.binding,
        model: who.model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        outcome,
      });
    } catch (error) {
      this.options.logger?.warn("llm usage write failed", { error: String(error) });
    }
  }
}
