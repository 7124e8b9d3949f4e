import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { entityLine, relationLine } from "../../src/rag/query/context";
import { loadTokenizer } from "../../src/rag/tokenizer";
import {
  deps,
  dumpGraph,
  ingest,
  inProcessCoordinator,
  orphans,
  ScriptedLlm,
  sharedCorpus,
} from "./engine-helpers";

describe("merge", () => {
  it("documents sent at once give exactly the graph sequential ingestion gives", async () => {
    const corpus = sharedCorpus(16);
    const d = deps();
    for (const doc of corpus) await ingest(d, "seq_ws", [doc]);
    // Concurrent: every document in its own batch, all batches at once, merges racing in the coordinator.
    await Promise.all([...corpus].reverse().map((doc) => ingest(d, "conc_ws", [doc])));
    // And one big batch, as /documents/texts sends it.
    await ingest(d, "batch_ws", corpus);
    const sequential = await dumpGraph("seq_ws");
    expect(sequential.entities.length).toBeGreaterThan(10);
    expect(sequential.relations.length).toBeGreaterThan(10);
    const ada = sequential.entities.find((e) => e.name === "Ada Lovelace");
    expect(String(ada?.source_id).split("<SEP>")).toHaveLength(16);
    expect(await dumpGraph("conc_ws")).toEqual(sequential);
    expect(await dumpGraph("batch_ws")).toEqual(sequential);
    expect(await orphans("conc_ws")).toEqual([]);
  }, 120_000);

  it("stores each entity's and relation's context-line token count, as a query would count it", async () => {
    const d = deps();
    await ingest(d, "line_tokens_ws", sharedCorpus(3));
    const tokenizer = await loadTokenizer();
    const { results: entities } = await env.DB.prepare(
      "SELECT name, entity_type, description, line_tokens FROM entities WHERE workspace = 'line_tokens_ws'",
    ).all<{ name: string; entity_type: string; description: string; line_tokens: number }>();
    expect(entities.length).toBeGreaterThan(3);
    for (const row of entities) {
      const line = entityLine({ name: row.name, entityType: row.entity_type, description: row.description });
      expect(row.line_tokens).toBe(tokenizer.count(line));
    }
    const { results: relations } = await env.DB.prepare(
      "SELECT src, tgt, description, line_tokens FROM relations WHERE workspace = 'line_tokens_ws'",
    ).all<{ src: string; tgt: string; description: string; line_tokens: number }>();
    expect(relations.length).toBeGreaterThan(3);
    for (const row of relations) expect(row.line_tokens).toBe(tokenizer.count(relationLine(row)));
  }, 60_000);

  it("stores every chunk's text beside its vector, as retrieval reads it", async () => {
    const d = deps();
    const [docId] = await ingest(d, "payload_ws", sharedCorpus(1));
    const chunks = await d.stores.chunks.byDocument("payload_ws", docId as string);
    expect(chunks.length).toBeGreaterThan(0);
    const payloads = await d.stores.vectors.payloads(
      "payload_ws",
      "chunks",
      chunks.map((chunk) => chunk.id),
    );
    expect(payloads).toHaveLength(chunks.length);
    // orphans() compares every payload with its chunk row.
    expect(await orphans("payload_ws")).toEqual([]);
  }, 60_000);

  it("follows LightRAG's merge rules: frequent type, deduplicated descriptions, summed weights, keyword union, summaries", async () => {
    const records = (type: string, description: string, keywords: string) =>
      [
        `entity<|#|>Widget<|#|>${type}<|#|>${description}`,
        `entity<|#|>Gadget<|#|>artifact<|#|>A gadget.`,
        `relation<|#|>Widget<|#|>Gadget<|#|>${keywords}<|#|>Widget drives Gadget.`,
        "<|COMPLETE|>",
      ].join("\n");
    let n = 0;
    const llm = new ScriptedLlm((request) => {
      if (request.role === "summary") return "SUMMARY of widget";
      if (request.messages.some((m) => m.role === "assistant")) return "<|COMPLETE|>";
      n++;
      return records(
        n % 3 === 0 ? "concept" : "artifact",
        n <= 9 ? `Widget fact ${n}.` : "Widget fact 1.",
        `kw${n % 2},shared`,
      );
    });
    const d = deps({ llm, settings: { enhanced: true, maxGleaning: 1, forceSummaryOnMerge: 100 } });
    await ingest(
      d,
      "rules_ws",
      Array.from({ length: 4 }, (_, i) => ({ text: `Document ${i} about widgets.`, source: `w${i}.txt` })),
      1,
      inProcessCoordinator(d),
    );
    const graph = await dumpGraph("rules_ws");
    const widget = graph.entities.find((e) => e.name === "Widget");
    expect(widget?.entity_type).toBe("artifact");
    expect(String(widget?.description).split("<SEP>")).toHaveLength(4);
    const edge = graph.relations[0];
    expect(edge).toMatchObject({ src: "Gadget", tgt: "Widget", keywords: "kw0,kw1,shared", weight: 4 });
    expect(edge?.description).toBe("Widget drives Gadget.");
    expect(llm.count("extract")).toBe(8);
    // Past FORCE_LLM_SUMMARY_ON_MERGE the LLM summarises.
    const summarising = deps({ llm, settings: { enhanced: true, maxGleaning: 0, forceSummaryOnMerge: 3 } });
    await ingest(
      summarising,
      "summary_ws",
      Array.from({ length: 4 }, (_, i) => ({ text: `Summary document ${i}.`, source: `s${i}.txt` })),
      1,
      inProcessCoordinator(summarising),
    );
    expect((await dumpGraph("summary_ws")).entities.find((e) => e.name === "Widget")?.description).toBe(
      "SUMMARY of widget",
    );
  }, 60_000);
});
