import { describe, expect, it } from "vitest";
import { processDocuments } from "../../src/pipeline/ingest-consumer";
import type { LlmRequest } from "../../src/providers/types";
import { registerDocuments } from "../../src/rag/documents";
import { rebuild } from "../../src/rag/knowledge";
import {
  deps,
  dumpGraph,
  ingest,
  inProcessCoordinator,
  log,
  orphans,
  ScriptedLlm,
  sharedCorpus,
} from "./engine-helpers";

describe("deletion", () => {
  it("leaves nothing orphaned and the same graph as never having ingested the deleted documents", async () => {
    const corpus = sharedCorpus(10);
    const d = deps();
    const ids = await ingest(d, "del_ws", corpus);
    expect(ids).toHaveLength(10);
    const gone = [ids[0], ids[3], ids[4], ids[9]] as string[];
    const report = await rebuild(d, "del_ws", gone, "delete");
    expect(report.deletedEntities).toBeGreaterThan(0);
    expect(await orphans("del_ws")).toEqual([]);
    expect(await d.stores.documents.get("del_ws", gone)).toEqual([]);
    expect(
      await d.stores.chunks.get(
        "del_ws",
        gone.map((id) => `${id}-chunk-000`),
      ),
    ).toEqual([]);
    const kept = corpus.filter((_, i) => ![0, 3, 4, 9].includes(i));
    await ingest(d, "del_ref_ws", kept);
    expect(await dumpGraph("del_ws")).toEqual(await dumpGraph("del_ref_ws"));
    // Deleting the rest empties the workspace completely.
    await rebuild(
      d,
      "del_ws",
      ids.filter((id) => !gone.includes(id)),
      "delete",
    );
    expect(await dumpGraph("del_ws")).toEqual({
      entities: [],
      relations: [],
      entityVectors: [],
      relationVectors: [],
    });
    expect(await d.stores.vectors.count("del_ws", "chunks")).toBe(0);
    expect(await orphans("del_ws")).toEqual([]);
  }, 120_000);

  it("rebuilds from stored extractions without a single extraction call", async () => {
    const llm = new ScriptedLlm((request) => {
      if (request.role !== "extract") return "summary";
      const text = request.messages.at(-1)?.content ?? "";
      const n = /Doc (\d+)/.exec(text)?.[1] ?? "x";
      return [
        `entity<|#|>Shared Hub<|#|>concept<|#|>Hub seen in doc ${n}.`,
        `entity<|#|>Only ${n}<|#|>concept<|#|>Unique to doc ${n}.`,
        `relation<|#|>Shared Hub<|#|>Only ${n}<|#|>link<|#|>Hub links ${n}.`,
        "<|COMPLETE|>",
      ].join("\n");
    });
    const d = deps({ llm, settings: { enhanced: true, maxGleaning: 0 } });
    const via = inProcessCoordinator(d);
    const ids = await ingest(
      d,
      "rebuild_ws",
      [1, 2, 3, 4, 5].map((n) => ({ text: `Doc ${n} text.`, source: `d${n}.txt` })),
      4,
      via,
    );
    expect(llm.count("extract")).toBe(5);
    const before = llm.calls.length;
    await rebuild(d, "rebuild_ws", [ids[1], ids[2], ids[3]] as string[], "delete");
    expect(llm.calls.slice(before).filter((call) => call.role === "extract")).toEqual([]);
    const graph = await dumpGraph("rebuild_ws");
    expect(graph.entities.map((e) => e.name)).toEqual(["Only 1", "Only 5", "Shared Hub"]);
    const hub = String(graph.entities.find((e) => e.name === "Shared Hub")?.description);
    expect(hub.split("<SEP>").sort()).toEqual(["Hub seen in doc 1.", "Hub seen in doc 5."]);
    expect(await orphans("rebuild_ws")).toEqual([]);
  }, 60_000);

  it("a document deleted while it is being processed leaves nothing behind when its merge comes", async () => {
    let entered!: () => void;
    const extracting = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const records = [
      "entity<|#|>Widget<|#|>artifact<|#|>A widget.",
      "entity<|#|>Gadget<|#|>artifact<|#|>A gadget.",
      "relation<|#|>Widget<|#|>Gadget<|#|>drives<|#|>Widget drives Gadget.",
      "<|COMPLETE|>",
    ].join("\n");
    const scripted = new ScriptedLlm(() => records);
    // Extraction waits at the gate: the document's chunks are stored, its results not yet.
    const llm = {
      complete: async (request: LlmRequest) => {
        entered();
        await gate;
        return scripted.complete(request);
      },
      stream: (request: LlmRequest) => scripted.stream(request),
    };
    const d = deps({ llm, settings: { enhanced: true } });
    const ws = "del_race_ws";
    const { accepted } = await registerDocuments(
      d.stores,
      ws,
      [{ text: "Widget drives Gadget.", source: "w.txt" }],
      "insert",
    );
    const id = accepted[0]?.id as string;
    const processing = processDocuments(d, inProcessCoordinator(d), ws, [id], { parallel: 1, log });
    await extracting;
    await rebuild(d, ws, [id], "delete");
    release();
    await processing;
    expect(await d.stores.documents.get(ws, [id])).toEqual([]);
    expect(await orphans(ws)).toEqual([]);
    expect(await dumpGraph(ws)).toEqual({
      entities: [],
      relations: [],
      entityVectors: [],
      relationVectors: [],
    });
    expect(await d.stores.vectors.ids(ws, "chunks")).toEqual([]);
    expect(await d.stores.vectors.ids(ws, "entities")).toEqual([]);
  }, 60_000);
});
