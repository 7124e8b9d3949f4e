/**
 * Auth costs. Part 1 runs the service in real workerd (`wrangler dev --local`, auth on, the
 * production scrypt cost) and times, sequentially on 127.0.0.1: a good login, a wrong password
 * and an unknown user (their ratio shows whether timing tells accounts apart), and the added
 * latency of verifying an access token (same public route with and without a bearer token,
 * interleaved). Part 2 times the same code in this Node process: scrypt CPU per setting and
 * access-token verification p50 over many iterations. Prints medians and ratios.
 *
 *   npx tsx bench/auth/run.ts [--logins 15] [--requests 400] [--cost 14] [--parallelism 5]
 */
import { parseArgs } from "node:util";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/dev-server";
import { hashPassword, verifyPassword } from "../../src/auth/password";
import { issueAccessToken, verifyAccessToken } from "../../src/auth/tokens";
import { parseConfig } from "../../src/config";

const { values } = parseArgs({
  options: {
    logins: { type: "string", default: "15" },
    requests: { type: "string", default: "400" },
    cost: { type: "string", default: "14" },
    parallelism: { type: "string", default: "5" },
    port: { type: "string", default: "9741" },
    "workerd-only": { type: "boolean", default: false },
  },
});
const LOGINS = Number(values.logins);
const REQUESTS = Number(values.requests);
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const SECRET = "bench-secret-of-at-least-thirty-two-characters";
const PASSWORD = "bench-Long-and-unusual-passphrase-9";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
const ms = (n: number) => `${n.toFixed(3)} ms`;

function startWorker(): Promise<LocalWorker> {
  const vars = {
    AUTH_ENABLED: "true",
    JWT_SECRET_KEY: SECRET,
    PASSWORD_HASH_COST: String(values.cost),
    PASSWORD_HASH_PARALLELISM: String(values.parallelism),
    ALLOW_REGISTRATION: "true",
    RATE_LIMIT_ENABLED: "false",
    LOG_LEVEL: "ERROR",
    // The bench fails on purpose many times; lockout must not end it.
    LOGIN_MAX_FAILED_ATTEMPTS: "100000",
    LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS: "100000",
  };
  return startLocalWorker({ port: PORT, vars, label: "bench-auth" });
}

async function timed(request: () => Promise<Response>, expected: number): Promise<number> {
  const started = performance.now();
  const res = await request();
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}`);
  return elapsed;
}

const post = (route: string, body: unknown) =>
  fetch(`${BASE}${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

async function inWorkerd(): Promise<void> {
  const server = await startWorker();
  try {
    const username = `bench_${Date.now()}`;
    const created = await post("/auth/register", { username, password: PASSWORD });
    if (created.status !== 201) throw new Error(`register failed: ${created.status} ${await created.text()}`);
    const good: number[] = [];
    const wrong: number[] = [];
    const unknown: number[] = [];
    await timed(() => post("/auth/login", { username, password: PASSWORD }), 200);
    for (let i = 0; i < LOGINS; i++) {
      good.push(await timed(() => post("/auth/login", { username, password: PASSWORD }), 200));
      wrong.push(await timed(() => post("/auth/login", { username, password: "wrong-password-guess" }), 401));
      unknown.push(
        await timed(
          () => post("/auth/login", { username: `ghost_${i}`, password: "wrong-password-guess" }),
          401,
        ),
      );
    }
    const login = (await (await post("/auth/login", { username, password: PASSWORD })).json()) as {
      access_token: string;
    };
    const withToken: number[] = [];
    const without: number[] = [];
    const route = `${BASE}/health/live`;
    for (let i = 0; i < REQUESTS; i++) {
      without.push(await timed(() => fetch(route), 200));
      withToken.push(
        await timed(() => fetch(route, { headers: { Authorization: `Bearer ${login.access_token}` } }), 200),
      );
    }
    const skip = Math.floor(REQUESTS / 10);
    const a = withToken.slice(skip);
    const b = without.slice(skip);
    console.log(
      `workerd (wrangler dev --local), scrypt ln=${values.cost} r=8 p=${values.parallelism}, ${LOGINS} logins each:`,
    );
    console.log(`  login, good password   p50 ${ms(median(good))}`);
    console.log(`  login, wrong password  p50 ${ms(median(wrong))}`);
    console.log(
      `  login, unknown user    p50 ${ms(median(unknown))}   ratio unknown/wrong ${(median(unknown) / median(wrong)).toFixed(3)}`,
    );
    console.log(
      `  GET /health/live without token p50 ${ms(median(b))}, with verified token p50 ${ms(median(a))}`,
    );
    console.log(
      `  added by token verification: p50 ${ms(median(a) - median(b))} (p95 ${ms(pct(a, 0.95) - pct(b, 0.95))})`,
    );
  } finally {
    server.stop();
  }
}

async function inNode(): Promise<void> {
  console.log("node (same modules, this process):");
  for (const params of [
    { ln: 15, r: 8, p: 3 },
    { ln: 14, r: 8, p: 5 },
  ]) {
    const stored = await hashPassword(PASSWORD, params);
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = process.cpuUsage();
      await verifyPassword(PASSWORD, stored);
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
    }
    const memory = (128 * 2 ** params.ln * params.r) / 2 ** 20;
    console.log(
      `  scrypt ln=${params.ln} r=${params.r} p=${params.p} (${memory} MiB): verify CPU p50 ${ms(median(cpu))}`,
    );
  }
  const { config } = parseConfig({ AUTH_ENABLED: "true", JWT_SECRET_KEY: SECRET });
  if (!config) throw new Error("bench config invalid");
  const { token } = await issueAccessToken(config, {
    userId: "u",
    username: "bench",
    role: "user",
    workspace: "default",
    sessionId: "s",
    authTime: Date.now(),
  });
  const samples: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const started = performance.now();
    await verifyAccessToken(config, token);
    samples.push(performance.now() - started);
  }
  const steady = samples.slice(500);
  console.log(
    `  access token verification (HS256, jose): p50 ${ms(median(steady))}, p99 ${ms(pct(steady, 0.99))} over ${steady.length}`,
  );
}

if (!values["workerd-only"]) await inNode();
await inWorkerd().catch((error: unknown) => {
  console.error("workerd part failed:", error);
  process.exitCode = 1;
});
