/**
 * `npm run health-check -- --env production [--comprehensive]`: the multi-tier health check.
 * Basic: /health/live and /health/ready. Comprehensive: also the deep /health (every
 * dependency: D1, Durable Objects, KV, R2, queue, Vectorize, Workers AI), /metrics and the
 * runtime flags. Exit code 0 only when every check passes.
 */
import { call, commonArgs, operatorHeaders } from "./ops/cli";

interface Row {
  check: string;
  ok: boolean;
  detail: string;
}

const { env, url, values } = commonArgs({ comprehensive: { type: "boolean", default: false } });
const rows: Row[] = [];

const live = await call(`${url}/health/live`);
rows.push({ check: "live", ok: live.status === 200, detail: `${live.status} in ${live.ms} ms` });

const ready = await call(`${url}/health/ready`);
rows.push({ check: "ready", ok: ready.status === 200, detail: `${ready.status} in ${ready.ms} ms` });
for (const [name, result] of Object.entries(checksOf(ready.body))) {
  rows.push({ check: `ready.${name}`, ok: result.ok, detail: result.detail });
}

if (values.comprehensive) {
  const deep = await call(`${url}/health`, { headers: operatorHeaders(), timeoutMs: 20_000 });
  rows.push({ check: "deep", ok: deep.status === 200, detail: `${deep.status} in ${deep.ms} ms` });
  for (const [name, result] of Object.entries(checksOf(deep.body, "dependencies"))) {
    rows.push({ check: `dependency.${name}`, ok: result.ok, detail: result.detail });
  }
  const metricsHeaders: Record<string, string> = process.env.METRICS_TOKEN
    ? { Authorization: `Bearer ${process.env.METRICS_TOKEN}` }
    : operatorHeaders();
  const metrics = await call(`${url}/metrics`, { headers: metricsHeaders });
  rows.push({
    check: "metrics",
    ok: metrics.status === 200 && metrics.text.includes("lightrag_requests_total"),
    detail: `${metrics.status}`,
  });
  const flags = await call(`${url}/admin/flags`, { headers: operatorHeaders() });
  const effective = (flags.body as { flags?: Record<string, boolean> } | null)?.flags;
  rows.push({
    check: "flags",
    ok: flags.status === 200,
    detail: effective
      ? `READ_ONLY_MODE=${effective.READ_ONLY_MODE} ENABLE_QUERIES=${effective.ENABLE_QUERIES}`
      : `${flags.status}`,
  });
}

/** Reads `{checks: [{name, status, message}]}` (or `dependencies`) into ok/detail pairs. */
function checksOf(body: unknown, key = "checks"): Record<string, { ok: boolean; detail: string }> {
  const out: Record<string, { ok: boolean; detail: string }> = {};
  const checks = (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(checks)) return out;
  for (const check of checks as { name?: string; status?: string; latency_ms?: number; message?: string }[]) {
    const name = String(check.name);
    const detail = `${check.status} in ${check.latency_ms ?? "?"} ms${check.message ? `: ${check.message}` : ""}`;
    out[name] = { ok: check.status !== "error" && check.status !== "fail", detail };
  }
  return out;
}

const failed = rows.filter((row) => !row.ok);
console.log(JSON.stringify({ environment: env, url, ok: failed.length === 0, checks: rows }, null, 2));
process.exit(failed.length === 0 ? 0 : 1);
