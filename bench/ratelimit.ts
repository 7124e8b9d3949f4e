/**
 * Added latency of the rate limiter per request: the same route on three `wrangler dev --local`
 * instances (rate limits off, on with Durable Objects, on with Upstash through the REST harness
 * and the local redis-server), requests interleaved so drift hits all three alike.
 * Prints p50/p95 per variant and the difference to "off". Everything stays on 127.0.0.1.
 *
 *   npx tsx bench/ratelimit.ts [--requests 500] [--path /auth-status] [--base-port 9861]
 *
 * Ports: base, base+1, base+2 for the three instances, +100 for their inspectors.
 */
import { parseArgs } from "node:util";
import { type LocalWorker, startLocalWorker } from "../scripts/lib/dev-server";
import { startUpstashHarness } from "../scripts/upstash-rest-harness";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "500" },
    warmup: { type: "string", default: "50" },
    path: { type: "string", default: "/auth-status" },
    "base-port": { type: "string", default: "9861" },
  },
});
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const ROUTE = values.path ?? "/auth-status";
const BASE_PORT = Number(values["base-port"]);
/** High enough that the bench never sees a 429: it measures the check, not the refusal. */
const NEVER_HIT = "1000000000";

interface Variant {
  name: string;
  port: number;
  vars: Record<string, string>;
  worker?: LocalWorker;
  samples: number[];
}

async function start(variant: Variant): Promise<void> {
  variant.worker = await startLocalWorker({
    port: variant.port,
    vars: variant.vars,
    label: `bench-rl-${variant.name}`,
  });
}

async function timed(variant: Variant): Promise<number> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${variant.port}${ROUTE}`);
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (res.status !== 200) throw new Error(`${variant.name}: ${ROUTE} answered ${res.status}`);
  if (variant.vars.RATE_LIMIT_ENABLED === "true" && !res.headers.get("RateLimit-Limit")) {
    throw new Error(`${variant.name}: no RateLimit-Limit header, the limiter did not run`);
  }
  return elapsed;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

async function main(): Promise<void> {
  const harness = await startUpstashHarness();
  const variants: Variant[] = [
    { name: "off", port: BASE_PORT, vars: { RATE_LIMIT_ENABLED: "false" }, samples: [] },
    {
      name: "durable_object",
      port: BASE_PORT + 1,
      vars: { RATE_LIMIT_ENABLED: "true", RATE_LIMIT_DEFAULT_LIMIT: NEVER_HIT },
      samples: [],
    },
    {
      name: "upstash",
      port: BASE_PORT + 2,
      vars: {
        RATE_LIMIT_ENABLED: "true",
        RATE_LIMIT_DEFAULT_LIMIT: NEVER_HIT,
        RATE_LIMIT_BACKEND: "upstash",
        UPSTASH_REDIS_REST_URL: harness.url,
        UPSTASH_REDIS_REST_TOKEN: harness.token,
      },
      samples: [],
    },
  ];
  try {
    await Promise.all(variants.map(start));
    for (let i = 0; i < WARMUP; i++) for (const variant of variants) await timed(variant);
    for (let i = 0; i < REQUESTS; i++) {
      for (const variant of shuffle(variants)) variant.samples.push(await timed(variant));
    }
    const off = [...(variants[0]?.samples ?? [])].sort((a, b) => a - b);
    console.log(
      `route GET ${ROUTE}, ${REQUESTS} sequential requests per variant after ${WARMUP} warm-up, interleaved`,
    );
    console.log("variant          p50 ms   p95 ms   +p50 ms  +p95 ms  p50 ratio");
    for (const variant of variants) {
      const sorted = [...variant.samples].sort((a, b) => a - b);
      const [p50, p95] = [percentile(sorted, 50), percentile(sorted, 95)];
      const [base50, base95] = [percentile(off, 50), percentile(off, 95)];
      console.log(
        `${variant.name.padEnd(15)} ${p50.toFixed(2).padStart(7)} ${p95.toFixed(2).padStart(8)} ${(
          p50 - base50
        )
          .toFixed(2)
          .padStart(9)} ${(p95 - base95).toFixed(2).padStart(8)} ${(p50 / base50).toFixed(2).padStart(10)}`,
      );
    }
  } finally {
    for (const variant of variants) variant.worker?.stop();
    await harness.close();
  }
}

await main();
