/**
 * Reproduces, without any of the project's code, the `503 Your worker restarted mid-request`
 * that `wrangler dev` answers under the load bench: a 40-line Worker whose queue consumer works
 * for 8 s, in one of several ways, while a POST and a GET are sent to the Worker. When the consumer calls
 * a Durable Object back to back (in the local runtime the object lives on the Worker's thread,
 * so every call completes in-process), the runtime reads no socket until the batch ends; the
 * POST then gets wrangler's 503 (its kept-alive connection was reset) and the GET is retried by
 * the proxy. Awaiting timers, or 200 ms of CPU between object calls, leaves both answered at once.
 * Which pause between object calls is enough (the service's pacing, src/storage/pace.ts): a 1 ms
 * timer every 20 ms, also with 16 chains side by side, was in every run; `setTimeout(0)`,
 * `scheduler.wait(0)` and a resolved promise were not in a first run (quiet machine: 503 after
 * 7 s) and were in a second (loaded machine: answered in < 100 ms), so they are not relied on.
 * Explanation and upstream issues: docs/operations.md ("Why wrangler dev answers 503").
 *
 *   npx tsx bench/dev-proxy-503.ts                       # every consumer, 8 s each
 *   npx tsx bench/dev-proxy-503.ts --modes object-calls,paced-1ms   # some of them
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startDevServer } from "../scripts/lib/dev-server";

/** How the consumer spends its time; the Worker below implements each. */
const MODES = [
  "timers",
  "object-calls",
  "cpu-and-object-calls",
  "object-calls-microtask",
  "object-calls-timeout-0",
  "object-calls-wait-0",
  "paced-1ms",
  "paced-1ms-16-chains",
  // Not a consumer: the Worker's thread busy for N s in one request (see main()).
  "stall",
];

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "9939" },
    seconds: { type: "string", default: "8" },
    modes: { type: "string", default: MODES.join(",") },
    // wrangler: `wrangler dev` (its ProxyWorker in front); local: scripts/start-local.ts (npm start's front).
    front: { type: "string", default: "wrangler" },
  },
});

const WORKER = `
import { DurableObject } from "cloudflare:workers";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export class Counter extends DurableObject {
  async bump() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS c(n)");
    this.ctx.storage.sql.exec("INSERT INTO c VALUES (1)");
  }
}
export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    if (url.pathname === "/stall") {
      const end = Date.now() + Number(url.searchParams.get("ms"));
      while (Date.now() < end) {}
      return new Response("stalled");
    }
    if (url.pathname === "/enqueue") {
      await env.Q.send({ ms: Number(url.searchParams.get("ms")), mode: url.searchParams.get("mode") });
      return new Response("queued");
    }
    return new Response("pong");
  },
  async queue(batch, env) {
    for (const m of batch.messages) {
      const { mode, ms } = m.body;
      const end = Date.now() + ms;
      // A pause every 20 ms of calls, of the kind the mode names.
      const pause = { "object-calls-microtask": () => Promise.resolve(), "object-calls-timeout-0": () => sleep(0),
        "object-calls-wait-0": () => scheduler.wait(0) }[mode] ?? (() => sleep(1));
      const chain = async (name) => {
        const stub = env.COUNTER.get(env.COUNTER.idFromName(name));
        let last = Date.now();
        while (Date.now() < end) {
          if (mode === "timers") { await sleep(50); continue; }
          if (mode === "cpu-and-object-calls") { const t = Date.now() + 200; while (Date.now() < t) {} }
          await stub.bump();
          if (mode !== "object-calls" && mode !== "cpu-and-object-calls" && Date.now() - last >= 20) {
            await pause();
            last = Date.now();
          }
        }
      };
      const chains = mode === "paced-1ms-16-chains" ? 16 : 1;
      await Promise.all(Array.from({ length: chains }, (_, i) => chain("a" + i)));
    }
  },
};
`;

const CONFIG = `
name = "dev-proxy-503"
main = "worker.js"
compatibility_date = "2026-04-01"
[[queues.producers]]
binding = "Q"
queue = "q"
[[queues.consumers]]
queue = "q"
max_batch_size = 10
max_batch_timeout = 0
[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
`;

async function call(base: string, method: string, pathName: string): Promise<string> {
  const started = Date.now();
  try {
    const res = await fetch(`${base}${pathName}`, {
      method,
      body: method === "POST" ? "x" : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = (await res.text()).slice(0, 34);
    return `${res.status} "${text}" after ${Date.now() - started} ms`;
  } catch (error) {
    return `${(error as Error).name} after ${Date.now() - started} ms`;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "dev-proxy-503-"));
  writeFileSync(path.join(dir, "worker.js"), WORKER);
  writeFileSync(path.join(dir, "wrangler.toml"), CONFIG);
  const port = Number(values.port);
  const ms = Number(values.seconds) * 1000;
  const front =
    values.front === "local"
      ? [process.execPath, "--import", "tsx", path.join(ROOT, "scripts", "start-local.ts")]
      : [path.join(ROOT, "node_modules", ".bin", "wrangler"), "dev"];
  const server = await startDevServer({
    command: [
      ...front,
      ...["-c", path.join(dir, "wrangler.toml"), "--local", "--ip", "127.0.0.1"],
      ...[
        "--port",
        String(port),
        "--inspector-port",
        String(port + 100),
        "--persist-to",
        path.join(dir, "state"),
      ],
      "--show-interactive-dev-session=false",
    ],
    port,
    readyPath: "/",
  });
  try {
    console.log(
      `front: ${values.front}; queue consumer busy ${ms / 1000} s; a POST and a GET sent 1 s after the message:`,
    );
    for (const mode of String(values.modes).split(",")) {
      if (mode === "stall") {
        // A kept-alive connection to the runtime (the GET's), then the thread busy for `ms` in
        // one request; 1 s into it a POST, then a GET. Through wrangler's proxy the POST rides
        // the kept-alive connection, idle 2 s when sent, and is lost when the thread comes back
        // after the runtime's 5 s idle close; the local front opens a connection per request.
        // Several at once, so the proxy keeps several connections: the stall takes one of them.
        await Promise.all(Array.from({ length: 4 }, () => call(server.base, "GET", "/warm")));
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const stall = call(server.base, "POST", `/stall?ms=${ms}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const post = call(server.base, "POST", "/a");
        await new Promise((resolve) => setTimeout(resolve, 100));
        const get = call(server.base, "GET", "/b");
        console.log(
          `  ${mode.padEnd(24)} POST: ${(await post).padEnd(62)} GET: ${await get} (the stall: ${await stall})`,
        );
        continue;
      }
      await call(server.base, "POST", `/enqueue?ms=${ms}&mode=${mode}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [post, get] = await Promise.all([
        call(server.base, "POST", "/a"),
        call(server.base, "GET", "/b"),
      ]);
      console.log(`  ${mode.padEnd(24)} POST: ${post.padEnd(62)} GET: ${get}`);
      await new Promise((resolve) => setTimeout(resolve, ms + 1000));
    }
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
