/**
 * AUDIT_LOGGING_ENABLED switched off at runtime (`PUT /admin/flags`) is honoured: audited
 * actions still write their SECURITY line to stdout, but no row to the audit table.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { forgetCachedFlags } from "../../src/flags";
import worker from "../../src/index";

const workerEnv = env as unknown as Env;

/** One request through the whole Worker; resolves once its waitUntil work (the table write) is done. */
async function putFlags(body: unknown, requestId: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request("http://localhost/admin/flags", {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-Request-ID": requestId },
      body: JSON.stringify(body),
    }),
    workerEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

async function rowsOf(requestId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE request_id = ?")
    .bind(requestId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

afterEach(async () => {
  await putFlags({ AUDIT_LOGGING_ENABLED: null, ENHANCED_PROCESSING: null }, "audit-flag-reset");
  forgetCachedFlags();
  vi.restoreAllMocks();
});

describe("AUDIT_LOGGING_ENABLED as a runtime flag", () => {
  it("switched off by PUT /admin/flags: the next audited action writes its line but no row", async () => {
    const off = await putFlags({ AUDIT_LOGGING_ENABLED: false }, "audit-flag-off");
    expect(off.status).toBe(200);
    // The change itself was made while auditing was on: it is in the table.
    expect(await rowsOf("audit-flag-off")).toBe(1);

    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(JSON.parse(line)));
    const audited = await putFlags({ ENHANCED_PROCESSING: false }, "audit-flag-while-off");
    expect(audited.status).toBe(200);
    expect(
      lines.find((line) => line.message === "audit" && line.request_id === "audit-flag-while-off"),
    ).toMatchObject({ level: "SECURITY", event_action: "flags_updated" });
    expect(await rowsOf("audit-flag-while-off")).toBe(0);
  });
});
