/**
 * Contract suites of the service's own tables beside the engine: the LLM answer cache, token
 * accounting and the audit log. Each backend runs the same assertions (D1 in d1-stores.test.ts,
 * Postgres in pg-stores.test.ts). Workspaces are unique per run: a real Postgres keeps rows
 * between files, so nothing here counts rows it did not write.
 */
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../../src/audit/record";
import type { AuditStore } from "../../../src/audit/store";
import type { LlmCacheStore, UsageStore } from "../../../src/storage/llm-stores";

let counter = 0;
const unique = (label: string) => `${label}_${Date.now().toString(36)}_${counter++}`;

const entry = {
  cacheType: "extract",
  mode: "default",
  returnValue: "r",
  originalPrompt: "p",
  provider: "openai",
  model: "m",
};

export function describeLlmCacheContract(name: string, make: () => LlmCacheStore): void {
  describe(`LLM cache contract: ${name}`, () => {
    it("clears a workspace's entries by type and by id", async () => {
      const cache = make();
      const workspace = unique("clear");
      const other = unique("someone_else");
      await cache.put(workspace, { ...entry, id: "default:extract:a" });
      await cache.put(workspace, { ...entry, id: "default:extract:b" });
      await cache.put(workspace, { ...entry, id: "mix:query:c", cacheType: "query", mode: "mix" });
      await cache.put(other, { ...entry, id: "default:extract:a" });
      expect(await cache.deleteIds(workspace, ["default:extract:a"])).toBe(1);
      expect(await cache.clear(workspace, ["query"])).toBe(1);
      expect(await cache.get(workspace, "default:extract:b")).toBe("r");
      expect(await cache.clear(workspace)).toBe(1);
      expect(await cache.get(other, "default:extract:a")).toBe("r");
    });

    it("replaces an entry under the same key and misses unknown keys", async () => {
      const cache = make();
      const workspace = unique("replace");
      await cache.put(workspace, { ...entry, id: "k", queryParam: { top_k: 5 }, chunkId: "c1" }, 1000);
      await cache.put(workspace, { ...entry, id: "k", returnValue: "second" }, 2000);
      expect(await cache.get(workspace, "k")).toBe("second");
      expect(await cache.get(workspace, "missing")).toBeUndefined();
      expect(await cache.deleteIds(workspace, [])).toBe(0);
    });

    it("deletes more ids than one D1 statement binds", async () => {
      const cache = make();
      const workspace = unique("many");
      const ids = Array.from({ length: 95 }, (_, i) => `default:extract:${i}`);
      for (const id of ids) await cache.put(workspace, { ...entry, id });
      expect(await cache.deleteIds(workspace, [...ids, "not-there"])).toBe(95);
      expect(await cache.get(workspace, ids[94] ?? "")).toBeUndefined();
    });
  });
}

const call = (workspace: string, overrides: Partial<Parameters<UsageStore["record"]>[0]> = {}) => ({
  workspace,
  role: "query",
  provider: "openai",
  model: "m",
  promptTokens: 10,
  completionTokens: 5,
  outcome: "call" as const,
  ...overrides,
});

export function describeUsageStoreContract(name: string, make: () => UsageStore): void {
  describe(`LLM usage contract: ${name}`, () => {
    it("adds calls, cache hits and failures into one row per workspace, day, role, provider and model", async () => {
      const usage = make();
      const workspace = unique("usage");
      const day1 = Date.UTC(2031, 4, 1, 23, 59);
      const day2 = Date.UTC(2031, 4, 2, 0, 1);
      await usage.record(call(workspace), day1);
      await usage.record(call(workspace, { outcome: "cached", promptTokens: 0, completionTokens: 0 }), day1);
      await usage.record(call(workspace, { outcome: "error", promptTokens: 0, completionTokens: 0 }), day1);
      await usage.record(call(workspace, { role: "extract", provider: "anthropic" }), day1);
      await usage.record(call(workspace, { promptTokens: 3_000_000_000 }), day2);
      const rows = await usage.list({ workspace });
      expect(rows).toEqual([
        {
          workspace,
          day: "2031-05-01",
          role: "extract",
          provider: "anthropic",
          model: "m",
          prompt_tokens: 10,
          completion_tokens: 5,
          calls: 1,
          cached_calls: 0,
          errors: 0,
        },
        {
          workspace,
          day: "2031-05-01",
          role: "query",
          provider: "openai",
          model: "m",
          prompt_tokens: 10,
          completion_tokens: 5,
          calls: 1,
          cached_calls: 1,
          errors: 1,
        },
        expect.objectContaining({ day: "2031-05-02", prompt_tokens: 3_000_000_000, calls: 1 }),
      ]);
      expect(await usage.list({ workspace, role: "extract" })).toHaveLength(1);
      expect(await usage.list({ workspace, from: "2031-05-02" })).toHaveLength(1);
      expect(await usage.list({ workspace, to: "2031-05-01" })).toHaveLength(2);
      expect(await usage.list({ workspace, limit: 1 })).toHaveLength(1);
      expect(await usage.clear(workspace)).toBe(3);
      expect(await usage.list({ workspace })).toEqual([]);
    });

    it("adds a window's summed rows in one call, to rows already there and to new ones", async () => {
      const usage = make();
      const workspace = unique("usage_many");
      const day = "2031-06-01";
      await usage.record(call(workspace), Date.parse(`${day}T08:00:00Z`));
      const delta = (model: string, calls: number) => ({
        workspace,
        day,
        role: "query",
        provider: "openai",
        model,
        promptTokens: 10 * calls,
        completionTokens: calls,
        calls,
        cachedCalls: 1,
        errors: 0,
      });
      await usage.recordMany([delta("m", 3), delta("gpt-new", 2)]);
      await usage.recordMany([]);
      const rows = await usage.list({ workspace });
      const byModel = new Map(rows.map((row) => [row.model, row]));
      expect(byModel.get("gpt-new")).toMatchObject({ calls: 2, cached_calls: 1, prompt_tokens: 20 });
      const before = call(workspace);
      expect(byModel.get("m")).toMatchObject({
        calls: 4,
        cached_calls: 1,
        prompt_tokens: before.promptTokens + 30,
        completion_tokens: before.completionTokens + 3,
      });
    });
  });
}

