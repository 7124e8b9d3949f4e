/** Response schemas of LightRAG's query, graph and document routes (its field names). */
import { z } from "zod";
import { DOC_STATUSES } from "../../../storage/documents";
import { isoTime, statusMessage } from "./common";

const referenceSchema = z.strictObject({
  reference_id: z.string(),
  file_path: z.string(),
  content: z.array(z.string()).optional().describe("Chunk texts, with include_chunk_content"),
});

/** `POST /query` (LightRAG's `QueryResponse`). */
export const queryResponseSchema = z.strictObject({
  response: z.string(),
  references: z.array(referenceSchema).nullable(),
  response_time: z.number(),
});

const keywords = z.strictObject({ high_level: z.array(z.string()), low_level: z.array(z.string()) });

const queryData = z.strictObject({
  entities: z.array(
    z.strictObject({
      entity_name: z.string(),
      entity_type: z.string(),
      description: z.string(),
      source_id: z.string(),
      file_path: z.string(),
      created_at: z.string(),
    }),
  ),
  relationships: z.array(
    z.strictObject({
      src_id: z.string(),
      tgt_id: z.string(),
      description: z.string(),
      keywords: z.string(),
      weight: z.number(),
      source_id: z.string(),
      file_path: z.string(),
      created_at: z.string(),
    }),
  ),
  chunks: z.array(
    z.strictObject({
      reference_id: z.string(),
      content: z.string(),
      file_path: z.string(),
      chunk_id: z.string(),
    }),
  ),
  references: z.array(referenceSchema),
});

/** `POST /query/data` (LightRAG's `QueryDataResponse`). */
export const queryDataResponseSchema = z.strictObject({
  status: z.enum(["success", "failure"]),
  message: z.string(),
  data: z.union([queryData, z.strictObject({})]),
  metadata: z.strictObject({
    query_mode: z.string(),
    keywords,
    processing_info: z.record(z.string(), z.unknown()).optional(),
  }),
});

const graphNode = z.strictObject({
  id: z.string(),
  labels: z.array(z.string()),
  properties: z.strictObject({
    entity_id: z.string(),
    entity_type: z.string(),
    description: z.string(),
    source_id: z.string(),
    file_path: z.string(),
    created_at: z.number(),
  }),
});

const graphEdge = z.strictObject({
  id: z.string(),
  type: z.string(),
  source: z.string(),
  target: z.string(),
  properties: z.strictObject({
    weight: z.number(),
    description: z.string(),
    keywords: z.string(),
    source_id: z.string(),
    file_path: z.string(),
    created_at: z.number(),
  }),
});

/** `GET /graphs` (LightRAG's `KnowledgeGraph`). */
export const knowledgeGraphSchema = z.strictObject({
  nodes: z.array(graphNode),
  edges: z.array(graphEdge),
  is_truncated: z.boolean(),
});

export const labelsSchema = z.array(z.string());
export const entityExistsSchema = z.strictObject({ exists: z.boolean() });

/** LightRAG's `DocStatusResponse`. */
export const docStatusSchema = z.strictObject({
  id: z.string(),
  content_summary: z.string(),
  content_length: z.number().int(),
  status: z.enum(DOC_STATUSES),
  created_at: isoTime,
  updated_at: isoTime,
  track_id: z.string(),
  chunks_count: z.number().int().nullable(),
  error_msg: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  file_path: z.string(),
});

const statusCounts = z.strictObject({
  pending: z.number().int(),
  processing: z.number().int(),
  processed: z.number().int(),
  failed: z.number().int(),
  all: z.number().int(),
});

export const paginatedDocsSchema = z.strictObject({
  documents: z.array(docStatusSchema),
  pagination: z.strictObject({
    page: z.number().int(),
    page_size: z.number().int(),
    total_count: z.number().int(),
    total_pages: z.number().int(),
    has_next: z.boolean(),
    has_prev: z.boolean(),
  }),
  status_counts: statusCounts,
});

export const legacyDocsSchema = z.strictObject({
  statuses: z.partialRecord(z.enum(DOC_STATUSES), z.array(docStatusSchema)),
});
export const statusCountsSchema = z.strictObject({ status_counts: statusCounts });

export const trackStatusSchema = z.strictObject({
  track_id: z.string(),
  documents: z.array(docStatusSchema),
  total_count: z.number().int(),
  status_summary: z.record(z.string(), z.number().int()),
});

export const pipelineStatusSchema = z.strictObject({
  busy: z.boolean(),
  job_name: z.string(),
  job_start: z.string().nullable(),
  docs: z.number().int(),
  batchs: z.number().int(),
  cur_batch: z.number().int(),
  request_pending: z.boolean(),
  cancellation_requested: z.boolean(),
  latest_message: z.string(),
  history_messages: z.array(z.string()),
  update_status: z.record(z.string(), z.unknown()),
  recovery_required: z.boolean(),
  recovery_kind: z.string().nullable(),
  recovery_message: z.string().nullable(),
});

export const supportedTypesSchema = z.strictObject({
  supported_extensions: z.array(z.string()),
  engines: z.record(z.string(), z.array(z.string())),
});

/** `POST /documents/text|texts|upload` (LightRAG's `InsertResponse`). */
export const insertResponseSchema = statusMessage(["success", "duplicated"]).extend({ track_id: z.string() });

export const deleteDocResponseSchema = statusMessage(["deletion_started"]).extend({ doc_id: z.string() });
export const clearDocsResponseSchema = statusMessage(["success", "busy"]);
export const clearCacheResponseSchema = statusMessage(["success"]);
export const reprocessResponseSchema = statusMessage(["reprocessing_started"]).extend({
  track_id: z.string(),
});
export const cancelPipelineResponseSchema = statusMessage(["cancellation_requested", "not_busy"]);

/** One NDJSON line of `POST /query/stream`. */
export const queryStreamLineSchema = z.strictObject({
  progress: z.unknown().optional(),
  references: z.array(referenceSchema).optional(),
  response: z.string().optional(),
  error: z.string().optional(),
});
