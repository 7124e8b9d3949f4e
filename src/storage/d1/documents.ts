/** D1 adapter of the document store: rows in `documents`, text split over `document_contents`. */
import type {
  DocListQuery,
  DocStatus,
  DocumentRecord,
  DocumentRef,
  DocumentStore,
  NewDocument,
  StatusPatch,
} from "../documents";
import { DOC_STATUSES } from "../documents";
import { bulkDelete, bulkUpsert, parseJson, selectIn } from "./sql";

/** Characters of text per `document_contents` row (D1 rows stay far below 2 MB). */
export const CONTENT_PART_CHARS = 400_000;

const DOC_COLUMNS = [
  "id",
  "file_path",
  "content_hash",
  "content_summary",
  "content_length",
  "status",
  "error_msg",
  "chunks_count",
  "chunks_list",
  "track_id",
  "metadata",
  "attempts",
  "created_at",
  "updated_at",
] as const;

interface DocRow {
  workspace: string;
  id: string;
  file_path: string;
  content_hash: string;
  content_summary: string;
  content_length: number;
  status: string;
  error_msg: string | null;
  chunks_count: number | null;
  chunks_list: string;
  track_id: string;
  metadata: string;
  attempts: number;
  created_at: number;
  updated_at: number;
}

const SORT_COLUMNS: Record<DocListQuery["sortField"], string> = {
  created_at: "created_at",
  updated_at: "updated_at",
  id: "id",
  file_path: "file_path",
};

