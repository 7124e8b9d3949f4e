/** LightRAG's document wire shapes (`DocStatusResponse`, status counts) and the engine-error mapping. */
import type { Context } from "hono";
import { loadConfig } from "../../config";
import { currentFlagsView } from "../../flags";
import { engineDeps } from "../../pipeline/engine";
import { RagError } from "../../rag/types";
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

/** Maps the engine's domain errors to HTTP errors; anything else is rethrown. */
export function asHttpError(error: unknown): never {
  if (error instanceof RagError) {
    if (error.kind === "conflict")
      throw new AppError(409, "conflict", error.message, { details: error.details });
    if (error.kind === "not_found") throw new AppError(404, "not_found", error.message);
    if (error.kind === "too_large")
      throw new AppError(413, "payload_too_large", error.message, { details: error.details });
    throw new AppError(400, "bad_request", error.message, { details: error.details });
  }
  throw error;
}

/** The engine for this request. */
export function requestDeps(c: Context<AppEnv>) {
  return engineDeps(c.env, c.get("config") ?? loadConfig(c.env).config);
}

/** 503 while document processing is switched off (ENABLE_DOCUMENT_PROCESSING=false). */
export async function requireProcessing(c: Context<AppEnv>): Promise<void> {
  const { flags } = await currentFlagsView(c.env, c.get("config"));
  if (!flags.ENABLE_DOCUMENT_PROCESSING) {
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
