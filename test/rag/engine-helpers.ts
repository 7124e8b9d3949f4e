/** Engine-level test helpers: real D1 + vector index stores, real coordinator, swappable LLM. */

import { env } from "cloudflare:test";
import { loadConfig } from "../../src/config";
import { defaultFlags } from "../../src/flags/names";
import { createLogger } from "../../src/observability/logger";
import { type PipelineCoordinator, processDocuments } from "../../src/pipeline/ingest-consumer";
import type { LlmClient, LlmRequest } from "../../src/providers/types";
import { decodeChunkPayload } from "../../src/rag/chunk-payload";
import { type IncomingDocument, registerDocuments } from "../../src/rag/documents";
import { rebuild } from "../../src/rag/knowledge";
import type { RagDeps, RagSettings } from "../../src/rag/types";
import { createServices, type Services } from "../../src/runtime";
import { entityVectorId, relationVectorId } from "../../src/storage/vector-ids";

export const log = createLogger("ERROR");

/** The composition root's services with the env's config and default flags. */
export function services(): Services {
  const config = loadConfig(env).config;
  if (!config) throw new Error("test config invalid");
  return createServices(env, config, defaultFlags(config));
}

export function deps(overrides: { llm?: LlmClient; settings?: Partial<RagSettings> } = {}): RagDeps {
  const base = services().engine;
  return { ...base, llm: overrides.llm ?? base.llm, settings: { ...base.settings, ...overrides.settings } };
}

export function coordinator(workspace: string): PipelineCoordinator {
  return services().coordinator(workspace);
}

/** An in-process coordinator that merges with `d` itself (custom LLM and settings for summaries). */
export function inProcessCoordinator(d: RagDeps): PipelineCoordinator {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>) => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };
  return {
    merge: (ws, ids) => serial(() => rebuild(d, ws, ids, "merge")),
    unmerge: (ws, ids, error) => serial(() => rebuild(d, ws, ids, "unmerge", error)),
    beginJob: async () => undefined,
    finishJob: async () => undefined,
    cancelRequested: async () => false,
  };
}

/** Registers documents and processes them in one batch; returns their ids. */
export async function ingest(
  d: RagDeps,
  workspace: string,
  docs: IncomingDocument[],
  parallel = 8,
  via: PipelineCoordinator = coordinator(workspace),
): Promise<string[]> {
  const { accepted } = await registerDocuments(d.stores, workspace, docs, "insert");
  const ids = accepted.map((doc) => doc.id);
  await processDocuments(d, via, workspace, ids, { parallel, log });
  return ids;
}

/** Everything the graph holds, without creation times, in a stable order. */
export async function dumpGraph(workspace: string) {
  const entities = await env.DB.prepare(
    "SELECT name, entity_type, description, source_id, file_path, vector_id FROM entities WHERE workspace = ?1 ORDER BY name",
  )
    .bind(workspace)
    .all();
  const relations = await env.DB.prepare(
    "SELECT src, tgt, keywords, description, weight, source_id, file_path, vector_id FROM relations WHERE workspace = ?1 ORDER BY src, tgt",
  )
    .bind(workspace)
    .all();
  const d = deps();
  const [entityVectors, relationVectors] = await Promise.all([
    d.stores.vectors.ids(workspace, "entities"),
    d.stores.vectors.ids(workspace, "relations"),
  ]);
  return { entities: entities.results, relations: relations.results, entityVectors, relationVectors };
}

/** A scripted LLM: `answer` decides each reply; calls are recorded by role. */
export class ScriptedLlm implements LlmClient {
  calls: LlmRequest[] = [];
  constructor(private readonly answer: (request: LlmRequest) => string) {}
  async complete(request: LlmRequest) {
    this.calls.push(request);
    const text = this.answer(request);
    return {
      text,
      usage: { promptTokens: 1, completionTokens: 1 },
      provider: "scripted",
      model: "scripted",
      cached: false,
    };
  }
  async *stream(request: LlmRequest): AsyncIterable<string> {
    yield (await this.complete(request)).text;
  }
  count(role: LlmRequest["role"]) {
    return this.calls.filter((call) => call.role === role).length;
  }
}

