/**
 * The lexical index on Postgres (STORAGE_BACKEND=neon) inside workerd: the same contract as
 * D1's FTS5 (test/storage/contract/lexical-store.ts) against the local Postgres of .ci/services,
 * plus what is Postgres' own: the query is one statement and uses the GIN indexes, and the
 * composition root wires this store on neon.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { defaultFlags } from "../../src/flags/names";
import { createServices } from "../../src/runtime";
import { pgQuery, pgTransaction } from "../../src/storage/neon/client";
import { orQuerySql, PgLexicalStore } from "../../src/storage/neon/lexical";
import { createPgStores } from "../../src/storage/neon/stores";
import { PgVectorStore } from "../../src/storage/neon/vectors";
import { describeLexicalContract } from "./contract/lexical-store";
import { pgEndpoint, usePgPools } from "./pg-harness";

const pool = usePgPools();

describeLexicalContract("Postgres", () => {
  const p = pool();
  return { stores: createPgStores(p, new PgVectorStore(p)), lexical: new PgLexicalStore(p) };
});

describe("Postgres lexical index", () => {
  it("answers every kind from its GIN index", async () => {
    const p = pool();
    const plans = await pgTransaction(p, async (tx) => {
      // The planner scans a table this small (or walks its workspace's rows); forbid the scan
      // and ask for the match alone to see the GIN index answer it.
      await tx.query("SET LOCAL enable_seqscan = off");
      const plans: string[] = [];
      for (const table of ["chunks", "entities", "relations"]) {
        const rows = await pgQuery<{ "QUERY PLAN": string }>(
          tx,
          `EXPLAIN SELECT 1 FROM ${table} WHERE tsv @@ to_tsquery('rag_english', 'pelican')`,
        );
        plans.push(rows.map((row) => row["QUERY PLAN"]).join("\n"));
      }
      return plans;
    });
    expect(plans[0]).toContain("chunks_tsv_idx");
    // The store's query is folded to a constant at plan time, so the planner can weigh it.
    const folded = await pgQuery<{ "QUERY PLAN": string }>(
      p,
      `EXPLAIN SELECT 1 FROM chunks WHERE tsv @@ ${orQuerySql(1)}`,
      ["Pelicans' flights"],
    );
    expect(folded.map((row) => row["QUERY PLAN"]).join("\n")).toContain(
      "(tsv @@ '''pelican'' | ''flight'''::tsquery)",
    );
    expect(plans[1]).toContain("entities_tsv_idx");
    expect(plans[2]).toContain("relations_tsv_idx");
  });

  it("ORs the text's first 32 distinct words, stop words dropped, quoting what the parser would read", async () => {
    const p = pool();
    const stores = createPgStores(p, new PgVectorStore(p));
    const lexical = new PgLexicalStore(p);
    const ws = `lx_pg_${Date.now()}`;
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    await stores.chunks.upsert(ws, [
      { id: "a", docId: "d", order: 0, tokens: 1, content: "w31 only", filePath: "d.txt" },
      { id: "b", docId: "d", order: 1, tokens: 1, content: "w32 only", filePath: "d.txt" },
      { id: "c", docId: "d", order: 2, tokens: 1, content: "O'Brien's path C:\\temp", filePath: "d.txt" },
    ]);
    const find = async (text: string) => (await lexical.search(ws, { chunks: text, limit: 5 })).chunks;
    // The 33rd distinct word is past the cap; repeats and stop words do not count.
    expect(await find(["the", "w0", "of", "w0", ...words].join(" "))).toEqual(["a"]);
    expect(await find("O'Brien's")).toEqual(["c"]);
    expect(await find("C:\\temp")).toEqual(["c"]);
    expect(await find("the and of")).toEqual([]);
  });
});

describe("STORAGE_BACKEND=neon with LEXICAL_SEARCH_ENABLED", () => {
  it("the query path searches Postgres' index", async () => {
    const { databaseUrl, wsProxy } = pgEndpoint();
    const { config, problems } = parseConfig({
      ...env,
      STORAGE_BACKEND: "neon",
      VECTOR_BACKEND: "pgvector",
      DATABASE_URL: databaseUrl,
      PG_WS_PROXY: wsProxy,
      LEXICAL_SEARCH_ENABLED: "true",
    });
    if (!config) throw new Error(problems.join("; "));
    const services = createServices(env, config, defaultFlags(config));
    const lexical = services.query.lexical;
    expect(lexical).toBeInstanceOf(PgLexicalStore);
    const ws = `lx_wired_${Date.now()}`;
    await services.stores.chunks.upsert(ws, [
      { id: "d-chunk-000", docId: "d", order: 0, tokens: 1, content: "Wired okapi", filePath: "d.txt" },
    ]);
    expect((await lexical?.search(ws, { chunks: "okapi", limit: 5 }))?.chunks).toEqual(["d-chunk-000"]);
    await services.purgeWorkspace(ws);
  });
});
