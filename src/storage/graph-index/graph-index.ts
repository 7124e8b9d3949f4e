/**
 * The graph index: one Durable Object per workspace holding a copy of the workspace's
 * entities, relations and chunk texts in its own SQLite, so a query's graph look-up is a
 * Durable Object call (well under a millisecond of SQL beside it) instead of a D1 round trip,
 * and its BM25 look-ups are ranked in memory (./bm25.ts) instead of by FTS5 over the database.
 *
 * D1 stays the source of truth. Every graph write calls `invalidate()` after it commits: the
 * generation moves on and the copy stops answering (`lookup` returns null, the caller reads
 * D1). The first look-up that finds the copy stale schedules a rebuild, so writes alone (a long
 * ingestion nobody queries) cost nothing here. A rebuild copies D1 page by page into staging
 * tables and swaps them in only if no invalidation overtook it; otherwise it runs again.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { queryWords } from "../d1/fts-query";
import {
  GRAPH_LOOKUP_SQL,
  type GraphLookupRow,
  graphLookupArgs,
  graphLookupResult,
} from "../d1/graph-lookup";
import { type EntityRow, type RelationRow, toEntity, toRelation } from "../d1/graph-statements";
import { fuseIds } from "../fusion";
import type { FusedGraphLookup, GraphLookup, GraphLookupResult } from "../graph-search";
import { type LexicalHits, type LexicalRequest, type LexicalResult, lexicalHitIds } from "../lexical";
import { createPacer } from "../pace";
import { Bm25Index } from "./bm25";
import { asJsonReal, MemoryGraph } from "./memory-graph";
import {
  CHUNK_REBUILD_PAGE,
  ENTITY_COLUMNS,
  GRAPH_INDEX_SCHEMA,
  REBUILD_PAGE,
  RELATION_COLUMNS,
} from "./schema";

/** Least wait before a rebuild, so a burst of writes costs one rebuild. */
export const REBUILD_DELAY_MS = 1000;
/** The wait is also this many times the last rebuild's duration: rebuilds take ≤ 20 % of the time. */
const REBUILD_BACKOFF = 4;

export interface GraphIndexStatus {
  generation: number;
  builtFrom: number;
  fresh: boolean;
  entities: number;
  relations: number;
  chunks: number;
}

/**
 * Most text (UTF-16 code units of chunk contents, names, keywords and descriptions) that the
 * object ranks in memory. At about 5 characters a word and 8 bytes a posting, 24 Mi
 * characters are at most ~40 MB of postings of its 128 MB; a larger workspace's look-ups go
 * to D1's FTS5 tables.
 */
export const MAX_IN_MEMORY_LEXICAL_CHARS = 24 * 2 ** 20;

interface LexicalIndexes {
  builtFrom: number;
  chunks: Bm25Index<string>;
  entities: Bm25Index<string>;
  relations: Bm25Index<{ src: string; tgt: string }>;
}

const TEXT_SIZE_SQL = `SELECT
  (SELECT coalesce(sum(length(content)), 0) FROM chunks)
  + (SELECT coalesce(sum(length(name) + length(description)), 0) FROM entities)
  + (SELECT coalesce(sum(length(src) + length(tgt) + length(keywords) + length(description)), 0) FROM relations)
  AS chars`;

/**
 * Most text (UTF-16 code units of every column of the copy's entities and relations) that the
 * object also keeps in memory as records (./memory-graph.ts): docs-1mb's graph is 1.7 Mi characters,
 * docs-1mb ×10's about 13 Mi, whose copy with its BM25 postings already nears the isolate's 128 MB
 * while it builds (docs/operations.md, "Memory"). A larger copy's look-ups run the shared
 * statement on the object's SQLite.
 */
export const MAX_IN_MEMORY_GRAPH_CHARS = 8 * 2 ** 20;

const GRAPH_SIZE_SQL = `SELECT
  (SELECT coalesce(sum(length(name) + length(entity_type) + length(description) + length(source_id)
    + length(file_path) + length(vector_id)), 0) FROM entities)
  + (SELECT coalesce(sum(length(src) + length(tgt) + length(keywords) + length(description)
    + length(source_id) + length(file_path) + length(vector_id)), 0) FROM relations)
  AS chars`;

type Row = Record<string, SqlStorageValue>;

/** `fusedLookup`'s answer: the look-up of the fused ids, and the BM25 hits. */
export interface FusedLookupAnswer {
  found: GraphLookupResult;
  lexical: LexicalHits;
}

