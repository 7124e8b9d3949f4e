/**
 * The runtime switches reach the queue consumer: with ENABLE_DOCUMENT_PROCESSING off, or while
 * the workspace is read-only (global mode or a restore's lock), queued documents stay `pending`
 * (the stalled-document cron brings them back later) and queued deletions wait for a retry.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config";
import type { Env } from "../../src/env";
import { changeFlags, forgetCachedFlags } from "../../src/flags";
import { deleteBatch, deleteDeadLetter, ingestBatch } from "../../src/pipeline/ingest-consumer";
import { DELETE_RETRY_DELAY_SECONDS } from "../../src/pipeline/ingest-messages";
import { deps } from "../rag/engine-helpers";
import { testRuntime } from "../runtime-helpers";
import { docRecord } from "../storage/contract/knowledge-stores";

const testEnv = env as unknown as Env;
const config = () => {
  const value = loadConfig(testEnv).config;
  if (!value) throw new Error("test config invalid");
  return value;
};

async function pendingDoc(workspace: string, id: string) {
  await deps().stores.documents.insert(workspace, [
    {
      record: docRecord(workspace, id, { status: "pending", filePath: `${id}.txt` }),
      content: "Grace Hopper worked on the Harvard Mark I with Howard Aiken.",
    },
  ]);
}

async function statusOf(workspace: string, id: string) {
  return (await deps().stores.documents.get(workspace, [id]))[0]?.status;
}

afterEach(async () => {
  await changeFlags(testEnv, config(), {
    flags: { ENABLE_DOCUMENT_PROCESSING: null, READ_ONLY_MODE: null },
    locks: { flags_ws_locked: null },
    by: "test",
  });
  forgetCachedFlags();
});

describe("ingestion consumer and runtime flags", { timeout: 60_000 }, () => {
  it("leaves documents pending while processing is switched off, and processes them after", async () => {
    await pendingDoc("flags_ws_off", "doc-off");
    await changeFlags(testEnv, config(), { flags: { ENABLE_DOCUMENT_PROCESSING: false }, by: "test" });
    const body = { type: "rag.ingest", workspace: "flags_ws_off", doc_ids: ["doc-off"] };
    await ingestBatch(body, await testRuntime());
    expect(await statusOf("flags_ws_off", "doc-off")).toBe("pending");

    await changeFlags(testEnv, config(), { flags: { ENABLE_DOCUMENT_PROCESSING: null }, by: "test" });
    await ingestBatch(body, await testRuntime());
    expect(await statusOf("flags_ws_off", "doc-off")).toBe("processed");
  });

  it("does not write into a workspace locked for a restore", async () => {
    await pendingDoc("flags_ws_locked", "doc-locked");
    await changeFlags(testEnv, config(), {
      locks: { flags_ws_locked: { reason: "restore", since: new Date().toISOString(), by: "test" } },
      by: "test",
    });
    const body = { type: "rag.ingest", workspace: "flags_ws_locked", doc_ids: ["doc-locked"] };
    await ingestBatch(body, await testRuntime());
    expect(await statusOf("flags_ws_locked", "doc-locked")).toBe("pending");
    const removal = { type: "rag.delete", workspace: "flags_ws_locked", doc_ids: ["doc-locked"] };
    await expect(deleteBatch(removal, await testRuntime())).rejects.toThrow(/read-only/);
    expect(await statusOf("flags_ws_locked", "doc-locked")).toBe("pending");
  });

  it("never drops a deletion: after the queue's retries it is sent again, later", async () => {
    const send = vi.spyOn(testEnv.INGEST_QUEUE, "send").mockResolvedValue(undefined as never);
    try {
      const removal = { type: "rag.delete", workspace: "flags_ws_locked", doc_ids: ["doc-a", "doc-b"] };
      await deleteDeadLetter(removal, await testRuntime());
      expect(send).toHaveBeenCalledTimes(1);
      expect(send.mock.calls[0]?.[0]).toEqual(removal);
      expect(send.mock.calls[0]?.[1]).toEqual({ delaySeconds: DELETE_RETRY_DELAY_SECONDS });
      expect(DELETE_RETRY_DELAY_SECONDS).toBeGreaterThanOrEqual(300);
      // A message that is not a deletion cannot be retried; it is logged and dropped.
      await deleteDeadLetter({ type: "rag.delete", workspace: "../x" }, await testRuntime());
      expect(send).toHaveBeenCalledTimes(1);
    } finally {
      send.mockRestore();
    }
  });
});
