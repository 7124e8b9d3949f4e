/**
 * The per-document work of the queue consumer, before the serialised merge: chunk the text,
 * store and embed the chunks, extract every chunk (reusing stored results, so a retry costs
 * no LLM call for chunks already done) and store the results. Safe to replay.
 */
import type { ChunkRecord } from "../storage/chunks";
import type { DocumentRecord } from "../storage/documents";
import type { ChunkExtraction } from "../storage/extractions";
import { encodeChunkPayload } from "./chunk-payload";
import { chunkByTokens } from "./chunking";
import { embedAll } from "./embeddings";
import { basicExtract } from "./extraction/basic-extractor";
import { extractWithLlm } from "./extraction/llm-extractor";
import { chunkId } from "./ids";
import type { Limiter } from "./pool";
import { loadTokenizer } from "./tokenizer";
import { type RagDeps, RagError } from "./types";

export interface ProcessOptions {
  /** Shared LLM slots for every document of the batch (LLM_MAX_ASYNC). */
  llmSlots: Limiter;
  /** Checked before each chunk; true stops the document with a `cancelled` error. */
  isCancelled?: () => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** The document's record when the caller already loaded it (saves a round trip). */
  record?: DocumentRecord;
}

export type ProcessOutcome =
  | { kind: "skipped"; reason: "missing" | "processed" }
  | { kind: "extracted"; chunks: number; llmCalls: number };

/**
 * Prepares `docId` for merging; throws when extraction fails (the caller marks it failed).
 *
 * @example
 * const outcome = await prepareDocument(deps, "default", "doc-…", { llmSlots: createLimiter(4) });
 */
export async function prepareDocument(
  deps: RagDeps,
  workspace: string,
  docId: string,
  options: ProcessOptions,
): Promise<ProcessOutcome> {
  const { stores, settings } = deps;
  const doc = options.record ?? (await stores.documents.get(workspace, [docId]))[0];
  if (!doc) return { kind: "skipped", reason: "missing" };
  if (doc.status === "processed") return { kind: "skipped", reason: "processed" };
  const [content, tokenizer] = await Promise.all([
    stores.documents.content(workspace, docId),
    loadTokenizer(),
  ]);
  if (content === null) throw new Error(`document ${docId} has no stored text`);

  const chunks: ChunkRecord[] = chunkByTokens(
    tokenizer,
    content,
    settings.chunkSize,
    settings.chunkOverlap,
  ).map((chunk) => ({
    id: chunkId(docId, chunk.order),
    docId,
    order: chunk.order,
    tokens: chunk.tokens,
    content: chunk.content,
    filePath: doc.filePath,
  }));
  const chunkIds = chunks.map((chunk) => chunk.id);
  await Promise.all([
    stores.chunks.upsert(workspace, chunks),
    stores.documents.setStatus(workspace, [docId], {
      status: "processing",
      chunksCount: chunks.length,
      chunksList: chunkIds,
      countAttempt: true,
    }),
  ]);

  const embedChunks = async () => {
    const vectors = await embedAll(
      deps.embeddings,
      workspace,
      chunks.map((chunk) => chunk.content),
      settings.embeddingBatch,
      settings.embeddingConcurrency,
    );
    await stores.vectors.upsert(
      workspace,
      "chunks",
      chunks.map((chunk, i) => ({
        id: chunk.id,
        vector: vectors[i] as Float32Array,
        payload: encodeChunkPayload(chunk),
      })),
    );
  };
  const [, llmCalls] = await Promise.all([
    embedChunks(),
    extractChunks(deps, workspace, chunks, { ...options, firstRun: doc.attempts === 0 }),
  ]);
  return { kind: "extracted", chunks: chunks.length, llmCalls };
}

/** Extracts the chunks without a stored result; stores whatever succeeded even on failure. */
async function extractChunks(
  deps: RagDeps,
  workspace: string,
  chunks: ChunkRecord[],
  options: ProcessOptions & { firstRun: boolean },
) {
  const { stores, settings } = deps;
  // Results are stored only after a run has counted its attempt: a first run has none to reuse.
  const ids = chunks.map((chunk) => chunk.id);
  const stored = options.firstRun ? [] : await stores.extractions.results(workspace, ids);
  const done = new Set(stored.map((result) => result.chunkId));
  const todo = chunks.filter((chunk) => !done.has(chunk.id));
  const fresh: ChunkExtraction[] = [];
  let llmCalls = 0;
  const tokenizer = await loadTokenizer();
  const one = async (chunk: ChunkRecord) => {
    if (options.isCancelled && (await options.isCancelled()))
      throw new RagError("cancelled", "User cancelled");
    let parsed: { entities: ChunkExtraction["entities"]; relations: ChunkExtraction["relations"] };
    if (settings.enhanced) {
      const { result, calls } = await options.llmSlots.run(() =>
        extractWithLlm({
          llm: deps.llm,
          tokenizer,
          settings,
          workspace,
          content: chunk.content,
          signal: options.signal,
        }),
      );
      llmCalls += calls;
      parsed = result;
    } else {
      parsed = basicExtract(chunk.content);
    }
    fresh.push({ chunkId: chunk.id, docId: chunk.docId, filePath: chunk.filePath, ...parsed });
  };
  const outcomes = await Promise.allSettled(todo.map(one));
  if (fresh.length > 0) await stores.extractions.putResults(workspace, fresh);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failure) throw failure.reason;
  return llmCalls;
}