/** Each asked kind ranked by the in-memory BM25 indexes. */
function rankAll(indexes: LexicalIndexes, request: LexicalRequest): LexicalResult {
  const search = <K>(index: Bm25Index<K>, text: string | undefined) =>
    text ? index.search(queryWords(text), request.limit) : [];
  return {
    chunks: search(indexes.chunks, request.chunks),
    entities: search(indexes.entities, request.entities),
    relations: search(indexes.relations, request.relations),
  };
}
type StateKey = "generation" | "built_from" | "rebuild_ms";

export class GraphIndex extends DurableObject<Env> {
  private ready = false;
  /** index_state as last read or written: this object is its only writer, so look-ups skip the SQL. */
  private readonly cachedState = new Map<StateKey, number>();
  /** BM25 over the copy as of `builtFrom`; rebuilt in memory when the copy moves on. */
  private lexicalIndex: LexicalIndexes | null = null;
  /** Whether this instance has served a lexical look-up (only then do rebuilds build BM25). */
  private lexicalUsed = false;
  private readonly maxLexicalChars = MAX_IN_MEMORY_LEXICAL_CHARS;
  /** The copy (`built_from`) found over that budget: its look-ups go to D1 without measuring again. */
  private tooLargeFrom: number | null = null;
  /** The copy as of `builtFrom` in memory; rebuilt when the copy moves on. */
  private memoryGraph: { builtFrom: number; graph: MemoryGraph } | null = null;
  /** Whether this instance has served a look-up (only then do rebuilds load the copy into memory). */
  private lookupUsed = false;
  private readonly maxGraphChars = MAX_IN_MEMORY_GRAPH_CHARS;
  /** The copy (`built_from`) found over the in-memory graph's budget: its look-ups use SQL. */
  private graphTooLargeFrom: number | null = null;

