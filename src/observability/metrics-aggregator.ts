/**
 * Durable Object that sums metric batches from every isolate. A few shards spread the write
 * load; each keeps its totals in SQLite so they survive eviction, and remembers the last
 * in-flight count each isolate reported for the active-requests gauge. The charted samples also
 * go to bounded time buckets (`analytics/history.ts`) for the dashboard's local history.
 */
import { DurableObject } from "cloudflare:workers";
import {
  bucketStart,
  type HistoryRow,
  historySamples,
  MAX_KEYS_PER_BUCKET,
  type Resolution,
  RINGS,
} from "./analytics/history";

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

/** Old buckets are deleted at most this often (a batch must not pay for a DELETE every time). */
const PRUNE_EVERY_MS = 60_000;

export class MetricsAggregator extends DurableObject {
  private ready = false;
  private prunedAt = 0;

  private schema(): SqlStorage {
    const sql = this.ctx.storage.sql;
    if (!this.ready) {
      sql.exec("CREATE TABLE IF NOT EXISTS series (key TEXT PRIMARY KEY, value REAL NOT NULL)");
      sql.exec(
        "CREATE TABLE IF NOT EXISTS isolates (id TEXT PRIMARY KEY, active INTEGER NOT NULL, seen_at INTEGER NOT NULL)",
      );
      sql.exec(
        "CREATE TABLE IF NOT EXISTS history (resolution TEXT NOT NULL, start INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (resolution, start, key))",
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
      this.addHistory(sql, historySamples(batch.samples), Date.now());
    });
  }

  /** Adds charted samples to the current minute and hour buckets, then drops expired buckets. */
  private addHistory(sql: SqlStorage, samples: Array<[string, number]>, now: number): void {
    if (samples.length === 0) return;
    for (const resolution of Object.keys(RINGS) as Resolution[]) {
      const start = bucketStart(resolution, now);
      let keys =
        sql
          .exec<{ keys: number }>(
            "SELECT COUNT(*) AS keys FROM history WHERE resolution = ? AND start = ?",
            resolution,
            start,
          )
          .toArray()[0]?.keys ?? 0;
      for (const [key, by] of samples) {
        const update = sql.exec(
          "UPDATE history SET value = value + ? WHERE resolution = ? AND start = ? AND key = ?",
          by,
          resolution,
          start,
          key,
        );
        update.toArray();
        const updated = update.rowsWritten;
        // A full bucket still adds to the keys it has; only new keys are refused (bounded storage).
        if (updated > 0 || keys >= MAX_KEYS_PER_BUCKET) continue;
        sql.exec(
          "INSERT INTO history (resolution, start, key, value) VALUES (?, ?, ?, ?)",
          resolution,
          start,
          key,
          by,
        );
        keys++;
      }
    }
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      for (const [resolution, ring] of Object.entries(RINGS)) {
        sql.exec(
          "DELETE FROM history WHERE resolution = ? AND start <= ?",
          resolution,
          now - ring.keep * ring.stepMs,
        );
      }
    }
  }

  /** History rows of `resolution` whose bucket starts at or after `since` (epoch ms). */
  async history(resolution: Resolution, since: number): Promise<HistoryRow[]> {
    const sql = this.schema();
    return sql
      .exec<{ start: number; key: string; value: number }>(
        "SELECT start, key, value FROM history WHERE resolution = ? AND start >= ?",
        resolution,
        since,
      )
      .toArray()
      .map((row) => ({ resolution, start: row.start, key: row.key, value: row.value }));
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
