/** Retrieval reads chunk texts from the chunk index's payloads and falls back to the chunk table. */
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { decodeChunkPayload, encodeChunkPayload } from "../../src/rag/chunk-payload";
import { chunkRows } from "../../src/rag/query/chunk-rows";
import { chunkLine } from "../../src/rag/query/context";
import type { QueryDeps, RetrievedChunk } from "../../src/rag/query/types";
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

/** The record's own fields (a payload's chunk also carries `contentJson`). */
const fieldsOf = (record: ChunkRecord | null) =>
  record && {
    id: record.id,
    docId: record.docId,
    order: record.order,
    tokens: record.tokens,
    content: record.content,
    filePath: record.filePath,
  };

describe("chunk payloads", () => {
  it("round-trip a chunk record, and refuse what is not one", () => {
    const record = chunk("doc-x-chunk-1", 'text with "quotes" and\nlines');
    const payload = encodeChunkPayload(record);
    expect(payload).toBe(
      `{"doc_id":"doc-x","order":1,"tokens":3,"file_path":"x.md"}\n"text with \\"quotes\\" and\\nlines"`,
    );
    const decoded = decodeChunkPayload(record.id, payload);
    expect(fieldsOf(decoded)).toEqual(record);
    expect(decoded?.contentJson).toBe(JSON.stringify(record.content));
    expect(decodeChunkPayload("id", "not json")).toBeNull();
    expect(decodeChunkPayload("id", 'not json\n"but a content"')).toBeNull();
    expect(decodeChunkPayload("id", '{"content":"no other fields"}')).toBeNull();
    const header = payload.slice(0, payload.indexOf("\n"));
    // The content must be a whole literal: cut short, unquoted or ending in an escaped quote.
    for (const content of ['"cut sho', "raw text", '"ends escaped\\"', '"', ""])
      expect(decodeChunkPayload("id", `${header}\n${content}`)).toBeNull();
    expect(decodeChunkPayload("id", `${header}\n"ends in a backslash\\\\"`)?.content).toBe(
      "ends in a backslash\\",
    );
    const fields = JSON.parse(header) as Record<string, unknown>;
    // Each header field of the wrong type (or missing) refuses the payload.
    for (const [key, wrong] of [
      ["doc_id", 7],
      ["order", 1.5],
      ["order", "1"],
      ["tokens", null],
      ["file_path", undefined],
    ] as const)
      expect(decodeChunkPayload("id", `${JSON.stringify({ ...fields, [key]: wrong })}\n"text"`)).toBeNull();
    expect(decodeChunkPayload("id", 'null\n"text"')).toBeNull();
    expect(decodeChunkPayload("id", '"a string"\n"text"')).toBeNull();
  });

  it("round-trip any content and file path, and give the chunk line JSON.stringify gives", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }),
        // Any UTF-16 code unit, lone surrogates included (JSON.stringify escapes those).
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }),
        fc.string(),
        fc.nat(),
        (content, odd, filePath, tokens) => {
          for (const text of [content, odd]) {
            const record = { ...chunk("doc-x-chunk-1", text), filePath, tokens };
            const decoded = decodeChunkPayload(record.id, encodeChunkPayload(record));
            expect(fieldsOf(decoded)).toEqual(record);
            const plain = { id: record.id, content: text, filePath, tokens };
            expect(chunkLine(decoded as RetrievedChunk, "7")).toBe(chunkLine(plain, "7"));
            expect(chunkLine(plain, "7")).toBe(JSON.stringify({ reference_id: "7", content: text }));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reads a literal broken inside as its raw text instead of failing", () => {
    const header = '{"doc_id":"d","order":0,"tokens":1,"file_path":"f.md"}';
    expect(decodeChunkPayload("id", `${header}\n"a "broken" literal"`)?.content).toBe('a "broken" literal');
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
    expect(fieldsOf(row ?? null)).toEqual(chunk("doc-x-chunk-1", "one from the index"));
    expect(row?.contentJson).toBe(JSON.stringify("one from the index"));
    expect(read).not.toHaveBeenCalled();
    expect(await chunkRows(deps, "rows_indexed", [])).toEqual([]);
  });
});
