/**
 * The limiter Durable Object: one instance per limiter key (`idFromName(key)`), so a hot key
 * only ever queues its own requests. Its single GCRA timestamp lives in the object's SQLite
 * storage; an alarm deletes the row once the key is idle, so old keys cost nothing.
 */
import { DurableObject } from "cloudflare:workers";
import { gcra } from "./gcra";
import type { RateLimitDecision, RateLimitRule } from "./types";

/** Keep an idle key a little past its reset so a burst right at the edge still sees its state. */
const IDLE_GRACE_MS = 1000;

export class RateLimiter extends DurableObject {
  private alarmScheduled = false;
  private tableReady = false;

  /**
   * Counts one request. Read, decide and write happen without an `await` in between, so
   * concurrent hits on this key are strictly serialised.
   */
  async hit(rule: RateLimitRule): Promise<RateLimitDecision> {
    this.ensureTable();
    const now = Date.now();
    const { decision, tat } = gcra(this.storedTat(), now, rule);
    if (tat !== null) {
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO gcra (id, tat_ms) VALUES (1, ?)", tat);
      if (!this.alarmScheduled) {
        this.alarmScheduled = true;
        await this.ctx.storage.setAlarm(tat + IDLE_GRACE_MS);
      }
    }
    return decision;
  }

  /** Drops the state of an idle key, or looks again later while it is still in use. */
  override async alarm(): Promise<void> {
    this.ensureTable();
    const tat = this.storedTat();
    if (tat !== null && tat + IDLE_GRACE_MS > Date.now()) {
      await this.ctx.storage.setAlarm(tat + IDLE_GRACE_MS);
      return;
    }
    this.alarmScheduled = false;
    this.tableReady = false;
    await this.ctx.storage.deleteAll();
  }

  private ensureTable(): void {
    if (this.tableReady) return;
    this.ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS gcra (id INTEGER PRIMARY KEY CHECK (id = 1), tat_ms REAL NOT NULL)",
    );
    this.tableReady = true;
  }

  private storedTat(): number | null {
    const row = this.ctx.storage.sql
      .exec<{ tat_ms: number }>("SELECT tat_ms FROM gcra WHERE id = 1")
      .toArray()[0];
    return row ? row.tat_ms : null;
  }
}
