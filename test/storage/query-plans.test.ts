/** Look-ups by a JSON list of keys must be index look-ups per key, not scans of the workspace. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RELATION_SOURCES_OF_PAIRS } from "../../src/storage/d1/extractions";
import { GRAPH_LOOKUP_SQL } from "../../src/storage/d1/graph-lookup";
import { lexicalSearchSql } from "../../src/storage/d1/lexical";

async function plan(sql: string, ...args: string[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...args)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("query plans", () => {
  it("reads relation sources pair by pair through the primary key", async () => {
    const steps = await plan(RELATION_SOURCES_OF_PAIRS, "w", JSON.stringify([{ src: "a", tgt: "b" }]));
    expect(steps[0]).toMatch(/^SCAN j VIRTUAL TABLE/);
    expect(steps.find((step) => step.includes(" s "))).toMatch(
      /SEARCH s USING (PRIMARY KEY|INDEX sqlite_autoindex_relation_sources)/,
    );
  });

  it("finds the graph look-up's rows by index: vector ids, both edge directions, degrees", async () => {
    const steps = (await plan(GRAPH_LOOKUP_SQL, "w", '["ent-1"]', '["rel-1"]')).join("\n");
    for (const index of ["entities_vector_idx", "relations_vector_idx", "relations_tgt_idx"]) {
      expect(steps).toContain(index);
    }
    expect(steps).toContain("SEARCH d USING COVERING INDEX");
    // "SCAN" steps are over the statement's own small CTEs, never over a table of the workspace.
    expect(steps).not.toMatch(/SCAN (entities|relations)\b/);
  });

  it("runs the BM25 match once, then finds each hit's key by its integer key", async () => {
    for (const kind of ["chunk", "entity", "relation"] as const) {
      const steps = await plan(lexicalSearchSql(kind), "w", '"word"', "10");
      expect(steps[0]).toMatch(/^SCAN \w+_fts VIRTUAL TABLE/);
      expect(steps[1]).toMatch(/^SEARCH k USING INTEGER PRIMARY KEY/);
    }
  });
});
