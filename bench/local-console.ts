/**
 * What one `console.log` costs the local runtime: a Worker of a few lines under `wrangler dev
 * --local` (no app, no bindings), asked N times each for a path that logs nothing, one line and
 * ten lines the size of an audit line; workerd's event-loop thread CPU per request (schedstat,
 * ns), with and without an inspector session attached (bench/cpu.ts attaches one), and with
 * the inspector agents wrangler turns on for its terminal turned off (`Runtime.disable`,
 * `Debugger.disable`, as bench/cpu.ts now does): while the Runtime agent is on, workerd sends
 * every line to the inspector as a `Runtime.consoleAPICalled` event, most of a line's cost. The
 * app's audit line is one such `console.log` per query, so this says how much of a query's
 * Worker CPU in bench/cpu.ts is the local runtime's logging rather than the Worker's own work.
 *
 *   npx tsx bench/local-console.ts               # 300 requests per path, three rounds
 *   npx tsx bench/local-console.ts --requests 200 --rounds 5
 * Keep N in the hundreds: at 1,000 requests per path the local runtime stalled here (a request
 * waited past undici's 300 s headers timeout).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startDevServer, WRANGLER } from "../scripts/lib/dev-server";
import { Inspector } from "./lib/inspector";
import { workerdSchedstat } from "./lib/procs";
import { median } from "./query-server";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "300" },
    port: { type: "string", default: "9871" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(values.requests);
const PORT = Number(values.port);

/** A SECURITY line as the app writes it (src/audit/index.ts), about 500 bytes. */
const WORKER = `
const line = JSON.stringify({ timestamp: new Date().toISOString(), level: "SECURITY", message: "audit",
  request_id: "0123456789abcdef0123456789abcdef", event_type: "data_access", event_action: "query",
  outcome: "success", user_id: null, ip_address: "127.0.0.1", user_agent: "undici", session_id: null,
  workspace: "cpu_1", additional_data: { mode: "mix" }, note: "x".repeat(160) });
export default {
  async fetch(request) {
    const lines = Number(new URL(request.url).searchParams.get("lines") ?? 0);
    for (let i = 0; i < lines; i++) console.log(line);
    return new Response("ok");
  },
};
`;

const dir = mkdtempSync(path.join(tmpdir(), "local-console-"));
writeFileSync(path.join(dir, "worker.js"), WORKER);
writeFileSync(
  path.join(dir, "wrangler.toml"),
  'name = "local-console"\nmain = "worker.js"\ncompatibility_date = "2025-09-01"\n',
);
const server = await startDevServer({
  command: [
    WRANGLER,
    "dev",
    "--local",
    "--config",
    path.join(dir, "wrangler.toml"),
    "--ip",
    "127.0.0.1",
    "--port",
    String(PORT),
    "--inspector-port",
    String(PORT + 100),
    "--show-interactive-dev-session=false",
  ],
  port: PORT,
  readyPath: "/",
  // As bench/cpu.ts's server: the runtime's output goes to a file (wrangler reads and relays it).
  logFile: path.join(dir, "server.log"),
});

const threadCpu = () =>
  workerdSchedstat(server.pid)
    .filter((t) => t.name === "workerd")
    .reduce((sum, t) => sum + t.cpuMs, 0);

/** Event-loop thread CPU per request, ms, for `lines` console.log calls per request. */
async function perRequest(lines: number): Promise<number> {
  const ask = async () => (await fetch(`${server.base}/?lines=${lines}`)).text();
  for (let i = 0; i < 100; i++) await ask();
  const before = threadCpu();
  for (let i = 0; i < N; i++) await ask();
  return (threadCpu() - before) / N;
}

async function table(label: string): Promise<void> {
  const runs: Record<number, number[]> = { 0: [], 1: [], 10: [] };
  for (let round = 0; round < Number(values.rounds); round++)
    for (const lines of [0, 1, 10]) runs[lines]?.push(await perRequest(lines));
  const [none, one, ten] = [0, 1, 10].map((lines) => median(runs[lines] ?? []));
  const fmt = (ms = 0) => `${ms.toFixed(3)} ms`;
  console.log(
    `${label.padEnd(22)} no line ${fmt(none)}   1 line ${fmt(one)}   10 lines ${fmt(ten)}   ` +
      `per console.log: ${fmt(((ten ?? 0) - (none ?? 0)) / 10)} (from 10), ${fmt((one ?? 0) - (none ?? 0))} (from 1)`,
  );
}

try {
  console.log(
    `workerd event-loop thread CPU per request, median of ${values.rounds} rounds of ${N} requests`,
  );
  await table("no inspector");
  const inspector = await Inspector.connect(PORT + 100);
  await table("inspector attached");
  // Wrangler's dev server has the Runtime agent on (its terminal shows the Worker's console): each
  // line also goes out as a `Runtime.consoleAPICalled` event. Off, as bench/cpu.ts profiles.
  await inspector.send("Runtime.disable");
  await inspector.send("Debugger.disable");
  await table("agents off");
  inspector.close();
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
