/** Destructive and control routes: delete documents, clear all, clear the LLM cache, reprocess, cancel. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { audit } from "../../audit";
import { enqueueDelete, enqueueIngest } from "../../pipeline/ingest-messages";
import { trackId } from "../../rag/ids";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { requestServices, requireProcessing } from "./documents-wire";

/** LightRAG's `DeleteDocRequest` (`DELETE /documents/delete_document`, the MCP `delete_documents` tool). */
export const deleteDocumentsSchema = z.object({
  doc_ids: z
    .array(z.string().trim().min(1).max(200))
    .min(1)
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, "doc_ids must be unique"),
  delete_file: z.boolean().default(false),
  delete_llm_cache: z.boolean().default(false),
});

export const documentAdminRoutes = new Hono<AppEnv>();

/**
 * Queues the deletion of the named documents of the request's workspace and audits it (404 when
 * none exists): the body of `DELETE /documents/delete_document`, shared with the MCP tool.
 *
 * @example
 * await deleteDocuments(c, deleteDocumentsSchema.parse({ doc_ids: ["doc-1"] }));
 */
export async function deleteDocuments(c: Context<AppEnv>, body: z.output<typeof deleteDocumentsSchema>) {
  const workspace = requestWorkspace(c);
  const found = await requestServices(c).stores.documents.get(workspace, body.doc_ids);
  const ids = found.map((doc) => doc.id);
  const docList = body.doc_ids.join(", ");
  if (ids.length === 0) throw new AppError(404, "not_found", `No document found: ${docList}`);
  await enqueueDelete(c.env, workspace, ids);
  audit(c, {
    event_type: "data_access",
    event_action: "document_delete",
    outcome: "success",
    additional_data: { doc_ids: ids },
  });
  return {
    status: "deletion_started",
    message: `Document deletion for ${ids.length} document(s) has been initiated. Processing will continue in background.`,
    doc_id: ids.join(", "),
  };
}

documentAdminRoutes.delete("/documents/delete_document", async (c) =>
  c.json(await deleteDocuments(c, await readJsonBody(c, deleteDocumentsSchema))),
);

documentAdminRoutes.delete("/documents", async (c) => {
  const workspace = requestWorkspace(c);
  const outcome = await requestServices(c).coordinator(workspace).clear(workspace);
  audit(c, {
    event_type: "data_access",
    event_action: "document_delete",
    outcome: outcome === "success" ? "success" : "failure",
    additional_data: { all: true },
  });
  if (outcome === "busy") {
    return c.json({ status: "busy", message: "Cannot clear documents while the pipeline is busy" });
  }
  return c.json({ status: "success", message: "All documents cleared successfully" });
});

documentAdminRoutes.post("/documents/clear_cache", async (c) => {
  await requestServices(c).llmCache.clear(requestWorkspace(c));
  return c.json({ status: "success", message: "Successfully cleared all cache" });
});

documentAdminRoutes.post("/documents/reprocess_failed", async (c) => {
  await requireProcessing(c);
  const workspace = requestWorkspace(c);
  const { documents } = requestServices(c).stores;
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const batch = await documents.list(workspace, {
      statuses: ["failed", "pending"],
      page,
      pageSize: 500,
      sortField: "created_at",
      sortDirection: "asc",
    });
    ids.push(...batch.documents.map((doc) => doc.id));
    if (batch.documents.length < 500) break;
  }
  const track = trackId("reprocess");
  await enqueueIngest(c.env, workspace, ids);
  return c.json({
    status: "reprocessing_started",
    message: `Reprocessing of ${ids.length} failed or pending document(s) has started.`,
    track_id: track,
  });
});

documentAdminRoutes.post("/documents/cancel_pipeline", async (c) => {
  const outcome = await requestServices(c).coordinator(requestWorkspace(c)).requestCancel();
  return c.json({
    status: outcome,
    message:
      outcome === "cancellation_requested"
        ? "Pipeline cancellation has been requested"
        : "Pipeline is not busy",
  });
});
