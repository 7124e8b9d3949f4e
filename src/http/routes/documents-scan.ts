/**
 * `POST /documents/scan`, LightRAG's Scan/Retry button: picks up files dropped into R2 under
 * `inputs/<workspace>/` and re-enqueues failed and stalled documents (`src/pipeline/document-scan.ts`).
 * Skipped while the workspace's pipeline is busy, as LightRAG does.
 */
import { Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { scanWorkspace } from "../../pipeline/document-scan";
import { enqueueIngest } from "../../pipeline/ingest-messages";
import { extractionLimits } from "../../rag/parsers/limits";
import type { AppEnv } from "../app-env";
import { requestWorkspace } from "../workspace";
import { requestServices, requireProcessing } from "./documents-wire";

/** LightRAG's `ScanResponse`. */
export const scanResponseSchema = z.object({
  status: z.enum(["scanning_started", "scanning_skipped_pipeline_busy"]),
  message: z.string(),
  track_id: z.string(),
});

type ScanResponse = z.infer<typeof scanResponseSchema>;

export const documentScanRoutes = new Hono<AppEnv>();

documentScanRoutes.post("/documents/scan", async (c) => {
  await requireProcessing(c);
  const workspace = requestWorkspace(c);
  const services = requestServices(c);
  if ((await services.coordinator(workspace).pipelineStatus()).busy) {
    return c.json({
      status: "scanning_skipped_pipeline_busy",
      message: "The pipeline is busy; scan again once it is idle",
      track_id: "",
    } satisfies ScanResponse);
  }
  const config = c.get("config");
  const report = await scanWorkspace(
    {
      stores: services.stores,
      bucket: c.env.BACKUPS,
      enqueue: (ws, ids) => enqueueIngest(c.env, ws, ids),
      // As an upload: never more text than /documents/text accepts in its body.
      limits: extractionLimits(Math.min(config.MAX_EXTRACTED_TEXT_BYTES, config.MAX_TEXT_BODY_BYTES)),
      maxFileBytes: config.MAX_UPLOAD_SIZE,
      stallTimeoutSeconds: config.DOCUMENT_STALL_TIMEOUT,
    },
    workspace,
  );
  audit(c, {
    event_type: "data_access",
    event_action: "document_upload",
    outcome: "success",
    additional_data: {
      track_id: report.trackId,
      documents: report.registered,
      duplicates: report.duplicates,
      rejected: report.rejected.length,
      requeued: report.requeued,
    },
  });
  const rejected =
    report.rejected.length > 0
      ? ` ${report.rejected.length} file(s) could not be read and were moved to inputs/${workspace}/__failed__/.`
      : "";
  return c.json({
    status: "scanning_started",
    message:
      `Scanning started: ${report.registered} file(s) from inputs/${workspace}/ registered` +
      `${report.duplicates > 0 ? ` (${report.duplicates} duplicate(s) skipped)` : ""}, ` +
      `${report.requeued} failed or stalled document(s) re-enqueued.${rejected}`,
    track_id: report.trackId,
  } satisfies ScanResponse);
});
