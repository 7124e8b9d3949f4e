/**
 * LLM provider-layer benchmark against the stub server (tools/stub-llm, 200 ms per call by
 * default), in Node with the same client code the Worker runs. Prints medians and ratios for:
 *
 * 1. priority: query calls arriving behind a backlog of extraction calls, with the priority
 *    limiter vs plain FIFO, at LLM_MAX_ASYNC slots;
 * 2. failover: latency when the primary answers 500 (one wasted round trip) vs a healthy
 *    primary, and once the primary's circuit is open (no wasted round trip).
 *
 *   npx tsx bench/llm-providers.ts --latency-ms 200 --max-async 4 --backlog 40 --queries 8 --rounds 3
 */
import { parseArgs } from "node:util";
import { CircuitBreaker } from "../src/providers/breaker";
import { type ChainLink, ResilientLlmClient } from "../src/providers/chain";
import { PriorityLimiter } from "../src/providers/limiter";
import { AnthropicTransport } from "../src/providers/remote/anthropic";
import { bearerHeaders, OpenAiChatTransport, openAiEndpoint } from "../src/providers/remote/openai";
import type { LlmRequest, LlmRole } from "../src/providers/types";
import { startStubServer } from "../tools/stub-llm/server.mjs";

const { values } = parseArgs({
  options: {
    "latency-ms": { type: "string", default: "200" },
    "max-async": { type: "string", default: "4" },
    backlog: { type: "string", default: "40" },
    queries: { type: "string", default: "8" },
    rounds: { type: "string", default: "3" },
  },
});
const LATENCY = Number(values["latency-ms"]);
const MAX_ASYNC = Number(values["max-async"]);
const BACKLOG = Number(values.backlog);
const QUERIES = Number(values.queries);
const ROUNDS = Number(values.rounds);
const RETRY = { maxRetries: 0, baseMs: 10, maxMs: 1000 };

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

function openaiLink(base: string, breaker = new CircuitBreaker(1000, 60_000)): ChainLink {
  const spec = { binding: "openai" as const, model: "gpt-bench", host: `${base}/v1`, timeoutMs: 30_000 };
  return {
    transport: new OpenAiChatTransport(
      spec,
      openAiEndpoint(spec.host, "chat/completions", bearerHeaders("k")),
    ),
    breaker,
    timeoutMs: 30_000,
  };
}

function anthropicLink(base: string): ChainLink {
  const spec = {
    binding: "anthropic" as const,
    model: "claude-bench",
    host: base,
    apiKey: "k",
    timeoutMs: 30_000,
  };
  return {
    transport: new AnthropicTransport(spec),
    breaker: new CircuitBreaker(1000, 60_000),
    timeoutMs: 30_000,
  };
}

function client(links: ChainLink[], limiter: PriorityLimiter): ResilientLlmClient {
  const chains = { extract: links, keyword: links, query: links, summary: links } as Record<
    LlmRole,
    ChainLink[]
  >;
  const identity = { role: "query" as const, binding: "openai", model: "gpt-bench" };
  return new ResilientLlmClient({
    chains,
    identities: { extract: identity, keyword: identity, query: identity, summary: identity },
    limiter,
    retry: RETRY,
    cacheEnabled: () => false,
  });
}

const request = (role: LlmRole, i: number): LlmRequest => ({
  role,
  system:
    role === "extract"
      ? "Use <|#|> delimiters."
      : '{"reference_id":"1","content":"Ada wrote the first program."}',
  messages: [
    {
      role: "user",
      content:
        role === "extract"
          ? `---Input Text---\nAda Lovelace met Charles Babbage ${i}.`
          : "Who wrote the first program?",
    },
  ],
  workspace: "bench",
});

/** Query latencies (ms) when QUERIES arrive 50 ms after a backlog of BACKLOG extraction calls. */
async function queriesBehindBacklog(base: string, fifo: boolean): Promise<number[]> {
  const limiter = new PriorityLimiter(MAX_ASYNC);
  if (fifo) {
    // Same limiter with every call at one priority: plain arrival order.
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = (_priority, signal) => acquire(1, signal);
  }
  const llm = client([openaiLink(base)], limiter);
  const backlog = Array.from({ length: BACKLOG }, (_, i) => llm.complete(request("extract", i)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const latencies = await Promise.all(
    Array.from({ length: QUERIES }, async (_, i) => {
      const started = performance.now();
      await llm.complete(request("query", i));
      return performance.now() - started;
    }),
  );
  await Promise.all(backlog);
  return latencies;
}

async function sequential(llm: ResilientLlmClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await llm.complete(request("query", i));
    out.push(performance.now() - started);
  }
  return out;
}

const stub = await startStubServer({ latencyMs: LATENCY });
try {
  const scope = (name: string) => `${stub.url}/s/${name}-${Date.now()}`;
  const priority: number[] = [];
  const fifo: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    priority.push(median(await queriesBehindBacklog(scope("prio"), false)));
    fifo.push(median(await queriesBehindBacklog(scope("fifo"), true)));
  }
  console.log(
    `stub latency ${LATENCY} ms, LLM_MAX_ASYNC=${MAX_ASYNC}, backlog ${BACKLOG} extract calls, ${QUERIES} queries, ${ROUNDS} rounds`,
  );
  console.log(`query latency behind backlog, priority limiter: median ${median(priority).toFixed(0)} ms`);
  console.log(`query latency behind backlog, FIFO:             median ${median(fifo).toFixed(0)} ms`);
  console.log(`FIFO / priority: ${(median(fifo) / median(priority)).toFixed(2)}x`);

  const healthy = scope("healthy");
  const direct = median(
    await sequential(client([openaiLink(healthy)], new PriorityLimiter(MAX_ASYNC)), 5 * ROUNDS),
  );
  const failing = scope("failing");
  await fetch(`${failing}/__stub/faults`, {
    method: "POST",
    body: JSON.stringify({ faults: [{ kind: "500", times: 1_000 }] }),
  });
  const fallback = scope("fallback");
  const viaFailover = median(
    await sequential(
      client([openaiLink(failing), anthropicLink(fallback)], new PriorityLimiter(MAX_ASYNC)),
      5 * ROUNDS,
    ),
  );
  const breaker = new CircuitBreaker(2, 60_000);
  const withBreaker = client(
    [openaiLink(failing, breaker), anthropicLink(fallback)],
    new PriorityLimiter(MAX_ASYNC),
  );
  await sequential(withBreaker, 2);
  const viaOpenCircuit = median(await sequential(withBreaker, 5 * ROUNDS));
  console.log(`answer from healthy primary:          median ${direct.toFixed(0)} ms`);
  console.log(
    `answer via failover (primary 500):    median ${viaFailover.toFixed(0)} ms (${(viaFailover / direct).toFixed(2)}x)`,
  );
  console.log(
    `answer via failover, circuit open:    median ${viaOpenCircuit.toFixed(0)} ms (${(viaOpenCircuit / direct).toFixed(2)}x)`,
  );
} finally {
  await stub.close();
}
