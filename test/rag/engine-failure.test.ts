import { describe, expect, it } from "vitest";
import { processDocuments } from "../../src/pipeline/ingest-consumer";
import { registerDocuments } from "../../src/rag/documents";
import { rebuild } from "../../src/rag/knowledge";
import type { KnowledgeWriter } from "../../src/storage/commit";
import { deps, dumpGraph, ingest, inProcessCoordinator, log, orphans, ScriptedLlm } from "./engine-helpers";

const answer = (text: string) => {
  const n = /Doc (\w+)/.exec(text)?.[1];
  if (!n) return "entity<|#|>Shared Hub<|#|>concept<|#|>Hub seen in a fragment.\n<|COMPLETE|>";
  return [
    `entity<|#|>Shared Hub<|#|>concept<|#|>Hub seen in doc ${n}.`,
    `entity<|#|>Only ${n}<|#|>concept<|#|>Unique to doc ${n}.`,
    `relation<|#|>Shared Hub<|#|>Only ${n}<|#|>link<|#|>Hub links ${n}.`,
    "<|COMPLETE|>",
  ].join("\n");
};

describe("failure handling", () => {
  it("an LLM failure mid-document leaves it failed with its error and nothing of it in the graph", async () => {
    const llm = new ScriptedLlm((request) => {
      const text = request.messages.at(-1)?.content ?? "";
      if (request.role === "extract" && text.includes("POISON"))
        throw new Error("upstream 429: rate limited");
      return request.role === "extract" ? answer(text) : "summary";
    });
    const d = deps({ llm, settings: { enhanced: true, maxGleaning: 0, chunkSize: 60, chunkOverlap: 0 } });
    const via = inProcessCoordinator(d);
    const long = (tag: string, poisonAt: number) =>
      Array.from(
        { length: 6 },
        (_, i) => `Doc ${tag} part ${i} ${i === poisonAt ? "POISON" : ""} ${"filler words ".repeat(12)}`,
      ).join("\n");
    const { accepted } = await registerDocuments(
      d.stores,
      "fail_ws",
      [
        { text: long("Good1", -1), source: "good1.txt" },
        { text: long("Bad", 4), source: "bad.txt" },
        { text: long("Good2", -1), source: "good2.txt" },
      ],
      "insert",
    );
    const outcome = await processDocuments(
      d,
      via,
      "fail_ws",
      accepted.map((doc) => doc.id),
      { parallel: 3, log },
    );
    expect(outcome.processed).toBe(2);
    expect(outcome.failures).toHaveLength(1);
    const docs = await d.stores.documents.get(
      "fail_ws",
      accepted.map((doc) => doc.id),
    );
    const bad = docs.find((doc) => doc.filePath === "bad.txt");
    expect(bad).toMatchObject({ status: "failed", errorMsg: "upstream 429: rate limited" });
    expect(docs.filter((doc) => doc.status === "processed")).toHaveLength(2);
    const names = (await dumpGraph("fail_ws")).entities.map((e) => e.name);
    expect(names).toEqual(["Only Good1", "Only Good2", "Shared Hub"]);
    expect(await orphans("fail_ws")).toEqual([]);
    // Chunks extracted before the failure are kept: a retry pays only for the failed ones.
    const stored = await d.stores.extractions.resultsByDocuments("fail_ws", [bad?.id as string]);
    expect(stored.length).toBeGreaterThanOrEqual(1);
    const chunks = bad?.chunksCount ?? 0;
    expect(chunks).toBeGreaterThan(2);
    expect(stored.length).toBeLessThan(chunks);
    const extractCalls = llm.count("extract");
    const healed = new ScriptedLlm((request) =>
      request.role === "extract" ? answer(request.messages.at(-1)?.content ?? "") : "s",
    );
    const retry = deps({
      llm: healed,
      settings: { enhanced: true, maxGleaning: 0, chunkSize: 60, chunkOverlap: 0 },
    });
    await processDocuments(retry, inProcessCoordinator(retry), "fail_ws", [bad?.id as string], {
      parallel: 1,
      log,
    });
    expect(healed.count("extract")).toBe(chunks - stored.length);
    expect(extractCalls).toBeGreaterThan(0);
    expect((await d.stores.documents.get("fail_ws", [bad?.id as string]))[0]?.status).toBe("processed");
    expect((await dumpGraph("fail_ws")).entities.map((e) => e.name)).toContain("Only Bad");
  }, 60_000);

  it("a crash in the merge commit leaves no half-merged graph; unmerge removes its vectors", async () => {
    const llm = new ScriptedLlm((request) =>
      request.role === "extract" ? answer(request.messages.at(-1)?.content ?? "") : "s",
    );
    const d = deps({ llm, settings: { enhanced: true, maxGleaning: 0 } });
    await ingest(d, "crash_ws", [{ text: "Doc A text.", source: "a.txt" }], 1, inProcessCoordinator(d));
    const before = await dumpGraph("crash_ws");
    const broken: KnowledgeWriter = {
      commit: async () => {
        throw new Error("D1 batch failed");
      },
      clearWorkspace: d.stores.writer.clearWorkspace.bind(d.stores.writer),
    };
    const crashing = { ...d, stores: { ...d.stores, writer: broken } };
    const { accepted } = await registerDocuments(
      d.stores,
      "crash_ws",
      [{ text: "Doc B text.", source: "b.txt" }],
      "insert",
    );
    const outcome = await processDocuments(
      crashing,
      {
        ...inProcessCoordinator(crashing),
        unmerge: (ws, ids, error) => rebuild(d, ws, ids, "unmerge", error),
      },
      "crash_ws",
      [accepted[0]?.id as string],
      { parallel: 1, log },
    );
    expect(outcome.failures.map((f) => String(f.error))).toEqual(["Error: D1 batch failed"]);
    expect(await dumpGraph("crash_ws")).toEqual(before);
    expect((await d.stores.documents.get("crash_ws", [accepted[0]?.id as string]))[0]).toMatchObject({
      status: "failed",
      errorMsg: "D1 batch failed",
    });
    expect(await orphans("crash_ws")).toEqual([]);
  }, 60_000);
});
