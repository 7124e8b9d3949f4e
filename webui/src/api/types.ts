/** Wire shapes of the service's answers the UI reads (LightRAG-compatible field names). */

export const DOC_STATUSES = ["pending", "processing", "processed", "failed"] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];

export interface DocStatusResponse {
  id: string;
  content_summary: string;
  content_length: number;
  status: DocStatus;
  created_at: string;
  updated_at: string;
  track_id: string | null;
  chunks_count: number | null;
  error_msg: string | null;
  metadata: Record<string, unknown> | null;
  file_path: string | null;
}

export interface DocumentsPage {
  documents: DocStatusResponse[];
  pagination: {
    page: number;
    page_size: number;
    total_count: number;
    total_pages: number;
    has_next: boolean;
    has_prev: boolean;
  };
  status_counts: Record<string, number>;
}

export interface PipelineStatus {
  busy: boolean;
  job_name: string;
  job_start: string | null;
  docs: number;
  batchs: number;
  cur_batch: number;
  request_pending: boolean;
  cancellation_requested: boolean;
  latest_message: string;
  history_messages: string[];
}

export interface GraphNode {
  id: string;
  labels: string[];
  properties: Record<string, unknown>;
}

export interface GraphEdge {
  id: string;
  type?: string | null;
  source: string;
  target: string;
  properties: Record<string, unknown>;
}

export interface KnowledgeGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  is_truncated: boolean;
}

export const QUERY_MODES = ["local", "global", "hybrid", "naive", "mix", "bypass"] as const;
export type QueryMode = (typeof QUERY_MODES)[number];

export interface Reference {
  reference_id: string;
  file_path: string;
  content?: string[];
}
