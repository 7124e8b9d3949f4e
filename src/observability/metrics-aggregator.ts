/**
 * Durable Object that sums metric batches from every isolate. A few shards spread the write
 * load; each keeps its totals in SQLite so they survive eviction, and remembers the last
 * in-flight count each isolate reported for the active-requests gauge.
 */
import { DurableObject } from "cloudflare:workers";

export interface MetricBatchMessage {
  /** Series key (`name{labels}`) → amount to add. */
  samples: Array<[string, number]>;
  /** Isolate that sent the batch and its in-flight requests when it did; absent for background work. */
  isolate?: { id: string; active: number };
}

export interface MetricSnapshot {
  samples: Array<{ key: string; value: number }>;
  isolates: Array<{ id: string; active: number; seen_at: number }>;
}

/** Isolates silent for longer than this no longer count towards the gauge (and are forgotten). */
export const ISOLATE_TTL_MS = 60_000;

export class MetricsAggregator extends DurableObject {
  private ready = false;

  private schema(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.ready) {
      sql.exec("CREATE TABLE IF NOT EXISTS series (key TEXT PRIMARY KEY, value REAL NOT NULL)");
      sql.exec(
        "CREATE TABLE IF NOT EXISTS isolates (id TEXT PRIMARY KEY, active INTEGER NOT NULL, seen_at INTEGER NOT NULL)",
      );
      this.ready = true;
    }
    return sql;
  }

  /** Adds a batch; all of it or nothing (one implicit transaction). */
  async add(batch: MetricBatchMessage): Promise<void> {
    const sql = this.schema();
    this.ctx.storage.transactionSync(() => {
      for (const [key, by] of batch.samples) {
        if (!Number.isFinite(by)) continue;
        sql.exec(
          "INSERT INTO series (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
          key,
          by,
        );
      }
      if (batch.isolate) {
        const now = Date.now();
        sql.exec(
          "INSERT INTO isolates (id, active, seen_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET active = excluded.active, seen_at = excluded.seen_at",
          batch.isolate.id,
          Math.max(0, Math.trunc(batch.isolate.active)),
          now,
        );
        sql.exec("DELETE FROM isolates WHERE seen_at < ?", now - ISOLATE_TTL_MS);
      }
    });
  }

  /** Every total and the isolates seen recently. */
  async snapshot(): Promise<MetricSnapshot> {
    const sql = this.schema();
    const samples = sql.exec<{ key: string; value: number }>("SELECT key, value FROM series").toArray();
    const isolates = sql
      .exec<{ id: string; active: number; seen_at: number }>(
        "SELECT id, active, seen_at FROM isolates WHERE seen_at >= ?",
        Date.now() - ISOLATE_TTL_MS,
      )
      .toArray();
    return { samples, isolates };
  }
}
