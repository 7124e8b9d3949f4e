/**
 * Provider faults during ingestion (issue 18, item 6): storms of 429 with Retry-After, 500s,
 * hangs past the deadline and malformed answers from the LLM and the embedding provider, over
 * real HTTP to the stub (tools/stub-llm), while a few documents are ingested through the
 * pipeline's own batch processing. No document is lost (processed, or failed with a reason and
 * processed by the retry), the second provider takes over, the primary's circuit opens and
 * closes again, and the stub never sees more calls than the retries allow.
 * bench/provider-faults.ts runs the same storm on docs-1mb against `wrangler dev`.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { processDocuments } from "../../src/pipeline/ingest-consumer";
import { buildProviders } from "../../src/providers";
import type { ResilientLlmClient } from "../../src/providers/chain";
import type { EmbeddingClient, EmbeddingRequest, LlmClient, LlmRequest } from "../../src/providers/types";
import { registerDocuments } from "../../src/rag/documents";
import type { RagDeps } from "../../src/rag/types";
import { ragSettings } from "../../src/runtime/settings";
import { deps as engineDeps, inProcessCoordinator, log, orphans } from "../rag/engine-helpers";
import { configWith, StubScope, workspaceId } from "./helpers";

const DOCS = [
  "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
  "Grace Hopper developed COBOL at Remington Rand. COBOL influenced business computing.",
  "Alan Turing worked at Bletchley Park in England. Alan Turing proposed the Turing Machine.",
  "Marie Curie studied radioactivity in Paris. Marie Curie worked with Pierre Curie.",
  "Niels Bohr founded an institute in Copenhagen. Niels Bohr debated Albert Einstein.",
  "Rosalind Franklin worked at King's College London. Rosalind Franklin photographed DNA.",
].map((text, i) => ({ text, source: `doc-${i}.txt` }));

const RETRIES = 2;

/** The engine's own LLM calls (each may cost up to (1 + retries) per provider at the stub). */
function countingLlm(inner: LlmClient): LlmClient & { calls: number } {
  const counted = {
    calls: 0,
    complete: (request: LlmRequest) => {
      counted.calls++;
      return inner.complete(request);
    },
    stream: (request: LlmRequest) => {
      counted.calls++;
      return inner.stream(request);
    },
  };
  return counted;
}

/** The engine's embedding calls (one provider request per call for these small batches). */
function countingEmbeddings(inner: EmbeddingClient): EmbeddingClient & { calls: number } {
  const counted = {
    calls: 0,
    model: inner.model,
    dimension: inner.dimension,
    embed: (request: EmbeddingRequest) => {
      counted.calls++;
      return inner.embed(request);
    },
  };
  return counted;
}

