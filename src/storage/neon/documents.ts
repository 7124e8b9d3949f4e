/** Postgres adapter of the document store: rows in `documents`, text in `document_contents` parts. */
import type { Pool } from "@neondatabase/serverless";
import { CONTENT_PART_CHARS } from "../d1/documents";
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
import { pgQuery, pgTransaction } from "./client";
import { type Columns, deleteInStatements, parseJson, runAll, type Statement, upsertStatements } from "./sql";

const DOC_COLUMNS: Columns = {
  id: "text",
  file_path: "text",
  content_hash: "text",
  content_summary: "text",
  content_length: "integer",
  status: "text",
  error_msg: "text",
  chunks_count: "integer",
  chunks_list: "text",
  track_id: "text",
  metadata: "text",
  attempts: "integer",
  created_at: "bigint",
  updated_at: "bigint",
};

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

/** Text columns sort by code point ("C"), as SQLite's BINARY collation does on D1. */
const SORT_COLUMNS: Record<DocListQuery["sortField"], string> = {
  created_at: "created_at",
  updated_at: "updated_at",
  id: 'id COLLATE "C"',
  file_path: 'file_path COLLATE "C"',
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

const toRow = (record: DocumentRecord): Record<string, unknown> => ({
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
});

/** The statement applying a status patch to `ids`. */
export function statusStatement(workspace: string, ids: string[], patch: StatusPatch): Statement {
  return {
    text: `UPDATE documents SET status = $2, error_msg = $3, chunks_count = coalesce($4::integer, chunks_count),
        chunks_list = coalesce($5::text, chunks_list), attempts = attempts + $6, updated_at = $7
      WHERE workspace = $1 AND id = ANY($8::text[])`,
    values: [
      workspace,
      patch.status,
      patch.errorMsg ?? null,
      patch.chunksCount ?? null,
      patch.chunksList ? JSON.stringify(patch.chunksList) : null,
      patch.countAttempt ? 1 : 0,
      Date.now(),
      ids,
    ],
  };
}

/** Statements deleting documents and their text. */
export function deleteDocumentStatements(workspace: string, ids: string[]): Statement[] {
  return [
    ...deleteInStatements("documents", "id", workspace, ids),
    ...deleteInStatements("document_contents", "doc_id", workspace, ids),
  ];
}

export class PgDocumentStore implements DocumentStore {
  constructor(private readonly pool: Pool) {}

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
    const rows = docs.map((doc) => toRow(doc.record));
    await pgTransaction(this.pool, (tx) =>
      runAll(tx, [
        ...upsertStatements("documents", DOC_COLUMNS, ["id"], [], workspace, rows),
        ...upsertStatements(
          "document_contents",
          { doc_id: "text", part: "integer", text: "text" },
          ["doc_id", "part"],
          [],
          workspace,
          parts,
        ),
      ]),
    );
  }

  private async where(column: string, workspace: string, values: string[]): Promise<DocumentRecord[]> {
    if (values.length === 0) return [];
    const rows = await pgQuery<DocRow>(
      this.pool,
      `SELECT * FROM documents WHERE workspace = $1 AND ${column} = ANY($2::text[])`,
      [workspace, values],
    );
    return rows.map(toRecord);
  }

  get(workspace: string, ids: string[]): Promise<DocumentRecord[]> {
    return this.where("id", workspace, ids);
  }

  findByFilePaths(workspace: string, filePaths: string[]): Promise<DocumentRecord[]> {
    return this.where("file_path", workspace, filePaths);
  }

  findByContentHashes(workspace: string, hashes: string[]): Promise<DocumentRecord[]> {
    return this.where("content_hash", workspace, hashes);
  }

  async content(workspace: string, id: string): Promise<string | null> {
    const rows = await pgQuery<{ text: string }>(
      this.pool,
      "SELECT text FROM document_contents WHERE workspace = $1 AND doc_id = $2 ORDER BY part",
      [workspace, id],
    );
    return rows.length === 0 ? null : rows.map((row) => row.text).join("");
  }

  async setStatus(workspace: string, ids: string[], patch: StatusPatch): Promise<void> {
    if (ids.length === 0) return;
    await runAll(this.pool, [statusStatement(workspace, ids, patch)]);
  }

  async list(
    workspace: string,
    query: DocListQuery,
  ): Promise<{ documents: DocumentRecord[]; total: number }> {
    const statuses = query.statuses ?? [];
    const filter = "workspace = $1 AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[]))";
    const order = `${SORT_COLUMNS[query.sortField]} ${query.sortDirection === "asc" ? "ASC" : "DESC"}, id COLLATE "C" ASC`;
    const [page, count] = await Promise.all([
      pgQuery<DocRow>(
        this.pool,
        `SELECT * FROM documents WHERE ${filter} ORDER BY ${order} LIMIT $3 OFFSET $4`,
        [workspace, statuses, query.pageSize, (query.page - 1) * query.pageSize],
      ),
      pgQuery<{ n: number }>(this.pool, `SELECT count(*) AS n FROM documents WHERE ${filter}`, [
        workspace,
        statuses,
      ]),
    ]);
    return { documents: page.map(toRecord), total: count[0]?.n ?? 0 };
  }

  async statusCounts(workspace: string): Promise<Record<DocStatus, number>> {
    const rows = await pgQuery<{ status: DocStatus; n: number }>(
      this.pool,
      "SELECT status, count(*) AS n FROM documents WHERE workspace = $1 GROUP BY status",
      [workspace],
    );
    const counts = Object.fromEntries(DOC_STATUSES.map((status) => [status, 0])) as Record<DocStatus, number>;
    for (const row of rows) if (row.status in counts) counts[row.status] = row.n;
    return counts;
  }

  async byTrackId(workspace: string, trackId: string): Promise<DocumentRecord[]> {
    const rows = await pgQuery<DocRow>(
      this.pool,
      'SELECT * FROM documents WHERE workspace = $1 AND track_id = $2 ORDER BY created_at, id COLLATE "C"',
      [workspace, trackId],
    );
    return rows.map(toRecord);
  }

  idsByStatus(
    workspace: string | null,
    status: DocStatus,
    before: number,
    limit: number,
  ): Promise<DocumentRef[]> {
    // The stall detector is a system job: with a null workspace it scans every workspace.
    return pgQuery<DocumentRef>(
      this.pool,
      `SELECT workspace, id, attempts FROM documents
       WHERE ($1::text IS NULL OR workspace = $1) AND status = $2 AND updated_at < $3 ORDER BY updated_at LIMIT $4`,
      [workspace, status, before, limit],
    );
  }

  async delete(workspace: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await pgTransaction(this.pool, (tx) => runAll(tx, deleteDocumentStatements(workspace, ids)));
  }
}