const auditRecord = (workspace: string, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  timestamp: new Date(Date.UTC(2031, 0, 1)).toISOString(),
  event_type: "authentication",
  event_action: "login_success",
  user_id: "u-1",
  ip_address: "203.0.113.7",
  user_agent: "ua",
  session_id: "s-1",
  additional_data: { login_method: "password", nested: { n: 1 } },
  request_id: "r-1",
  workspace,
  outcome: "success",
  ...overrides,
});

export function describeAuditStoreContract(name: string, make: () => AuditStore): void {
  describe(`audit store contract: ${name}`, () => {
    it("stores a record once per id and reads it back whole", async () => {
      const audit = make();
      const workspace = unique("audit");
      const record = auditRecord(workspace);
      // Ids are global (not per workspace): unique per run, since Postgres keeps earlier runs' rows.
      const id = `${workspace}-1`;
      await audit.insert(id, record);
      await audit.insert(id, { ...record, outcome: "failure" });
      const { events, more } = await audit.list(workspace, { limit: 10 });
      expect(more).toBe(false);
      expect(events).toEqual([{ ...record, id }]);
      expect((await audit.list(unique("other"), { limit: 10 })).events).toEqual([]);
    });

    it("pages newest first, ties by id in byte order, with every filter", async () => {
      const audit = make();
      const workspace = unique("audit_pages");
      const at = (minute: number) => new Date(Date.UTC(2031, 0, 1, 0, minute)).toISOString();
      await audit.insert(`${workspace}-b`, auditRecord(workspace, { timestamp: at(2) }));
      // Same time: "Z" sorts before "a" by bytes, after it in most locales.
      await audit.insert(`${workspace}-Z`, auditRecord(workspace, { timestamp: at(2), user_id: "u-2" }));
      await audit.insert(
        `${workspace}-a`,
        auditRecord(workspace, { timestamp: at(1), event_type: "system", outcome: "failure", user_id: null }),
      );
      const first = await audit.list(workspace, { limit: 2 });
      expect(first.events.map((e) => e.id)).toEqual([`${workspace}-b`, `${workspace}-Z`]);
      expect(first.more).toBe(true);
      const last = first.events[1];
      const rest = await audit.list(workspace, {
        limit: 2,
        after: { timestamp: Date.parse(last?.timestamp ?? ""), id: last?.id ?? "" },
      });
      expect(rest.events.map((e) => e.id)).toEqual([`${workspace}-a`]);
      expect(rest.more).toBe(false);
      const ids = async (filters: Omit<Parameters<AuditStore["list"]>[1], "limit">) =>
        (await audit.list(workspace, { limit: 10, ...filters })).events.map((e) => e.id);
      expect(await ids({ event_type: "system" })).toEqual([`${workspace}-a`]);
      expect(await ids({ user_id: "u-2" })).toEqual([`${workspace}-Z`]);
      expect(await ids({ outcome: "failure" })).toEqual([`${workspace}-a`]);
      expect(await ids({ from: Date.parse(at(2)) })).toHaveLength(2);
      expect(await ids({ to: Date.parse(at(1)) })).toEqual([`${workspace}-a`]);
    });

    it("prunes events older than a time and keeps the rest", async () => {
      const audit = make();
      const workspace = unique("audit_prune");
      // Long before any other test's rows, so the prune touches only these.
      await audit.insert(
        `${workspace}-old`,
        auditRecord(workspace, { timestamp: "1971-01-01T00:00:00.000Z" }),
      );
      await audit.insert(
        `${workspace}-new`,
        auditRecord(workspace, { timestamp: "1971-01-03T00:00:00.000Z" }),
      );
      expect(await audit.prune(Date.UTC(1971, 0, 2))).toBeGreaterThanOrEqual(1);
      expect((await audit.list(workspace, { limit: 10 })).events.map((e) => e.id)).toEqual([
        `${workspace}-new`,
      ]);
    });
  });
}
