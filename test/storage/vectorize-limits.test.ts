/**
 * Keeps the Vectorize fake honest: the limits table of docs/scaling.md, src/storage/vectorize/
 * limits.ts and the fake must agree, and the fake must accept each limit and refuse one past it.
 */
import { describe, expect, it } from "vitest";
import scaling from "../../docs/scaling.md?raw";
import type { VectorizeRecord } from "../../src/storage/vectorize/binding";
import { VECTORIZE_LIMITS, type VectorizeLimits } from "../../src/storage/vectorize/limits";
import { FakeVectorizeIndex } from "../fakes/vectorize";

/** `key → value` from the rows of the "## Vectorize" section's limits table. */
function documentedLimits(markdown: string): Record<string, number> {
  const section = markdown.split(/^## /m).find((part) => part.startsWith("Vectorize"));
  if (!section) throw new Error("docs/scaling.md has no ## Vectorize section");
  const limits: Record<string, number> = {};
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const key = /^`(\w+)`$/.exec(cells[2] ?? "")?.[1];
    if (key && /^\d+$/.test(cells[3] ?? "")) limits[key] = Number(cells[3]);
  }
  return limits;
}

const documented = documentedLimits(scaling);
const fake = (overrides: Partial<VectorizeLimits> = {}, dimensions = 2) =>
  new FakeVectorizeIndex({ dimensions, limits: { ...VECTORIZE_LIMITS, ...overrides } });
const vectors = (n: number, make: (i: number) => Partial<VectorizeRecord> = () => ({})): VectorizeRecord[] =>
  Array.from({ length: n }, (_, i) => ({ id: `v${i}`, values: [1, 0], ...make(i) }));

describe("Vectorize limits: docs/scaling.md, limits.ts and the fake agree", () => {
  it("documents exactly the limits the code uses, with the same values", () => {
    expect(documented).toEqual({ ...VECTORIZE_LIMITS });
    expect(new FakeVectorizeIndex({ dimensions: 2 }).limits).toEqual(documented);
  });

  it("fake: topK up to the documented limits, with and without values or metadata", async () => {
    const index = fake();
    await index.upsert(vectors(3));
    index.flush();
    const bare = documented.topKWithoutValuesOrMetadata as number;
    const rich = documented.topKWithValuesOrMetadata as number;
    await expect(index.query([1, 0], { topK: bare })).resolves.toBeDefined();
    await expect(index.query([1, 0], { topK: bare + 1 })).rejects.toThrow(/topK/);
    await expect(index.query([1, 0], { topK: rich, returnValues: true })).resolves.toBeDefined();
    await expect(index.query([1, 0], { topK: rich + 1, returnValues: true })).rejects.toThrow(/topK/);
    await expect(index.query([1, 0], { topK: rich + 1, returnMetadata: "all" })).rejects.toThrow(/topK/);
  });

  it("fake: metadata bytes, id bytes and namespace bytes", async () => {
    const index = fake();
    const metadataBytes = documented.metadataBytes as number;
    // {"p":"…"} is 8 bytes of JSON around the text.
    const fits = { p: "m".repeat(metadataBytes - 8) };
    await expect(index.upsert(vectors(1, () => ({ metadata: fits })))).resolves.toBeDefined();
    await expect(index.upsert(vectors(1, () => ({ metadata: { p: `${fits.p}m` } })))).rejects.toThrow(
      /metadata/,
    );
    const idBytes = documented.idBytes as number;
    await expect(index.upsert(vectors(1, () => ({ id: "i".repeat(idBytes) })))).resolves.toBeDefined();
    await expect(index.upsert(vectors(1, () => ({ id: "i".repeat(idBytes + 1) })))).rejects.toThrow(/id/);
    const nsBytes = documented.namespaceBytes as number;
    await expect(index.upsert(vectors(1, () => ({ namespace: "n".repeat(nsBytes) })))).resolves.toBeDefined();
    await expect(index.upsert(vectors(1, () => ({ namespace: "n".repeat(nsBytes + 1) })))).rejects.toThrow(
      /namespace/,
    );
  });

  it("fake: batch sizes of upsert, deleteByIds, getByIds and list-vectors", async () => {
    const index = fake();
    const upsertBatch = documented.upsertBatch as number;
    await expect(index.upsert(vectors(upsertBatch))).resolves.toBeDefined();
    await expect(index.upsert(vectors(upsertBatch + 1))).rejects.toThrow(/batch/);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    await expect(index.deleteByIds(ids(documented.deleteBatch as number))).resolves.toBeDefined();
    await expect(index.deleteByIds(ids((documented.deleteBatch as number) + 1))).rejects.toThrow();
    await expect(index.getByIds(ids(documented.getByIdsBatch as number))).resolves.toBeDefined();
    await expect(index.getByIds(ids((documented.getByIdsBatch as number) + 1))).rejects.toThrow();
    await expect(index.list({ count: documented.listPage as number })).resolves.toBeDefined();
    await expect(index.list({ count: (documented.listPage as number) + 1 })).rejects.toThrow();
  });

  it("fake: namespaces per index, counted before the mutations apply", async () => {
    const index = fake();
    const limit = documented.namespacesPerIndex as number;
    const batch = documented.upsertBatch as number;
    for (let start = 0; start < limit; start += batch)
      await index.upsert(vectors(batch, (i) => ({ id: `n${start + i}`, namespace: `ns${start + i}` })));
    await expect(index.upsert(vectors(1, () => ({ id: "last", namespace: "ns0" })))).resolves.toBeDefined();
    await expect(index.upsert(vectors(1, () => ({ id: "over", namespace: "one-too-many" })))).rejects.toThrow(
      /namespaces/,
    );
  });

  it("fake: dimensions per vector and vectors per index", async () => {
    const dimensions = documented.dimensions as number;
    expect(() => fake({}, dimensions)).not.toThrow();
    expect(() => fake({}, dimensions + 1)).toThrow(/dimensions/);
    // Ten million vectors do not fit a test: the same check, at a lowered limit.
    const index = fake({ vectorsPerIndex: 3 });
    await expect(index.upsert(vectors(3))).resolves.toBeDefined();
    index.flush();
    await expect(index.upsert(vectors(1, () => ({ id: "fourth" })))).rejects.toThrow(/vectors in the index/);
  });

  it("fake: mutations are visible only after the configured delay, in order", async () => {
    let clock = 0;
    const index = new FakeVectorizeIndex({ dimensions: 2, delayMs: 100, now: () => clock });
    const first = await index.upsert(vectors(2));
    const second = await index.deleteByIds(["v0"]);
    expect((await index.getByIds(["v0", "v1"])).length).toBe(0);
    clock = 99;
    expect((await index.describe()).processedUpToMutation).toBeNull();
    clock = 100;
    expect((await index.describe()).processedUpToMutation).toBe(second.mutationId);
    expect(first.mutationId).not.toBe(second.mutationId);
    expect((await index.getByIds(["v0", "v1"])).map((v) => v.id)).toEqual(["v1"]);
  });
});
