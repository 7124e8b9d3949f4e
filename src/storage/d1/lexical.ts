/**
 * D1 adapter of the lexical port: SQLite FTS5 tables (migrations/0007_rag_fts.sql) kept in
 * step with `chunks`, `entities` and `relations` by triggers, so no writer here or elsewhere
 * has to remember them. `rag_fts_keys` maps each FTS rowid back to its row's key and
 * workspace. BM25 statistics are those of the whole database, not of one workspace.
 */
import type { LexicalRequest, LexicalResult, LexicalStore } from "../lexical";
import { ftsMatchExpression } from "./fts-query";

export type LexicalKind = "chunk" | "entity" | "relation";
type Kind = LexicalKind;

/** Per kind: its FTS table, and how its base rows fill the index (`?1` = workspace). */
const KINDS: Record<Kind, { table: string; fill: string }> = {
  chunk: {
    table: "chunks_fts",
    fill: `INSERT INTO chunks_fts (rowid, content) SELECT k.id, c.content FROM chunks c
      JOIN rag_fts_keys k ON k.workspace = c.workspace AND k.kind = 'chunk' AND k.k1 = c.id AND k.k2 = ''
      WHERE c.workspace = ?1`,
  },
  entity: {
    table: "entities_fts",
    fill: `INSERT INTO entities_fts (rowid, name, description) SELECT k.id, e.name, e.description FROM entities e
      JOIN rag_fts_keys k ON k.workspace = e.workspace AND k.kind = 'entity' AND k.k1 = e.name AND k.k2 = ''
      WHERE e.workspace = ?1`,
  },
  relation: {
    table: "relations_fts",
    fill: `INSERT INTO relations_fts (rowid, src, tgt, keywords, description)
      SELECT k.id, r.src, r.tgt, r.keywords, r.description FROM relations r
      JOIN rag_fts_keys k ON k.workspace = r.workspace AND k.kind = 'relation' AND k.k1 = r.src AND k.k2 = r.tgt
      WHERE r.workspace = ?1`,
  },
};

const KEY_FILL = `INSERT INTO rag_fts_keys (workspace, kind, k1, k2)
  SELECT workspace, 'chunk', id, '' FROM chunks WHERE workspace = ?1
  UNION ALL SELECT workspace, 'entity', name, '' FROM entities WHERE workspace = ?1
  UNION ALL SELECT workspace, 'relation', src, tgt FROM relations WHERE workspace = ?1`;

const COUNT_SQL = `SELECT
  (SELECT count(*) FROM rag_fts_keys WHERE workspace = ?1 AND kind = 'chunk') AS chunks,
  (SELECT count(*) FROM rag_fts_keys WHERE workspace = ?1 AND kind = 'entity') AS entities,
  (SELECT count(*) FROM rag_fts_keys WHERE workspace = ?1 AND kind = 'relation') AS relations`;

interface IndexCounts {
  chunks: number;
  entities: number;
  relations: number;
}

/**
 * `rank` is FTS5's bm25() (lower is better); the join keeps one workspace's rows. CROSS JOIN
 * makes the FTS match the outer loop (SQLite never reorders it): otherwise the planner may walk
 * the workspace's keys and run the match once per key.
 */
export function lexicalSearchSql(kind: Kind): string {
  const { table } = KINDS[kind];
  return `SELECT k.k1 AS k1, k.k2 AS k2 FROM ${table} CROSS JOIN rag_fts_keys k ON k.id = ${table}.rowid
    WHERE ${table} MATCH ?2 AND k.workspace = ?1 AND k.kind = '${kind}'
    ORDER BY ${table}.rank LIMIT ?3`;
}

interface KeyRow {
  k1: string;
  k2: string;
}

export class D1LexicalStore implements LexicalStore {
  constructor(private readonly db: D1Database) {}

  async search(workspace: string, request: LexicalRequest): Promise<LexicalResult> {
    const asked: [Kind, string | undefined][] = [
      ["chunk", request.chunks],
      ["entity", request.entities],
      ["relation", request.relations],
    ];
    const planned = asked.flatMap(([kind, text]) => {
      const match = text ? ftsMatchExpression(text) : null;
      return match ? [{ kind, match }] : [];
    });
    const result: LexicalResult = { chunks: [], entities: [], relations: [] };
    if (planned.length === 0 || request.limit <= 0) return result;
    const answers = await this.db.batch<KeyRow>(
      planned.map(({ kind, match }) =>
        this.db.prepare(lexicalSearchSql(kind)).bind(workspace, match, request.limit),
      ),
    );
    planned.forEach(({ kind }, i) => {
      const rows = answers[i]?.results ?? [];
      if (kind === "chunk") result.chunks = rows.map((row) => row.k1);
      else if (kind === "entity") result.entities = rows.map((row) => row.k1);
      else result.relations = rows.map((row) => ({ src: row.k1, tgt: row.k2 }));
    });
    return result;
  }

  async rebuild(workspace: string): Promise<{ chunks: number; entities: number; relations: number }> {
    const kinds = Object.keys(KINDS) as Kind[];
    const statements = [
      ...kinds.map((kind) =>
        this.db
          .prepare(
            `DELETE FROM ${KINDS[kind].table} WHERE rowid IN
              (SELECT id FROM rag_fts_keys WHERE workspace = ?1 AND kind = '${kind}')`,
          )
          .bind(workspace),
      ),
      this.db.prepare("DELETE FROM rag_fts_keys WHERE workspace = ?1").bind(workspace),
      this.db.prepare(KEY_FILL).bind(workspace),
      ...kinds.map((kind) => this.db.prepare(KINDS[kind].fill).bind(workspace)),
      // `changes` of an FTS5 insert counts its shadow-table writes, so the keys are counted.
      this.db.prepare(COUNT_SQL).bind(workspace),
    ];
    // One batch is one transaction: queries never see a half-built index.
    const results = await this.db.batch<IndexCounts>(statements);
    const counts = results.at(-1)?.results[0];
    return {
      chunks: counts?.chunks ?? 0,
      entities: counts?.entities ?? 0,
      relations: counts?.relations ?? 0,
    };
  }
}
