import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RestoreState } from "../../src/pipeline/backup/restore";
import { api, json, settled, waitFor } from "../documents/helpers";
import { dumpWorkspace, wipeWorkspace } from "./backup-fixtures";

const WS = "restore_e2e";
const QUERIES = [
  { query: "Who worked with Charles Babbage?", mode: "mix" },
  { query: "Who is Grace Hopper?", mode: "local", ll_keywords: ["Grace Hopper"] },
  { query: "Grace Hopper built the first compiler", mode: "naive" },
];

async function answers(): Promise<unknown[]> {
  return Promise.all(QUERIES.map(async (body) => json(await api(WS, "POST", "/query/data", body))));
}

async function graph(): Promise<unknown> {
  return json(await api(WS, "GET", "/graph/label/list"));
}

describe("backup and restore end to end", () => {
  it("ingest → back up → wipe → restore gives identical counts, graph and query results", async () => {
    for (const [text, file] of [
      [
        "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
        "ada.txt",
      ],
      [
        "Grace Hopper built the first compiler. Grace Hopper worked at Harvard with Howard Aiken.",
        "grace.txt",
      ],
    ]) {
      expect((await api(WS, "POST", "/documents/text", { text, file_source: file })).status).toBe(200);
    }
    expect(await settled(WS)).toMatchObject({ processed: 2, failed: 0 });
    const labels = await graph();
    const results = await answers();
    // Dumped after the queries: they write LLM usage rows, which the backup then holds too.
    const rows = await dumpWorkspace(WS);
    expect(JSON.stringify(results)).toContain("Charles Babbage");
    expect(results.map((r) => (r as { status?: string }).status)).toEqual(["success", "success", "success"]);
    expect((rows.entities ?? []).length).toBeGreaterThan(3);

    const started = await SELF.fetch("http://x/admin/backups", { method: "POST" });
    const { id } = await json<{ id: string }>(started);
    await waitFor(async () => {
      const { backups } = await json<{ backups: { id: string; status: string }[] }>(
        await SELF.fetch("http://x/admin/backups"),
      );
      return backups.find((b) => b.id === id && b.status === "verified");
    });

    await wipeWorkspace(WS);
    expect(await graph()).toEqual([]);

    const restore = await api(WS, "POST", `/admin/backups/${id}/restore`, {});
    expect(restore.status).toBe(202);
    // Writes to the workspace are refused while it is restored; queries are not.
    const refused = await api(WS, "POST", "/documents/text", { text: "late write", file_source: "late.txt" });
    expect(refused.status).toBe(503);
    expect(await json(refused)).toMatchObject({ error: { code: "read_only" } });
    const done = await waitFor(async () => {
      const state = await json<RestoreState>(await api(WS, "GET", `/admin/backups/${id}/restore`));
      return state.status === "running" ? undefined : state;
    }, 30_000);
    expect(done).toMatchObject({ status: "completed", error: null });

    expect(await dumpWorkspace(WS)).toEqual(rows);
    expect(await graph()).toEqual(labels);
    expect(await answers()).toEqual(results);
  }, 60_000);
});
