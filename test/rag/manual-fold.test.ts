/** The fold's precedence for manual sources: fields set by hand win, unset ones stay extracted. */
import { beforeAll, describe, expect, it } from "vitest";
import type { LlmClient } from "../../src/providers/types";
import { MANUAL_SOURCE, manualEntity, manualRelation, UNSET_WEIGHT } from "../../src/rag/graph-edit/manual";
import { foldEntity, foldRelation } from "../../src/rag/merge/fold";
import { loadTokenizer } from "../../src/rag/tokenizer";
import type { EntitySource, RelationSource } from "../../src/storage/extractions";
import { deps } from "./engine-helpers";

/** An LLM that must not be called: a manual description needs no summary. */
const noLlm = new Proxy({} as LlmClient, {
  get: () => () => {
    throw new Error("the LLM was called");
  },
});

async function context() {
  const settings = { ...deps().settings, enhanced: true, forceSummaryOnMerge: 2 };
  return { llm: noLlm, tokenizer: await loadTokenizer(), settings, workspace: "fold_ws" };
}

const extracted = (chunk: string, description: string, type = "person"): EntitySource => ({
  name: "Ada",
  chunkId: chunk,
  docId: `doc-${chunk}`,
  type,
  description,
  filePath: `${chunk}.txt`,
});

const edge = (chunk: string, weight: number, keywords = "k"): RelationSource => ({
  src: "Ada",
  tgt: "Babbage",
  chunkId: chunk,
  docId: `doc-${chunk}`,
  keywords,
  description: `edge from ${chunk}`,
  weight,
  filePath: `${chunk}.txt`,
});

describe("manual sources in the fold", () => {
  // The tokenizer is built once per isolate (about 0.5 s, seconds on a loaded machine): outside
  // the tests' 5 s budget, so a busy CI machine does not time the first test out.
  beforeAll(() => loadTokenizer(), 60_000);

  it("a manual description and type win without a summary; chunks and paths stay extracted", async () => {
    const sources = [
      extracted("c1", "One."),
      extracted("c2", "Two."),
      extracted("c3", "Three."),
      manualEntity("Ada", { description: "By hand.", entityType: "mathematician" }),
    ];
    const { entity } = await foldEntity(await context(), "Ada", sources, 1);
    expect(entity).toMatchObject({
      description: "By hand.",
      entityType: "mathematician",
      sourceId: "c1<SEP>c2<SEP>c3",
      filePath: "c1.txt<SEP>c2.txt<SEP>c3.txt",
    });
    expect(entity.sourceId).not.toContain(MANUAL_SOURCE);
  });

  it("an unset manual field keeps the extracted value; a manual row alone keeps the node", async () => {
    const ctx = await context();
    const { entity } = await foldEntity(
      ctx,
      "Ada",
      [extracted("c1", "One."), manualEntity("Ada", { filePath: "notes" })],
      1,
    );
    expect(entity).toMatchObject({ description: "One.", entityType: "person", filePath: "c1.txt<SEP>notes" });
    const alone = await foldEntity(ctx, "Ada", [manualEntity("Ada", { description: "Only me." })], 1);
    expect(alone.entity).toMatchObject({ description: "Only me.", entityType: "UNKNOWN", sourceId: "" });
  });

  it("a manual weight and keywords replace the summed weight and the keyword union", async () => {
    const ctx = await context();
    const pair = { src: "Ada", tgt: "Babbage" };
    const set = await foldRelation(
      ctx,
      "Ada",
      "Babbage",
      [edge("c1", 2), manualRelation(pair, { weight: 7, keywords: "hand" })],
      1,
    );
    expect(set.relation).toMatchObject({ weight: 7, keywords: "hand", description: "edge from c1" });
    const unset = manualRelation(pair, { description: "By hand." });
    expect(unset.weight).toBe(UNSET_WEIGHT);
    const summed = await foldRelation(
      ctx,
      "Ada",
      "Babbage",
      [edge("c1", 2, "a"), edge("c2", 3, "b"), unset],
      1,
    );
    expect(summed.relation).toMatchObject({ weight: 5, keywords: "a,b", description: "By hand." });
    const alone = await foldRelation(ctx, "Ada", "Babbage", [unset], 1);
    expect(alone.relation.weight).toBe(1);
  });
});
