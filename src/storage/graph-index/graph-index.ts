/**
 * The graph index: one Durable Object per workspace holding a copy of the workspace's
 * entities and relations in its own SQLite, so a query's graph look-up is a Durable Object
 * call (well under a millisecond of SQL beside it) instead of a D1 round trip.
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
import { GRAPH_LOOKUP_SQL, type GraphLookupRow } from "../d1/graph-lookup";
import type { LexicalRequest, LexicalResult } from "../lexical";
import { Bm25Index } from "./bm25";
import { ENTITY_COLUMNS, GRAPH_INDEX_SCHEMA, REBUILD_PAGE, RELATION_COLUMNS } from "./schema";

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
}

/**
 * Most entities and relations together that the object ranks in memory (about 300 bytes
 * each, so ≤ 30 MB of its 128 MB); a larger workspace's look-ups go to D1's FTS5 tables.
 */
export const MAX_IN_MEMORY_LEXICAL_ROWS = 100_000;

/** The entity and relation hits of a lexical look-up. */
export type GraphLexicalHits = Pick<LexicalResult, "entities" | "relations">;

interface LexicalIndexes {
  builtFrom: number;
  entities: Bm25Index<string>;
  relations: Bm25Index<{ src: string; tgt: string }>;
}

type Row = Record<string, SqlStorageValue>;
type StateKey = "generation" | "built_from" | "rebuild_ms";

export class GraphIndex extends DurableObject<Env> {
  private ready = false;
  /** index_state as last read or written: this object is its only writer, so look-ups skip the SQL. */
  private readonly cachedState = new Map<StateKey, number>();
  /** BM25 over the copy as of `builtFrom`; rebuilt in memory when the copy moves on. */
  private lexicalIndex: LexicalIndexes | null = null;

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
   * The shared look-up statement's row for `workspace`, or null while the copy is stale (a
   * rebuild is then scheduled and the caller reads D1).
   */
  async lookup(workspace: string, entityIds: string, relationIds: string): Promise<GraphLookupRow | null> {
    if (this.state("built_from") !== this.state("generation")) {
      await this.scheduleRebuild(workspace);
      return null;
    }
    const [row] = this.sql.exec(GRAPH_LOOKUP_SQL, workspace, entityIds, relationIds).toArray();
    return (row as unknown as GraphLookupRow | undefined) ?? null;
  }

  /**
   * The BM25 look-up of entities and relations in memory, or null while the copy is stale (a
   * rebuild is then scheduled) or too large to rank here: the caller then asks D1's FTS5.
   */
  async lexical(
    workspace: string,
    request: Omit<LexicalRequest, "chunks">,
  ): Promise<GraphLexicalHits | null> {
    if (this.state("built_from") !== this.state("generation")) {
      await this.scheduleRebuild(workspace);
      return null;
    }
    const indexes = this.lexicalIndexes();
    if (!indexes) return null;
    const search = <K>(index: Bm25Index<K>, text: string | undefined) =>
      text ? index.search(queryWords(text), request.limit) : [];
    return {
      entities: search(indexes.entities, request.entities),
      relations: search(indexes.relations, request.relations),
    };
  }

  /** The in-memory indexes of the current copy, built on first use after each rebuild. */
  private lexicalIndexes(): LexicalIndexes | null {
    const builtFrom = this.state("built_from");
    if (this.lexicalIndex?.builtFrom === builtFrom) return this.lexicalIndex;
    this.lexicalIndex = null;
    const status = { entities: this.count("entities"), relations: this.count("relations") };
    if (status.entities + status.relations > MAX_IN_MEMORY_LEXICAL_ROWS) return null;
    const entities = this.sql.exec<{ name: string; description: string }>(
      "SELECT name, description FROM entities ORDER BY name",
    );
    const relations = this.sql.exec<{ src: string; tgt: string; keywords: string; description: string }>(
      "SELECT src, tgt, keywords, description FROM relations ORDER BY src, tgt",
    );
    this.lexicalIndex = {
      builtFrom,
      // The columns of D1's entities_fts and relations_fts, in their order.
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

  private count(table: "entities" | "relations"): number {
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
    this.sql.exec("DELETE FROM next_entities");
    this.sql.exec("DELETE FROM next_relations");
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
    const trusted = this.state("generation") === generation;
    if (trusted) {
      this.ctx.storage.transactionSync(() => {
        for (const table of ["entities", "relations"]) {
          this.sql.exec(`DELETE FROM ${table}`);
          this.sql.exec(`INSERT INTO ${table} SELECT * FROM next_${table}`);
          this.sql.exec(`DELETE FROM next_${table}`);
        }
        this.setState("built_from", generation);
      });
    }
    this.setState("rebuild_ms", Date.now() - started);
    if (!trusted) await this.scheduleRebuild(workspace);
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
  ): Promise<void> {
    const insert = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
    let after = first;
    for (;;) {
      const { results } = await this.env.DB.prepare(select)
        .bind(workspace, ...after)
        .all<Row>();
      this.ctx.storage.transactionSync(() => {
        for (const row of results) this.sql.exec(insert, ...columns.map((column) => row[column] ?? null));
      });
      const last = results.at(-1);
      if (!last || results.length < REBUILD_PAGE) return;
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
 * A copy made with fewer columns than D1 now has (before `line_tokens`) is dropped: it is only
 * a cache, and the next look-up rebuilds it with every column.
 */
function dropOutdatedCopy(sql: SqlStorage): boolean {
  const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('entities')").toArray();
  if (columns.length === 0 || columns.some((column) => column.name === "line_tokens")) return false;
  for (const table of ["entities", "relations", "next_entities", "next_relations", "index_state"]) {
    sql.exec(`DROP TABLE IF EXISTS ${table}`);
  }
  return true;
}
