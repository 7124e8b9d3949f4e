/**
 * `POST /documents/scan` (LightRAG's Scan/Retry button) on Workers: files dropped under the R2
 * prefix `inputs/<workspace>/` become documents (then leave the prefix), failed and stalled
 * documents are re-enqueued, and a busy pipeline skips the scan, in LightRAG's answer shape.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { api, json, pipelineIdle, settled, waitFor } from "./helpers";

interface ScanAnswer {
  status: string;
  message: string;
  track_id: string;
}

async function scan(workspace: string): Promise<ScanAnswer> {
  const response = await api(workspace, "POST", "/documents/scan");
  expect(response.status).toBe(200);
  return json<ScanAnswer>(response);
}

async function keys(prefix: string): Promise<string[]> {
  return (await env.BACKUPS.list({ prefix })).objects.map((object) => object.key).sort();
}

describe("POST /documents/scan", { timeout: 60_000 }, () => {
  it("registers files dropped under inputs/<workspace>/ and takes them out of the prefix", async () => {
    const ws = "scan_ws1";
    await env.BACKUPS.put(`inputs/${ws}/notes.md`, "# Notes\nMarie Curie studied radium in Paris.");
    await env.BACKUPS.put(`inputs/${ws}/page.html`, "<p>Pierre Curie worked with Marie Curie.</p>");
    await env.BACKUPS.put(`inputs/${ws}/tool.exe`, "MZ");
    await env.BACKUPS.put(`inputs/${ws}/broken.json`, "{not json");
    await env.BACKUPS.put(`inputs/other_ws/elsewhere.txt`, "Someone else's file.");
    const answer = await scan(ws);
    expect(answer.status).toBe("scanning_started");
    expect(answer.track_id).toMatch(/^scan_\d{8}_\d{6}_[0-9a-f]{8}$/);
    expect(answer.message).toContain("2 file(s)");
    expect(await keys(`inputs/${ws}/`)).toEqual([
      `inputs/${ws}/__failed__/broken.json`,
      `inputs/${ws}/__failed__/tool.exe`,
    ]);
    const failed = await env.BACKUPS.head(`inputs/${ws}/__failed__/tool.exe`);
    expect(failed?.customMetadata?.error).toContain("Unsupported file type");
    expect(await keys("inputs/other_ws/")).toEqual(["inputs/other_ws/elsewhere.txt"]);

    expect((await settled(ws)).processed).toBe(2);
    const tracked = await json<{ documents: { file_path: string }[] }>(
      await api(ws, "GET", `/documents/track_status/${answer.track_id}`),
    );
    expect(tracked.documents.map((doc) => doc.file_path).sort()).toEqual(["notes.md", "page.html"]);

    // Scanning again finds nothing new and registers nothing twice.
    const again = await scan(ws);
    expect(again.status).toBe("scanning_started");
    expect(again.message).toContain("0 file(s)");
    expect((await settled(ws)).all).toBe(2);
  });

  it("re-enqueues failed and stalled documents of the workspace", async () => {
    const ws = "scan_ws2";
    await api(ws, "POST", "/documents/texts", {
      texts: ["Ada Lovelace wrote notes on the engine.", "Charles Babbage designed the engine."],
      file_sources: ["ada.txt", "babbage.txt"],
    });
    await settled(ws);
    // A scan while the job that processed them is still closing is skipped as busy (LightRAG too).
    await pipelineIdle(ws);
    const longAgo = Date.now() - 24 * 60 * 60 * 1000;
    await env.DB.prepare(
      "UPDATE documents SET status = 'failed', error_msg = 'boom' WHERE workspace = ?1 AND file_path = 'ada.txt'",
    )
      .bind(ws)
      .run();
    await env.DB.prepare(
      "UPDATE documents SET status = 'processing', updated_at = ?2 WHERE workspace = ?1 AND file_path = 'babbage.txt'",
    )
      .bind(ws, longAgo)
      .run();
    const answer = await scan(ws);
    expect(answer.status).toBe("scanning_started");
    expect(answer.message).toContain("2 failed or stalled document(s)");
    const counts = await waitFor(async () => {
      const now = await settled(ws);
      return now.processed === 2 ? now : undefined;
    });
    expect(counts).toMatchObject({ processed: 2, failed: 0 });
  });

  it("skips the scan while the pipeline is busy", async () => {
    const ws = "scan_ws3";
    const coordinator = env.COORDINATOR.get(env.COORDINATOR.idFromName(ws));
    await coordinator.beginJob("Processing 1 document(s)", 1);
    await env.BACKUPS.put(`inputs/${ws}/later.txt`, "Picked up by a later scan.");
    try {
      const answer = await scan(ws);
      expect(answer.status).toBe("scanning_skipped_pipeline_busy");
      expect(answer.track_id).toBe("");
      expect(await keys(`inputs/${ws}/`)).toEqual([`inputs/${ws}/later.txt`]);
    } finally {
      await coordinator.finishJob("done");
    }
  });

  it("is refused in read-only mode", async () => {
    const response = await createApp().request(
      "/documents/scan",
      { method: "POST" },
      { ...env, READ_ONLY_MODE: "true" },
    );
    expect(response.status).toBe(503);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe("read_only");
  });
});
