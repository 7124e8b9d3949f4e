/** Retrieval reads chunk texts from the chunk index's payloads and falls back to the chunk table. */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { decodeChunkPayload, encodeChunkPayload } from "../../src/rag/chunk-payload";
import { chunkRows } from "../../src/rag/query/chunk-rows";
import type { QueryDeps } from "../../src/rag/query/types";
import type { ChunkRecord } from "../../src/storage/chunks";
import { createD1Stores } from "../../src/storage/d1/stores";
import { invalidateGraphIndex } from "../../src/storage/graph-index/store";
import { LocalVectorStore } from "../../src/storage/local-vector/store";

const chunk = (id: string, content: string): ChunkRecord => ({
  id,
  docId: "doc-x",
  order: Number(id.slice(-1)),
  tokens: 3,
  content,
  filePath: "x.md",
});

async function depsWith(workspace: string): Promise<QueryDeps> {
  const vectors = new LocalVectorStore(env.VECTOR_INDEX);
  const stores = createD1Stores(env.DB, vectors, (ws) => invalidateGraphIndex(env.GRAPH_INDEX, ws));
  const one = chunk("doc-x-chunk-1", "one from the index");
  const two = chunk("doc-x-chunk-2", "two from the table");
  const three = chunk("doc-x-chunk-3", "three, payload unreadable");
  await stores.chunks.upsert(workspace, [one, two, three]);
  await vectors.upsert(workspace, "chunks", [
    { id: one.id, vector: Float32Array.from([1, 0]), payload: encodeChunkPayload(one) },
    { id: two.id, vector: Float32Array.from([0, 1]) },
    { id: three.id, vector: Float32Array.from([1, 1]), payload: '{"content": 3}' },
  ]);
  return { vectors, chunks: stores.chunks } as unknown as QueryDeps;
}

describe("chunk payloads", () => {
  it("round-trip a chunk record, and refuse what is not one", () => {
    const record = chunk("doc-x-chunk-1", 'text with "quotes" and\nlines');
    const payload = encodeChunkPayload(record);
    expect(payload).toBe(
      `{"doc_id":"doc-x","order":1,"tokens":3,"file_path":"x.md"}\ntext with "quotes" and\nlines`,
    );
    expect(decodeChunkPayload(record.id, payload)).toEqual(record);
    expect(decodeChunkPayload("id", "not json")).toBeNull();
    expect(decodeChunkPayload("id", "not json\nbut a content")).toBeNull();
    expect(decodeChunkPayload("id", '{"content":"no other fields"}')).toBeNull();
    const header = JSON.parse(payload.slice(0, payload.indexOf("\n"))) as Record<string, unknown>;
    // Each header field of the wrong type (or missing) refuses the payload.
    for (const [key, wrong] of [
      ["doc_id", 7],
      ["order", 1.5],
      ["order", "1"],
      ["tokens", null],
      ["file_path", undefined],
    ] as const)
      expect(decodeChunkPayload("id", `${JSON.stringify({ ...header, [key]: wrong })}\ntext`)).toBeNull();
    expect(decodeChunkPayload("id", "null\ntext")).toBeNull();
    expect(decodeChunkPayload("id", '"a string"\ntext')).toBeNull();
  });

  it("round-trip any content and file path, newlines and all", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string(), fc.nat(), (content, filePath, tokens) => {
        const record = { ...chunk("doc-x-chunk-1", content), filePath, tokens };
        expect(decodeChunkPayload(record.id, encodeChunkPayload(record))).toEqual(record);
      }),
      { numRuns: 300 },
    );
  });

  it("still read payloads written as one JSON object, and refuse such an object with a field wrong", () => {
    const record = chunk("doc-x-chunk-1", 'text with "quotes" and\nlines');
    const fields = {
      doc_id: record.docId,
      order: record.order,
      tokens: record.tokens,
      content: record.content,
      file_path: record.filePath,
    };
    expect(decodeChunkPayload(record.id, JSON.stringify(fields))).toEqual(record);
    for (const [key, wrong] of [
      ["doc_id", 7],
      ["order", 1.5],
      ["tokens", null],
      ["content", ["text"]],
      ["content", undefined],
      ["file_path", undefined],
    ] as const)
      expect(decodeChunkPayload("id", JSON.stringify({ ...fields, [key]: wrong }))).toBeNull();
    expect(decodeChunkPayload("id", "null")).toBeNull();
    expect(decodeChunkPayload("id", '"a string"')).toBeNull();
  });
});

describe("chunkRows", () => {
  it("takes payloads from the index and reads only the rest from the chunk table", async () => {
    const deps = await depsWith("rows_mixed");
    const read = vi.spyOn(deps.chunks, "get");
    const rows = await chunkRows(deps, "rows_mixed", [
      "doc-x-chunk-1",
      "doc-x-chunk-2",
      "doc-x-chunk-3",
      "gone",
    ]);
    expect(rows.map((row) => row.content).sort()).toEqual([
      "one from the index",
      "three, payload unreadable",
      "two from the table",
    ]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read.mock.calls[0]?.[1]).toEqual(["doc-x-chunk-2", "doc-x-chunk-3", "gone"]);
  });

  it("does not touch the chunk table when every chunk has a payload", async () => {
    const deps = await depsWith("rows_indexed");
    const read = vi.spyOn(deps.chunks, "get");
    const [row] = await chunkRows(deps, "rows_indexed", ["doc-x-chunk-1"]);
    expect(row).toEqual(chunk("doc-x-chunk-1", "one from the index"));
    expect(read).not.toHaveBeenCalled();
    expect(await chunkRows(deps, "rows_indexed", [])).toEqual([]);
  });
});
