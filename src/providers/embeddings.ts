/**
 * The resilient embedding client: batches of EMBEDDING_BATCH_NUM, at most
 * EMBEDDING_FUNC_MAX_ASYNC batches in flight, a deadline and retries per batch, a circuit
 * breaker, dimension checks and token accounting. No failover: another model would put
 * vectors in a different space.
 */
import type { Logger } from "../observability/logger";
import type { CircuitBreaker } from "./breaker";
import { LlmUnavailableError, ProviderError } from "./errors";
import { estimateTokens } from "./local/text";
import type { UsagePort } from "./ports";
import { type RetryPolicy, withRetry } from "./retry";
import { withDeadline } from "./timed";
import type { EmbeddingTransport } from "./transport";
import type { EmbeddingClient, EmbeddingRequest } from "./types";

export interface ResilientEmbeddingOptions {
  transport: EmbeddingTransport;
  dimension: number;
  batchSize: number;
  maxAsync: number;
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: CircuitBreaker;
  usage?: UsagePort;
  logger?: Logger;
}

export class ResilientEmbeddingClient implements EmbeddingClient {
  readonly model: string;
  readonly dimension: number;

  constructor(private readonly options: ResilientEmbeddingOptions) {
    this.model = options.transport.model;
    this.dimension = options.dimension;
  }

  async embed(request: EmbeddingRequest): Promise<Float32Array[]> {
    const { batchSize, maxAsync } = this.options;
    const batches: string[][] = [];
    for (let i = 0; i < request.texts.length; i += batchSize)
      batches.push(request.texts.slice(i, i + batchSize));
    const results: Float32Array[][] = new Array(batches.length);
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const index = next++;
        results[index] = await this.embedBatch(batches[index] ?? [], request);
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxAsync, batches.length) }, worker));
    return results.flat();
  }

  private async embedBatch(texts: string[], request: EmbeddingRequest): Promise<Float32Array[]> {
    const { transport, breaker } = this.options;
    const provider = transport.binding;
    if (!breaker.allow())
      throw new LlmUnavailableError("Embedding", [{ provider, model: this.model, kind: "circuit_open" }]);
    try {
      const result = await withRetry(
        () =>
          withDeadline(provider, this.options.timeoutMs, request.signal, (signal) =>
            transport.embed(texts, signal),
          ),
        this.options.retry,
        request.signal,
      );
      const vectors = this.check(result.vectors, texts.length);
      breaker.success();
      await this.account(request.workspace, result.promptTokens ?? estimateTokens(texts.join(" ")), "call");
      return vectors;
    } catch (error) {
      if (request.signal?.aborted) {
        breaker.release();
        throw request.signal.reason;
      }
      const failure =
        error instanceof ProviderError ? error : new ProviderError(provider, "network", { cause: error });
      if (failure.countsAgainstProvider) breaker.failure();
      else breaker.release();
      this.options.logger?.warn("embedding provider failed", {
        provider,
        kind: failure.kind,
        status: failure.status,
      });
      await this.account(request.workspace, 0, "error");
      throw new LlmUnavailableError("Embedding", [
        { provider, model: this.model, kind: failure.kind, status: failure.status },
      ]);
    }
  }

  /** One vector per text, each of EMBEDDING_DIM floats; anything else is the provider's fault. */
  private check(vectors: number[][], expected: number): Float32Array[] {
    const provider = this.options.transport.binding;
    if (vectors.length !== expected) throw new ProviderError(provider, "malformed");
    return vectors.map((vector) => {
      if (vector.length !== this.dimension) {
        this.options.logger?.error("embedding dimension mismatch", {
          provider,
          got: vector.length,
          EMBEDDING_DIM: this.dimension,
        });
        throw new ProviderError(provider, "malformed");
      }
      return Float32Array.from(vector);
    });
  }

  private async account(workspace: string, promptTokens: number, outcome: "call" | "error"): Promise<void> {
    try {
      await this.options.usage?.record({
        workspace,
        role: "embedding",
        provider: this.options.transport.binding,
        model: this.model,
        promptTokens,
        completionTokens: 0,
        outcome,
      });
    } catch (error) {
      this.options.logger?.warn("embedding usage write failed", { error: String(error) });
    }
  }
}
