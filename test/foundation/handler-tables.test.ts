/**
 * The queue and cron tables are explicit and complete: every queue message type has a handler
 * and a dead-letter handler (a missing one is a compile error of the typed records, and this
 * test says which), and every cron of wrangler.toml `[triggers]` has jobs, and no job waits
 * for a cron that never fires (test/node/crons.test.ts compares CRONS with wrangler.toml).
 */
import { describe, expect, it } from "vitest";
import { CRONS } from "../../src/pipeline/crons";
import { QUEUE_MESSAGE_TYPES } from "../../src/pipeline/ingest-messages";
import { CRON_JOBS } from "../../src/runtime/cron-jobs";
import { DEAD_LETTER_HANDLERS, QUEUE_HANDLERS } from "../../src/runtime/queue-handlers";

describe("queue handler table", () => {
  it("has a handler and a dead-letter handler for every message type, and nothing else", () => {
    expect(Object.keys(QUEUE_HANDLERS).sort()).toEqual([...QUEUE_MESSAGE_TYPES].sort());
    expect(Object.keys(DEAD_LETTER_HANDLERS).sort()).toEqual([...QUEUE_MESSAGE_TYPES].sort());
    for (const type of QUEUE_MESSAGE_TYPES) {
      expect(typeof QUEUE_HANDLERS[type], type).toBe("function");
      expect(typeof DEAD_LETTER_HANDLERS[type], `dlq:${type}`).toBe("function");
    }
  });

  it("covers the pipeline's, the audit trail's and the backups' messages", () => {
    expect([...QUEUE_MESSAGE_TYPES].sort()).toEqual(
      ["audit.write", "backup.create", "backup.restore", "rag.delete", "rag.ingest"].sort(),
    );
  });
});

describe("cron job table", () => {
  it("has jobs for every cron of wrangler.toml and no cron of its own", () => {
    expect(Object.keys(CRON_JOBS).sort()).toEqual(Object.values(CRONS).sort());
    for (const cron of Object.values(CRONS)) {
      expect(Object.keys(CRON_JOBS[cron]).length, cron).toBeGreaterThan(0);
    }
  });

  it("runs the housekeeping and backup jobs where wrangler.toml's comment says", () => {
    expect(Object.keys(CRON_JOBS[CRONS.housekeeping]).sort()).toEqual(
      ["audit-retention", "auth-sweep", "stalled-backups", "stalled-documents"].sort(),
    );
    expect(Object.keys(CRON_JOBS[CRONS.backup])).toEqual(["backup"]);
  });
});