/** The invariant of deletion: nothing without a live source. Returns a list of violations. */
export async function orphans(workspace: string): Promise<string[]> {
  const problems: string[] = [];
  const q = async (sql: string) => (await env.DB.prepare(sql).bind(workspace).all()).results;
  for (const row of await q(
    "SELECT id FROM chunks c WHERE workspace = ?1 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.workspace = c.workspace AND d.id = c.doc_id)",
  )) {
    problems.push(`chunk without document: ${row.id}`);
  }
  for (const table of ["chunk_extractions", "entity_sources", "relation_sources"]) {
    for (const row of await q(
      `SELECT DISTINCT doc_id FROM ${table} t WHERE workspace = ?1 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.workspace = t.workspace AND d.id = t.doc_id)`,
    )) {
      problems.push(`${table} row without document: ${row.doc_id}`);
    }
  }
  for (const row of await q(
    "SELECT name FROM entities e WHERE workspace = ?1 AND NOT EXISTS (SELECT 1 FROM entity_sources s JOIN documents d ON d.workspace = s.workspace AND d.id = s.doc_id AND d.status = 'processed' WHERE s.workspace = e.workspace AND s.name = e.name)",
  )) {
    problems.push(`entity without live source: ${row.name}`);
  }
  for (const row of await q(
    "SELECT src, tgt FROM relations r WHERE workspace = ?1 AND NOT EXISTS (SELECT 1 FROM relation_sources s JOIN documents d ON d.workspace = s.workspace AND d.id = s.doc_id AND d.status = 'processed' WHERE s.workspace = r.workspace AND s.src = r.src AND s.tgt = r.tgt)",
  )) {
    problems.push(`relation without live source: ${row.src}-${row.tgt}`);
  }
  for (const row of await q(
    "SELECT name, chunk_id FROM entity_sources s WHERE workspace = ?1 AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.workspace = s.workspace AND c.id = s.chunk_id)",
  )) {
    problems.push(`source without chunk: ${row.name}@${row.chunk_id}`);
  }
  for (const row of await q(
    "SELECT src, tgt FROM relations r WHERE workspace = ?1 AND (NOT EXISTS (SELECT 1 FROM entities e WHERE e.workspace = r.workspace AND e.name = r.src) OR NOT EXISTS (SELECT 1 FROM entities e WHERE e.workspace = r.workspace AND e.name = r.tgt))",
  )) {
    problems.push(`edge with a missing endpoint: ${row.src}-${row.tgt}`);
  }
  const d = deps();
  const entityNames = new Set(
    (await q("SELECT name FROM entities WHERE workspace = ?1")).map((r) => entityVectorId(String(r.name))),
  );
  const relationIds = new Set(
    (await q("SELECT src, tgt FROM relations WHERE workspace = ?1")).map((r) =>
      relationVectorId(String(r.src), String(r.tgt)),
    ),
  );
  const chunkIds = new Set((await q("SELECT id FROM chunks WHERE workspace = ?1")).map((r) => String(r.id)));
  for (const id of await d.stores.vectors.ids(workspace, "entities"))
    if (!entityNames.has(id)) problems.push(`orphan entity vector ${id}`);
  for (const id of await d.stores.vectors.ids(workspace, "relations"))
    if (!relationIds.has(id)) problems.push(`orphan relation vector ${id}`);
  for (const id of await d.stores.vectors.ids(workspace, "chunks"))
    if (!chunkIds.has(id)) problems.push(`orphan chunk vector ${id}`);
  for (const id of entityNames)
    if (!(await d.stores.vectors.get(workspace, "entities", [id])).length)
      problems.push(`entity without vector ${id}`);
  // Retrieval reads chunk texts from the chunk index's payloads: they must match the chunk table.
  const stored = await d.stores.chunks.get(workspace, [...chunkIds]);
  const payloads = new Map(
    (await d.stores.vectors.payloads(workspace, "chunks", [...chunkIds])).map((p) => [p.id, p.payload]),
  );
  for (const chunk of stored) {
    const payload = payloads.get(chunk.id);
    const decoded = payload === undefined ? null : decodeChunkPayload(chunk.id, payload);
    const fields = decoded && {
      id: decoded.id,
      docId: decoded.docId,
      order: decoded.order,
      tokens: decoded.tokens,
      content: decoded.content,
      filePath: decoded.filePath,
    };
    if (payload !== undefined && JSON.stringify(fields) !== JSON.stringify(chunk))
      problems.push(`chunk payload differs from its row ${chunk.id}`);
  }
  return problems;
}

const KEEPERS = [
  "Alpha",
  "Bravo",
  "Carmen",
  "Delta",
  "Echo",
  "Foxtrot",
  "Golf",
  "Hotel",
  "India",
  "Juliet",
  "Kilo",
  "Lima",
  "Mike",
  "November",
  "Oscar",
  "Papa",
  "Quebec",
  "Romeo",
  "Sierra",
  "Tango",
];
const MODELS = ["Difference Engine", "Analytical Engine", "Jacquard Loom"];

/** Documents whose texts share entities, so merges collide on the same nodes and edges. */
export function sharedCorpus(n: number): IncomingDocument[] {
  return Array.from({ length: n }, (_, i) => ({
    source: `doc${String(i).padStart(2, "0")}.txt`,
    text:
      `Ada Lovelace worked with Charles Babbage in London during year ${1830 + i}. ` +
      `Charles Babbage presented the ${MODELS[i % 3]} to the Royal Society in session ${i}. ` +
      `Keeper ${KEEPERS[i % KEEPERS.length]} studied Ada Lovelace and the ${MODELS[(i + 1) % 3]} in report ${i}.`,
  }));
}
