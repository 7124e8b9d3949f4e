/**
 * The graph index: one Durable Object per workspace holding a copy of the workspace's
 * entities and relations in its own SQLite, so a query's graph look-up is a Durable Object
 * call (well under a millisecond of SQL beside it) instead of a D1 round trip.
 *
 * D1 stays the source of truth. Every graph write calls `invalidate()` after it commits: the
 * generation moves on, the copy stops answering (`lookup` returns null and the caller reads
 * D1), and an alarm rebuilds the copy from D1 shortly after. A rebuild that an invalidation
 * overtook is not trusted and runs again, so a copy is only served when no write happened
 * since it was read.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { GRAPH_LOOKUP_SQL, type GraphLookupRow } from "../d1/graph-lookup";
import { ENTITY_COLUMNS, GRAPH_INDEX_SCHEMA, REBUILD_PAGE, RELATION_COLUMNS } from "./schema";

/** Wait after the first invalidation before rebuilding, so a burst of writes costs one rebuild. */
export const REBUILD_DELAY_MS = 1000;

export interface GraphIndexStatus {
  generation: number;
  builtFrom: number;
  fresh: boolean;
  entities: number;
  relations: number;
}

type Row = Record<string, SqlStorageValue>;

export class GraphIndex extends DurableObject<Env> {
  private ready = false;

  private get sql(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.ready) {
      for (const statement of GRAPH_INDEX_SCHEMA) sql.exec(statement);
      this.ready = true;
    }
    return sql;
  }

  private state(key: "generation" | "built_from"): number {
    const row = this.sql
      .exec<{ value: number }>("SELECT value FROM index_state WHERE key = ?", key)
      .toArray()[0];
    return row?.value ?? (key === "generation" ? 1 : 0);
  }

  private setState(key: "generation" | "built_from", value: number): void {
    this.sql.exec("INSERT OR REPLACE INTO index_state (key, value) VALUES (?, ?)", key, value);
  }

  /**
   * The shared look-up statement's row for `workspace`, or null while the copy is stale (a
   * rebuild is then scheduled and the caller reads D1).
   */
  async lookup(workspace: string, entityIds: string, relationIds: string): Promise<GraphLookupRow | null> {
    if (this.state("built_from") !== this.state("generation")) {
      await this.scheduleRebuild();
      return null;
    }
    const [row] = this.sql.exec(GRAPH_LOOKUP_SQL, workspace, entityIds, relationIds).toArray();
    return (row as unknown as GraphLookupRow | undefined) ?? null;
  }

  /** The graph of `workspace` changed in D1: stop answering until rebuilt. */
  async invalidate(workspace: string): Promise<void> {
    await this.ctx.storage.put("workspace", workspace);
    this.setState("generation", this.state("generation") + 1);
    await this.scheduleRebuild();
  }

  async status(): Promise<GraphIndexStatus> {
    const count = (table: string) =>
      this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).toArray()[0]?.n ?? 0;
    const generation = this.state("generation");
    const builtFrom = this.state("built_from");
    return {
      generation,
      builtFrom,
      fresh: builtFrom === generation,
      entities: count("entities"),
      relations: count("relations"),
    };
  }

  override async alarm(): Promise<void> {
    const workspace = await this.ctx.storage.get<string>("workspace");
    if (workspace === undefined) return;
    await this.rebuild(workspace);
  }

  /** Copies the workspace's graph from D1; trusted only if no invalidation came meanwhile. */
  async rebuild(workspace: string): Promise<boolean> {
    const generation = this.state("generation");
    const entities = await this.readAll(
      workspace,
      [""],
      `SELECT ${ENTITY_COLUMNS.join(", ")} FROM entities WHERE workspace = ?1 AND name > ?2 ORDER BY name LIMIT ${REBUILD_PAGE}`,
      (row) => [String(row.name)],
    );
    const relations = await this.readAll(
      workspace,
      ["", ""],
      `SELECT ${RELATION_COLUMNS.join(", ")} FROM relations WHERE workspace = ?1 AND (src, tgt) > (?2, ?3)
       ORDER BY src, tgt LIMIT ${REBUILD_PAGE}`,
      (row) => [String(row.src), String(row.tgt)],
    );
    const overtaken = this.state("generation") !== generation;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM entities");
      this.sql.exec("DELETE FROM relations");
      insertAll(this.sql, "entities", ENTITY_COLUMNS, entities);
      insertAll(this.sql, "relations", RELATION_COLUMNS, relations);
      if (!overtaken) this.setState("built_from", generation);
    });
    await this.ctx.storage.put("workspace", workspace);
    if (overtaken) await this.scheduleRebuild();
    return !overtaken;
  }

  /** Every row of a keyset-paged D1 query: `first` binds after ?1, then `cursor` of each page's last row. */
  private async readAll(
    workspace: string,
    first: string[],
    sql: string,
    cursor: (row: Row) => string[],
  ): Promise<Row[]> {
    const rows: Row[] = [];
    let after = first;
    for (;;) {
      const { results } = await this.env.DB.prepare(sql)
        .bind(workspace, ...after)
        .all<Row>();
      rows.push(...results);
      const last = results.at(-1);
      if (!last || results.length < REBUILD_PAGE) return rows;
      after = cursor(last);
    }
  }

  private async scheduleRebuild(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + REBUILD_DELAY_MS);
    }
  }
}

function insertAll(sql: SqlStorage, table: string, columns: readonly string[], rows: Row[]): void {
  const statement = `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  for (const row of rows) sql.exec(statement, ...columns.map((column) => row[column] ?? null));
}
