/** Port for documents and their processing status (LightRAG's `full_docs` + `doc_status`). */

/** LightRAG's status values, lower case on the wire. */
export const DOC_STATUSES = ["pending", "processing", "processed", "failed"] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];

export interface DocumentRecord {
  id: string;
  workspace: string;
  filePath: string;
  contentHash: string;
  /** First 100 characters of the content. */
  contentSummary: string;
  contentLength: number;
  status: DocStatus;
  errorMsg: string | null;
  chunksCount: number | null;
  chunksList: string[];
  trackId: string;
  metadata: Record<string, unknown>;
  /** Processing attempts so far; the stall detector gives up after a limit. */
  attempts: number;
  /** Unix milliseconds. */
  createdAt: number;
  updatedAt: number;
}

/** A new document with its full text. */
export interface NewDocument {
  record: DocumentRecord;
  content: string;
}

export type DocSortField = "created_at" | "updated_at" | "id" | "file_path";

export interface DocListQuery {
  statuses?: DocStatus[];
  page: number;
  pageSize: number;
  sortField: DocSortField;
  sortDirection: "asc" | "desc";
}

export interface StatusPatch {
  status: DocStatus;
  errorMsg?: string | null;
  chunksCount?: number;
  chunksList?: string[];
  /** Increment the attempt counter (a processing run starts). */
  countAttempt?: boolean;
}

export interface DocumentStore {
  /** Inserts documents and their text in one transaction. */
  insert(workspace: string, docs: NewDocument[]): Promise<void>;
  get(workspace: string, ids: string[]): Promise<DocumentRecord[]>;
  /** Existing documents with any of these file paths (same-name check). */
  findByFilePaths(workspace: string, filePaths: string[]): Promise<DocumentRecord[]>;
  /** Existing documents with any of these content hashes (dedup). */
  findByContentHashes(workspace: string, hashes: string[]): Promise<DocumentRecord[]>;
  content(workspace: string, id: string): Promise<string | null>;
  setStatus(workspace: string, ids: string[], patch: StatusPatch): Promise<void>;
  list(workspace: string, query: DocListQuery): Promise<{ documents: DocumentRecord[]; total: number }>;
  statusCounts(workspace: string): Promise<Record<DocStatus, number>>;
  byTrackId(workspace: string, trackId: string): Promise<DocumentRecord[]>;
  /** Ids of documents in `status` whose `updatedAt` is older than `before` (stall detection). */
  idsByStatus(
    workspace: string | null,
    status: DocStatus,
    before: number,
    limit: number,
  ): Promise<DocumentRef[]>;
  /** Removes documents and their text (chunks and graph are removed by their own stores). */
  delete(workspace: string, ids: string[]): Promise<void>;
}

export interface DocumentRef {
  workspace: string;
  id: string;
  attempts: number;
}