describe("provider fault storms during ingestion", { timeout: 60_000 }, () => {
  it("loses no document, fails over, opens and closes the circuit, and stays within the retries", async () => {
    const primary = new StubScope("storm-primary");
    const fallback = new StubScope("storm-fallback");
    const embedder = new StubScope("storm-embed");
    const config = configWith({
      LLM_BINDING: "openai",
      LLM_MODEL: "stub",
      LLM_BINDING_HOST: primary.v1,
      LLM_BINDING_API_KEY: "k",
      LLM_FALLBACKS: `openai|stub-fallback|${fallback.v1}`,
      OPENAI_API_KEY: "k",
      EMBEDDING_BINDING: "openai",
      EMBEDDING_MODEL: "stub-embed",
      EMBEDDING_BINDING_HOST: embedder.v1,
      EMBEDDING_BINDING_API_KEY: "k",
      LLM_MAX_RETRIES: String(RETRIES),
      LLM_RETRY_BASE_MS: "10",
      LLM_RETRY_MAX_MS: "1500",
      LLM_TIMEOUT: "1",
      EMBEDDING_TIMEOUT: "1",
      LLM_BREAKER_THRESHOLD: "3",
      LLM_BREAKER_COOLDOWN: "0.3",
      MAX_GLEANING: "0",
      ENABLE_LLM_CACHE: "false",
      ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    });
    const providers = buildProviders(env, config);
    const llm = countingLlm(providers.llm);
    const embeddings = countingEmbeddings(providers.embeddings);
    const base = engineDeps();
    const deps: RagDeps = { ...base, llm, embeddings, settings: ragSettings(config) };
    const coordinator = inProcessCoordinator(deps);
    const workspace = workspaceId("storm");
    const { accepted } = await registerDocuments(deps.stores, workspace, DOCS, "insert");
    const ids = accepted.map((doc) => doc.id);

    // The storm: Retry-After within the wait cap (waited), above it (straight to the
    // fallback), 500s, hangs past LLM_TIMEOUT and malformed answers, on both providers' paths.
    await primary.faults(
      { kind: "429", retryAfter: 1, times: 2 },
      { kind: "429", retryAfter: 30, times: 3 },
      { kind: "500", times: 6 },
      { kind: "hang", times: 2 },
      { kind: "malformed", times: 1 },
    );
    await fallback.faults({ kind: "500", times: 2 }, { kind: "429", retryAfter: 1, times: 1 });
    await embedder.faults(
      { kind: "429", retryAfter: 1, times: 1 },
      { kind: "500", times: 3 },
      { kind: "hang", times: 1 },
      { kind: "malformed", times: 3 },
    );

    const circuits = new Set<string>();
    const status = () => (providers.llm as ResilientLlmClient).status().chains.extract?.[0]?.circuit;
    const watch = setInterval(() => circuits.add(String(status())), 5);
    let first: Awaited<ReturnType<typeof processDocuments>>;
    try {
      first = await processDocuments(deps, coordinator, workspace, ids, { parallel: 6, log });
    } finally {
      clearInterval(watch);
    }
    const afterFirst = await deps.stores.documents.get(workspace, ids);
    // Every failure is recorded with its reason; nothing is left half-way.
    for (const doc of afterFirst) {
      expect(["processed", "failed"]).toContain(doc.status);
      if (doc.status === "failed") expect(doc.errorMsg, doc.id).toBeTruthy();
    }
    expect(first.failures.map((f) => f.docId).sort()).toEqual(
      afterFirst
        .filter((d) => d.status === "failed")
        .map((d) => d.id)
        .sort(),
    );

    // The queue's retry of the failed ones, after the storm.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const retry = first.failures.map((f) => f.docId);
    if (retry.length > 0) await processDocuments(deps, coordinator, workspace, retry, { parallel: 6, log });
    // The primary has recovered (the storm's faults it has not served yet are dropped, since
    // how many it served depends on when its circuit was open): once the cooldown is over, its
    // trial call closes the circuit.
    await primary.clearFaults();
    await new Promise((resolve) => setTimeout(resolve, 350));
    await llm.complete({
      role: "extract",
      workspace,
      messages: [{ role: "user", content: "Ada Lovelace." }],
    });
    const final = await deps.stores.documents.get(workspace, ids);
    expect(final.map((d) => d.status)).toEqual(ids.map(() => "processed"));
    expect(await orphans(workspace)).toEqual([]);

    const [primaryCalls, fallbackCalls, embedCalls] = await Promise.all([
      primary.requests(),
      fallback.requests(),
      embedder.requests(),
    ]);
    const chat = (list: { path: string }[]) => list.filter((r) => r.path.includes("chat")).length;
    console.info(
      JSON.stringify({
        docs: ids.length,
        failed_first_round: retry.length,
        engine_llm_calls: llm.calls,
        primary_requests: chat(primaryCalls),
        fallback_requests: chat(fallbackCalls),
        engine_embedding_calls: embeddings.calls,
        embedding_requests: embedCalls.length,
        circuits: [...circuits],
      }),
    );
    // Failover used; the circuit opened, and closed again once the primary answered.
    expect(chat(fallbackCalls)).toBeGreaterThan(0);
    expect(circuits.has("open")).toBe(true);
    expect(status()).toBe("closed");
    // Never more provider calls than retries allow: (1 + retries) per provider per engine call.
    expect(chat(primaryCalls)).toBeLessThanOrEqual(llm.calls * (1 + RETRIES));
    expect(chat(fallbackCalls)).toBeLessThanOrEqual(llm.calls * (1 + RETRIES));
    expect(embedCalls.length).toBeLessThanOrEqual(embeddings.calls * (1 + RETRIES));
  });
});
