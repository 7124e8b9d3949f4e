/** LightRAG's document wire shapes (`DocStatusResponse`, status counts) and the routes' shared checks. */
import type { Context } from "hono";
import type { DocStatus, DocumentRecord } from "../../storage/documents";
import { DOC_STATUSES } from "../../storage/documents";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";

/** `DocStatusResponse` of LightRAG. */
export function docStatusResponse(doc: DocumentRecord) {
  return {
    id: doc.id,
    content_summary: doc.contentSummary,
    content_length: doc.contentLength,
    status: doc.status,
    created_at: new Date(doc.createdAt).toISOString(),
    updated_at: new Date(doc.updatedAt).toISOString(),
    track_id: doc.trackId,
    chunks_count: doc.chunksCount,
    error_msg: doc.errorMsg,
    metadata: doc.metadata,
    file_path: doc.filePath,
  };
}

/** Status counts with every status present and `all` as the total. */
export function statusCountsResponse(counts: Record<DocStatus, number>): Record<string, number> {
  const out: Record<string, number> = {};
  let all = 0;
  for (const status of DOC_STATUSES) {
    out[status] = counts[status];
    all += counts[status];
  }
  out.all = all;
  return out;
}

/** The composition root's services for this request (stores, engine, coordinator). */
export function requestServices(c: Context<AppEnv>) {
  return c.get("services");
}

/** 503 while document processing is switched off (ENABLE_DOCUMENT_PROCESSING=false). */
export async function requireProcessing(c: Context<AppEnv>): Promise<void> {
  if (!c.get("flags").ENABLE_DOCUMENT_PROCESSING) {
    throw new AppError(
      503,
      "service_unavailable",
      "Document processing is disabled (ENABLE_DOCUMENT_PROCESSING=false)",
      {
        headers: { "Retry-After": "60" },
      },
    );
  }
}
