/** Document status reads: paginated list, legacy grouped list, counts, track status, pipeline status. */
import { Hono } from "hono";
import { z } from "zod";
import type { PipelineStatus } from "../../pipeline/pipeline-status";
import { DOC_STATUSES, type DocumentRecord } from "../../storage/documents";
import type { AppEnv } from "../app-env";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { docStatusResponse, requestServices, statusCountsResponse } from "./documents-wire";

const status = z.enum(DOC_STATUSES);

export const paginated = z.object({
  status_filter: status.nullish(),
  status_filters: z.array(status).nullish(),
  page: z.number().int().min(1).default(1),
  page_size: z.number().int().min(10).max(200).default(50),
  sort_field: z.enum(["created_at", "updated_at", "id", "file_path"]).default("updated_at"),
  sort_direction: z.enum(["asc", "desc"]).default("desc"),
});

/** Documents listed by the deprecated `GET /documents`. */
const LEGACY_LIST_LIMIT = 1000;

export const documentReadRoutes = new Hono<AppEnv>();

documentReadRoutes.post("/documents/paginated", async (c) => {
  const body = await readJsonBody(c, paginated);
  const { documents } = requestServices(c).stores;
  const workspace = requestWorkspace(c);
  const statuses = [
    ...new Set([...(body.status_filters ?? []), ...(body.status_filter ? [body.status_filter] : [])]),
  ];
  const [page, counts] = await Promise.all([
    documents.list(workspace, {
      statuses,
      page: body.page,
      pageSize: body.page_size,
      sortField: body.sort_field,
      sortDirection: body.sort_direction,
    }),
    documents.statusCounts(workspace),
  ]);
  const totalPages = Math.max(1, Math.ceil(page.total / body.page_size));
  return c.json({
    documents: page.documents.map(docStatusResponse),
    pagination: {
      page: body.page,
      page_size: body.page_size,
      total_count: page.total,
      total_pages: totalPages,
      has_next: body.page < totalPages,
      has_prev: body.page > 1,
    },
    status_counts: statusCountsResponse(counts),
  });
});

documentReadRoutes.get("/documents", async (c) => {
  const { documents } = requestServices(c).stores;
  const workspace = requestWorkspace(c);
  const perStatus = await Promise.all(
    DOC_STATUSES.map((value) =>
      documents.list(workspace, {
        statuses: [value],
        page: 1,
        pageSize: LEGACY_LIST_LIMIT,
        sortField: "updated_at",
        sortDirection: "desc",
      }),
    ),
  );
  // Round-robin across statuses up to the limit, as LightRAG does.
  const statuses: Record<string, ReturnType<typeof docStatusResponse>[]> = {};
  let taken = 0;
  for (let i = 0; taken < LEGACY_LIST_LIMIT; i++) {
    let any = false;
    perStatus.forEach((list, index) => {
      const doc: DocumentRecord | undefined = list.documents[i];
      if (!doc || taken >= LEGACY_LIST_LIMIT) return;
      any = true;
      taken++;
      const key = DOC_STATUSES[index] as string;
      statuses[key] = [...(statuses[key] ?? []), docStatusResponse(doc)];
    });
    if (!any) break;
  }
  return c.json({ statuses });
});

documentReadRoutes.get("/documents/status_counts", async (c) => {
  const counts = await requestServices(c).stores.documents.statusCounts(requestWorkspace(c));
  return c.json({ status_counts: statusCountsResponse(counts) });
});

documentReadRoutes.get("/documents/track_status/:track_id", async (c) => {
  const trackId = c.req.param("track_id").trim();
  const docs = await requestServices(c).stores.documents.byTrackId(requestWorkspace(c), trackId);
  const summary: Record<string, number> = {};
  for (const doc of docs) summary[doc.status] = (summary[doc.status] ?? 0) + 1;
  return c.json({
    track_id: trackId,
    documents: docs.map(docStatusResponse),
    total_count: docs.length,
    status_summary: summary,
  });
});

documentReadRoutes.get("/documents/pipeline_status", async (c) => {
  const { active_jobs: _active, ...status } = (await requestServices(c)
    .coordinator(requestWorkspace(c))
    .pipelineStatus()) as PipelineStatus;
  const history = status.history_messages;
  return c.json({
    ...status,
    history_messages: history,
    recovery_required: false,
    recovery_kind: null,
    recovery_message: null,
  });
});