function toRecord(row: DocRow): DocumentRecord {
  return {
    id: row.id,
    workspace: row.workspace,
    filePath: row.file_path,
    contentHash: row.content_hash,
    contentSummary: row.content_summary,
    contentLength: row.content_length,
    status: (DOC_STATUSES as readonly string[]).includes(row.status) ? (row.status as DocStatus) : "failed",
    errorMsg: row.error_msg,
    chunksCount: row.chunks_count,
    chunksList: parseJson<string[]>(row.chunks_list, []),
    trackId: row.track_id,
    metadata: parseJson<Record<string, unknown>>(row.metadata, {}),
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(record: DocumentRecord): Record<string, unknown> {
  return {
    id: record.id,
    file_path: record.filePath,
    content_hash: record.contentHash,
    content_summary: record.contentSummary,
    content_length: record.contentLength,
    status: record.status,
    error_msg: record.errorMsg,
    chunks_count: record.chunksCount,
    chunks_list: JSON.stringify(record.chunksList),
    track_id: record.trackId,
    metadata: JSON.stringify(record.metadata),
    attempts: record.attempts,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** The SQL statement that applies a status patch to documents listed in JSON `?8`. */
export function statusStatement(db: D1Database, workspace: string, ids: string[], patch: StatusPatch) {
  return db
    .prepare(
      `UPDATE documents SET status = ?2, error_msg = ?3, chunks_count = coalesce(?4, chunks_count),
         chunks_list = coalesce(?5, chunks_list), attempts = attempts + ?6, updated_at = ?7
       WHERE workspace = ?1 AND id IN (SELECT value FROM json_each(?8))`,
    )
    .bind(
      workspace,
      patch.status,
      patch.errorMsg ?? null,
      patch.chunksCount ?? null,
      patch.chunksList ? JSON.stringify(patch.chunksList) : null,
      patch.countAttempt ? 1 : 0,
      Date.now(),
      JSON.stringify(ids),
    );
}

/** Statements deleting documents and their text. */
export function deleteDocumentStatements(
  db: D1Database,
  workspace: string,
  ids: string[],
): D1PreparedStatement[] {
  return [
    ...bulkDelete(db, "documents", "id", workspace, ids),
    ...bulkDelete(db, "document_contents", "doc_id", workspace, ids),
  ];
}

export class D1DocumentStore implements DocumentStore {
  constructor(private readonly db: D1Database) {}

  async insert(workspace: string, docs: NewDocument[]): Promise<void> {
    if (docs.length === 0) return;
    const parts: Record<string, unknown>[] = [];
    for (const { record, content } of docs) {
      for (
        let offset = 0, part = 0;
        offset < content.length || part === 0;
        offset += CONTENT_PART_CHARS, part++
      ) {
        parts.push({ doc_id: record.id, part, text: content.slice(offset, offset + CONTENT_PART_CHARS) });
      }
    }
    await this.db.batch([
      ...bulkUpsert(
        this.db,
        "documents",
        DOC_COLUMNS,
        workspace,
        docs.map((doc) => toRow(doc.record)),
      ),
      ...bulkUpsert(this.db, "document_contents", ["doc_id", "part", "text"], workspace, parts),
    ]);
  }

  async get(workspace: string, ids: string[]): Promise<DocumentRecord[]> {
    const rows = await selectIn<DocRow>(
      this.db,
      "SELECT * FROM documents WHERE workspace = ?1 AND id IN (SELECT value FROM json_each(?2))",
      workspace,
      ids,
    );
    return rows.map(toRecord);
  }

  async findByFilePaths(workspace: string, filePaths: string[]): Promise<DocumentRecord[]> {
    const rows = await selectIn<DocRow>(
      this.db,
      "SELECT * FROM documents WHERE workspace = ?1 AND file_path IN (SELECT value FROM json_each(?2))",
      workspace,
      filePaths,
    );
    return rows.map(toRecord);
  }

  async findByContentHashes(workspace: string, hashes: string[]): Promise<DocumentRecord[]> {
    const rows = await selectIn<DocRow>(
      this.db,
      "SELECT * FROM documents WHERE workspace = ?1 AND content_hash IN (SELECT value FROM json_each(?2))",
      workspace,
      hashes,
    );
    return rows.map(toRecord);
  }

  async content(workspace: string, id: string): Promise<string | null> {
    const { results } = await this.db
      .prepare("SELECT text FROM document_contents WHERE workspace = ?1 AND doc_id = ?2 ORDER BY part")
      .bind(workspace, id)
      .all<{ text: string }>();
    return results.length === 0 ? null : results.map((row) => row.text).join("");
  }

  async setStatus(workspace: string, ids: string[], patch: StatusPatch): Promise<void> {
    if (ids.length === 0) return;
    await statusStatement(this.db, workspace, ids, patch).run();
  }

  async list(
    workspace: string,
    query: DocListQuery,
  ): Promise<{ documents: DocumentRecord[]; total: number }> {
    const statuses = JSON.stringify(query.statuses ?? []);
    const filter =
      "workspace = ?1 AND (json_array_length(?2) = 0 OR status IN (SELECT value FROM json_each(?2)))";
    const order = `${SORT_COLUMNS[query.sortField]} ${query.sortDirection === "asc" ? "ASC" : "DESC"}, id ASC`;
    const [page, count] = await this.db.batch([
      this.db
        .prepare(`SELECT * FROM documents WHERE ${filter} ORDER BY ${order} LIMIT ?3 OFFSET ?4`)
        .bind(workspace, statuses, query.pageSize, (query.page - 1) * query.pageSize),
      this.db.prepare(`SELECT count(*) AS n FROM documents WHERE ${filter}`).bind(workspace, statuses),
    ]);
    const total = (count?.results[0] as { n: number } | undefined)?.n ?? 0;
    return { documents: ((page?.results ?? []) as DocRow[]).map(toRecord), total };
  }

  async statusCounts(workspace: string): Promise<Record<DocStatus, number>> {
    const { results } = await this.db
      .prepare("SELECT status, count(*) AS n FROM documents WHERE workspace = ?1 GROUP BY status")
      .bind(workspace)
      .all<{ status: DocStatus; n: number }>();
    const counts = Object.fromEntries(DOC_STATUSES.map((status) => [status, 0])) as Record<DocStatus, number>;
    for (const row of results) if (row.status in counts) counts[row.status] = row.n;
    return counts;
  }

  async byTrackId(workspace: string, trackId: string): Promise<DocumentRecord[]> {
    const { results } = await this.db
      .prepare("SELECT * FROM documents WHERE workspace = ?1 AND track_id = ?2 ORDER BY created_at, id")
      .bind(workspace, trackId)
      .all<DocRow>();
    return results.map(toRecord);
  }

  async idsByStatus(
    workspace: string | null,
    status: DocStatus,
    before: number,
    limit: number,
  ): Promise<DocumentRef[]> {
    // The stall detector is a system job: with a null workspace it scans every workspace.
    const { results } = await this.db
      .prepare(
        `SELECT workspace, id, attempts FROM documents
         WHERE (?1 IS NULL OR workspace = ?1) AND status = ?2 AND updated_at < ?3 ORDER BY updated_at LIMIT ?4`,
      )
      .bind(workspace, status, before, limit)
      .all<DocumentRef>();
    return results;
  }

  async delete(workspace: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.batch(deleteDocumentStatements(this.db, workspace, ids));
  }
}