  private get sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.ready) {
      if (dropOutdatedCopy(sql)) this.cachedState.clear();
      for (const statement of GRAPH_INDEX_SCHEMA) sql.exec(statement);
      this.ready = true;
    }
    return sql;
  }

  private state(key: StateKey): number {
    const cached = this.cachedState.get(key);
    if (cached !== undefined) return cached;
    const row = this.sql
      .exec<{ value: number }>("SELECT value FROM index_state WHERE key = ?", key)
      .toArray()[0];
    const value = row?.value ?? (key === "generation" ? 1 : 0);
    this.cachedState.set(key, value);
    return value;
  }

  private setState(key: StateKey, value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO index_state (key, value) VALUES (?, ?)", key, value);
    this.cachedState.set(key, value);
  }

  /**
   * The look-up port's answer for `workspace` from the copy, or null while the copy is stale (a
   * rebuild is then scheduled and the caller reads D1).
   */
  async lookup(workspace: string, request: GraphLookup): Promise<GraphLookupResult | null> {
    this.lookupUsed = true;
    if (!(await this.freshOrRebuild(workspace))) return null;
    return this.lookupResult(workspace, request);
  }

  /**
   * The BM25 look-up in memory, or null while the copy is stale (a rebuild is then scheduled)
   * or too large to rank here: the caller then asks D1's FTS5.
   */
  async lexical(workspace: string, request: LexicalRequest): Promise<LexicalResult | null> {
    this.lexicalUsed = true;
    if (!(await this.freshOrRebuild(workspace))) return null;
    const indexes = this.lexicalIndexes();
    return indexes ? rankAll(indexes, request) : null;
  }

  /**
   * BM25, fusion with the vector matches and the graph look-up of the fused ids, in one call
   * (the port's `lookupFused`), or null while the copy is stale (a rebuild is then scheduled)
   * or too large to rank here. Saves a query the separate lexical round trip.
   */
  async fusedLookup(workspace: string, request: FusedGraphLookup): Promise<FusedLookupAnswer | null> {
    this.lexicalUsed = true;
    this.lookupUsed = true;
    if (!(await this.freshOrRebuild(workspace))) return null;
    const indexes = this.lexicalIndexes();
    if (!indexes) return null;
    const found = rankAll(indexes, request.lexical);
    const hits = lexicalHitIds(found, request.chunkLimit, request.graphLimit);
    const entityVectorIds =
      request.entityVectorIds && fuseIds(request.entityVectorIds, hits.entities, request.graphLimit);
    const relationVectorIds =
      request.relationVectorIds && fuseIds(request.relationVectorIds, hits.relations, request.graphLimit);
    return { found: this.lookupResult(workspace, { entityVectorIds, relationVectorIds }), lexical: hits };
  }

  /** Whether the copy is current; if not, a rebuild is scheduled and the caller reads D1. */
  private async freshOrRebuild(workspace: string): Promise<boolean> {
    if (this.state("built_from") === this.state("generation")) return true;
    await this.scheduleRebuild(workspace);
    return false;
  }

  /** The look-up from the copy in memory, or by the shared statement where it is too large. */
  private lookupResult(workspace: string, request: GraphLookup): GraphLookupResult {
    const graph = this.inMemoryGraph();
    if (graph) return graph.lookup(request);
    const args = graphLookupArgs(request);
    return graphLookupResult(request, args ? this.lookupRow(workspace, ...args) : null);
  }

  /** The shared look-up statement's row on the copy. */
  private lookupRow(workspace: string, entityIds: string, relationIds: string): GraphLookupRow | null {
    const [row] = this.sql.exec(GRAPH_LOOKUP_SQL, workspace, entityIds, relationIds).toArray();
    return (row as unknown as GraphLookupRow | undefined) ?? null;
  }

  /** Whether the copy's text, as `sizeSql` sums it, is over `limit` characters. */
  private overBudget(sizeSql: string, limit: number): boolean {
    return (this.sql.exec<{ chars: number }>(sizeSql).toArray()[0]?.chars ?? 0) > limit;
  }

  /** The current copy's records in memory, loaded on first use after each rebuild. */
  private inMemoryGraph(): MemoryGraph | null {
    const builtFrom = this.state("built_from");
    if (this.memoryGraph?.builtFrom === builtFrom) return this.memoryGraph.graph;
    if (this.graphTooLargeFrom === builtFrom) return null;
    this.memoryGraph = null;
    if (this.overBudget(GRAPH_SIZE_SQL, this.maxGraphChars)) {
      this.graphTooLargeFrom = builtFrom;
      return null;
    }
    // Rows of the copy's own tables, whose columns are D1's (schema.ts).
    const entities = this.sql.exec(`SELECT ${ENTITY_COLUMNS.join(", ")} FROM entities`);
    const relations = this.sql.exec(`SELECT ${RELATION_COLUMNS.join(", ")} FROM relations`);
    const graph = new MemoryGraph(
      Array.from(entities, (row) => ({
        vectorId: String(row.vector_id),
        record: toEntity(row as unknown as EntityRow),
      })),
      Array.from(relations, (row) => {
        const record = toRelation(row as unknown as RelationRow);
        return { vectorId: String(row.vector_id), record: { ...record, weight: asJsonReal(record.weight) } };
      }),
    );
    this.memoryGraph = { builtFrom, graph };
    return graph;
  }

  /** The in-memory indexes of the current copy, built on first use after each rebuild. */
  private lexicalIndexes(): LexicalIndexes | null {
    const builtFrom = this.state("built_from");
    if (this.lexicalIndex?.builtFrom === builtFrom) return this.lexicalIndex;
    if (this.tooLargeFrom === builtFrom) return null;
    this.lexicalIndex = null;
    if (this.overBudget(TEXT_SIZE_SQL, this.maxLexicalChars)) {
      this.tooLargeFrom = builtFrom;
      return null;
    }
    const chunks = this.sql.exec<{ id: string; content: string }>(
      "SELECT id, content FROM chunks ORDER BY id",
    );
    const entities = this.sql.exec<{ name: string; description: string }>(
      "SELECT name, description FROM entities ORDER BY name",
    );
    const relations = this.sql.exec<{ src: string; tgt: string; keywords: string; description: string }>(
      "SELECT src, tgt, keywords, description FROM relations ORDER BY src, tgt",
    );
    this.lexicalIndex = {
      builtFrom,
      // The columns of D1's chunks_fts, entities_fts and relations_fts, in their order.
      chunks: Bm25Index.build(chunks.toArray().map((row) => ({ key: row.id, texts: [row.content] }))),
      entities: Bm25Index.build(
        entities.toArray().map((row) => ({ key: row.name, texts: [row.name, row.description] })),
      ),
      relations: Bm25Index.build(
        relations.toArray().map(({ src, tgt, keywords, description }) => ({
          key: { src, tgt },
          texts: [src, tgt, keywords, description],
        })),
      ),
    };
    return this.lexicalIndex;
  }

  private count(table: "entities" | "relations" | "chunks"): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).toArray()[0]?.n ?? 0;
  }

  /** The graph of `workspace` changed in D1: stop answering until rebuilt. */
  async invalidate(): Promise<void> {
    this.setState("generation", this.state("generation") + 1);
  }

  async status(): Promise<GraphIndexStatus> {
    const generation = this.state("generation");
    const builtFrom = this.state("built_from");
    return {
      generation,
      builtFrom,
      fresh: builtFrom === generation,
      entities: this.count("entities"),
      relations: this.count("relations"),
      chunks: this.count("chunks"),
    };
  }

  override async alarm(): Promise<void> {
    const workspace = await this.ctx.storage.get<string>("workspace");
    if (workspace !== undefined && this.state("built_from") !== this.state("generation")) {
      await this.rebuild(workspace);
    }
  }

  /** Copies the workspace's graph from D1; trusted only if no invalidation came meanwhile. */
  async rebuild(workspace: string): Promise<boolean> {
    const started = Date.now();
    const generation = this.state("generation");
    for (const table of ["next_entities", "next_relations", "next_chunks"])
      this.sql.exec(`DELETE FROM ${table}`);
    await this.copy(
      workspace,
      "next_entities",
      ENTITY_COLUMNS,
      [""],
      `SELECT ${ENTITY_COLUMNS.join(", ")} FROM entities WHERE workspace = ?1 AND name > ?2 ORDER BY name LIMIT ${REBUILD_PAGE}`,
      (row) => [String(row.name)],
    );
    await this.copy(
      workspace,
      "next_relations",
      RELATION_COLUMNS,
      ["", ""],
      `SELECT ${RELATION_COLUMNS.join(", ")} FROM relations WHERE workspace = ?1 AND (src, tgt) > (?2, ?3)
       ORDER BY src, tgt LIMIT ${REBUILD_PAGE}`,
      (row) => [String(row.src), String(row.tgt)],
    );
    await this.copy(
      workspace,
      "next_chunks",
      ["id", "content"],
      [""],
      `SELECT id, content FROM chunks WHERE workspace = ?1 AND id > ?2 ORDER BY id LIMIT ${CHUNK_REBUILD_PAGE}`,
      (row) => [String(row.id)],
      CHUNK_REBUILD_PAGE,
    );
    const trusted = this.state("generation") === generation;
    if (trusted) {
      this.ctx.storage.transactionSync(() => {
        for (const table of ["entities", "relations", "chunks"]) {
          this.sql.exec(`DELETE FROM ${table}`);
          this.sql.exec(`INSERT INTO ${table} SELECT * FROM next_${table}`);
          this.sql.exec(`DELETE FROM next_${table}`);
        }
        this.setState("built_from", generation);
      });
    }
    this.setState("rebuild_ms", Date.now() - started);
    if (!trusted) await this.scheduleRebuild(workspace);
    // An object that has served before serves again soon: build now, not in the next query.
    else {
      if (this.lexicalUsed) this.lexicalIndexes();
      if (this.lookupUsed) this.inMemoryGraph();
    }
    return trusted;
  }

  /** Copies a keyset-paged D1 query into `table`: `first` binds after ?1, then each page's last row. */
  private async copy(
    workspace: string,
    table: string,
    columns: readonly string[],
    first: string[],
    select: string,
    cursor: (row: Row) => string[],
    page = REBUILD_PAGE,
  ): Promise<void> {
    const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    let after = first;
    // Pages of in-process D1 reads: paced, so the local runtime keeps reading its sockets.
    const pace = createPacer();
    for (;;) {
      await pace();
      const { results } = await this.env.DB.prepare(select)
        .bind(workspace, ...after)
        .all<Row>();
      this.ctx.storage.transactionSync(() => {
        for (const row of results) this.sql.exec(insert, ...columns.map((column) => row[column] ?? null));
      });
      const last = results.at(-1);
      if (!last || results.length < page) return;
      after = cursor(last);
    }
  }

  private async scheduleRebuild(workspace: string): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) !== null) return;
    await this.ctx.storage.put("workspace", workspace);
    const wait = Math.max(REBUILD_DELAY_MS, REBUILD_BACKOFF * this.state("rebuild_ms"));
    await this.ctx.storage.setAlarm(Date.now() + wait);
  }
}

/**
 * A copy made by an older version (before `line_tokens`, or before chunk texts) is dropped: it
 * is only a cache, and the next look-up rebuilds it with everything.
 */
function dropOutdatedCopy(sql: SqlStorage): boolean {
  const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('entities')").toArray();
  if (columns.length === 0) return false;
  const hasChunks = sql.exec("SELECT 1 FROM sqlite_master WHERE name = 'chunks'").toArray().length > 0;
  if (hasChunks && columns.some((column) => column.name === "line_tokens")) return false;
  const tables = ["entities", "relations", "chunks", "next_entities", "next_relations", "next_chunks"];
  for (const table of [...tables, "index_state"]) {
    sql.exec(`DROP TABLE IF EXISTS ${table}`);
  }
  return true;
}
