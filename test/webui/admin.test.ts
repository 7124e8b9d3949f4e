/** The admin page's logic: audit query, API key body, usage per model, circuits as rows. */
import { describe, expect, it } from "vitest";
import {
  apiKeyBody,
  auditQuery,
  circuitRows,
  restoreBody,
  restoreSummary,
  usageByModel,
} from "../../webui/src/lib/admin";

const NO_FILTERS = { event_type: "", outcome: "", user_id: "", from: "", to: "", limit: 50 };

describe("auditQuery", () => {
  it("leaves out empty filters, sends local times as ISO and bounds the limit", () => {
    expect(auditQuery(NO_FILTERS)).toBe("limit=50");
    const query = new URLSearchParams(
      auditQuery(
        {
          ...NO_FILTERS,
          event_type: "administrative",
          outcome: "denied",
          user_id: " u1 ",
          from: "2026-12-05T10:00",
          limit: 9999,
        },
        "abc",
      ),
    );
    expect(query.get("event_type")).toBe("administrative");
    expect(query.get("outcome")).toBe("denied");
    expect(query.get("user_id")).toBe("u1");
    expect(query.get("from")).toBe(new Date("2026-12-05T10:00").toISOString());
    expect(query.has("to")).toBe(false);
    expect(query.get("limit")).toBe("500");
    expect(query.get("cursor")).toBe("abc");
  });
});

describe("apiKeyBody", () => {
  it("builds the body and refuses a missing name, a bad workspace or expiry", () => {
    expect(apiKeyBody({ name: " ci ", role: "viewer", workspace: "default", expiresInDays: "30" })).toEqual({
      ok: true,
      body: { name: "ci", role: "viewer", workspace: "default", expires_in_days: 30 },
    });
    expect(apiKeyBody({ name: "ci", role: "user", workspace: "w", expiresInDays: "" })).toEqual({
      ok: true,
      body: { name: "ci", role: "user", workspace: "w" },
    });
    expect(apiKeyBody({ name: "", role: "viewer", workspace: "w", expiresInDays: "" }).ok).toBe(false);
    expect(apiKeyBody({ name: "x", role: "viewer", workspace: "a b", expiresInDays: "" }).ok).toBe(false);
    expect(apiKeyBody({ name: "x", role: "viewer", workspace: "w", expiresInDays: "1.5" }).ok).toBe(false);
  });
});

describe("usageByModel and circuitRows", () => {
  it("sums usage per provider and model, biggest first", () => {
    const row = { workspace: "w", day: "2026-12-05", role: "query", calls: 1, cached_calls: 0, errors: 0 };
    const sums = usageByModel([
      { ...row, provider: "local", model: "small", prompt_tokens: 5, completion_tokens: 1 },
      { ...row, provider: "openai", model: "big", prompt_tokens: 50, completion_tokens: 10 },
      {
        ...row,
        day: "2026-12-04",
        provider: "openai",
        model: "big",
        prompt_tokens: 50,
        completion_tokens: 10,
        errors: 2,
      },
    ]);
    expect(sums.map((s) => [s.model, s.prompt_tokens, s.completion_tokens, s.calls, s.errors])).toEqual([
      ["big", 100, 20, 2, 2],
      ["small", 5, 1, 1, 0],
    ]);
  });

  it("lists every chain link per role in order", () => {
    const link = { binding: "openai", model: "m", host: null, timeout_ms: 1000, circuit: "closed" };
    expect(circuitRows({ query: [link, { ...link, binding: "anthropic", circuit: "open" }] })).toEqual([
      { role: "query", position: 1, binding: "openai", model: "m", host: "", circuit: "closed" },
      { role: "query", position: 2, binding: "anthropic", model: "m", host: "", circuit: "open" },
    ]);
  });
});

describe("restore", () => {
  it("restores into the workspace itself when no target is given, and refuses a bad name", () => {
    expect(restoreBody("default", " ")).toEqual({
      ok: true,
      body: { workspace: "default", target_workspace: "default" },
    });
    expect(restoreBody("default", " copy_1 ")).toEqual({
      ok: true,
      body: { workspace: "default", target_workspace: "copy_1" },
    });
    expect(restoreBody("default", "no-dashes").ok).toBe(false);
    expect(restoreBody("", "copy").ok).toBe(false);
  });

  it("says how far a restore is", () => {
    const state = {
      backup_id: "b1",
      source_workspace: "default",
      target_workspace: "copy_1",
      status: "running" as const,
      phase: "load",
      rows_restored: 40,
      error: null,
    };
    expect(restoreSummary(state)).toBe("Restore of default into copy_1: running (load, 40 rows)");
    expect(restoreSummary({ ...state, status: "completed" })).toBe(
      "Restore of default into copy_1: completed, 40 rows",
    );
    expect(restoreSummary({ ...state, status: "failed", error: "digest mismatch" })).toBe(
      "Restore of default into copy_1: failed (digest mismatch)",
    );
  });
});
