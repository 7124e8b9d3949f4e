/**
 * Postgres adapter of the lexical port: full-text search over the stored generated `tsv`
 * columns of `chunks`, `entities` and `relations` (migrations-pg/0001 and 0002), each with a
 * GIN index. Postgres computes a row's `tsv` on every INSERT and UPDATE, so every writer
 * (ingestion, deletion, graph edits, purge) keeps the index in step without knowing of it.
 *
 * The query is built by Postgres (`rag_or_query`, migrations-pg/0001) from the user text with
 * the index's own configuration, so query and index always split words alike (`3.5` stays one lexeme, as in the index): the
 * text's first 32 distinct lexemes, stop words dropped, each quoted and joined with OR. No user
 * text reaches the tsquery parser unquoted, so none is a syntax error. Ranking is `ts_rank`
 * with length normalization 1 (why not `ts_rank_cd`: docs/retrieval.md).
 */
import type { Pool } from "@neondatabase/serverless";
import type { LexicalRequest, LexicalResult, LexicalStore } from "../lexical";
import { pgQuery } from "./client";

/** Most lexemes of one query, as D1's builder (src/storage/d1/fts-query.ts). */
export const MAX_QUERY_LEXEMES = 32;
/** Longest text parsed for one query: bounds the parse; 32 words fit many times over. */
const MAX_QUERY_CHARS = 8192;
/** `ts_rank` normalization: divide by 1 + log(document length), BM25's length damping. */
const RANK_NORMALIZATION = 1;

type Kind = "chunk" | "entity" | "relation";

/** Per kind: its table and the key columns answered as k1, k2. */
const KINDS: Record<Kind, { table: string; k1: string; k2: string }> = {
  chunk: { table: "chunks", k1: "id", k2: "''" },
  entity: { table: "entities", k1: "name", k2: "''" },
  relation: { table: "relations", k1: "src", k2: "tgt" },
};

/**
 * SQL of the OR tsquery of text parameter `$n`: `rag_or_query` (migrations-pg/0001), NULL when
 * the text has no lexeme (which matches nothing). Immutable, so folded at plan time.
 */
export function orQuerySql(n: number): string {
  return `rag_or_query($${n}::text, ${MAX_QUERY_LEXEMES})`;
}

/** One kind's ranked keys: `$1` workspace, `$n` its text, `$limit` the limit. */
function kindSql(kind: Kind, n: number, limit: number): string {
  const { table, k1, k2 } = KINDS[kind];
  return `(SELECT '${kind}' AS kind, ${k1} AS k1, ${k2} AS k2,
      ts_rank(tsv, ${orQuerySql(n)}, ${RANK_NORMALIZATION}) AS rank
    FROM ${table} WHERE workspace = $1 AND tsv @@ ${orQuerySql(n)}
    ORDER BY rank DESC, ${k1} COLLATE "C", ${k2} COLLATE "C" LIMIT $${limit})`;
}

interface KeyRow {
  kind: Kind;
  k1: string;
  k2: string;
}

interface CountRow {
  chunks: number;
  entities: number;
  relations: number;
}

/**
 * Rewrites each row's text onto itself: Postgres recomputes a stored generated column on
 * UPDATE, so this re-derives the workspace's `tsv` (after a change of the text search
 * configuration or its dictionaries; normal writes never need it).
 */
const REBUILD_SQL = `WITH
  c AS (UPDATE chunks SET content = content WHERE workspace = $1 RETURNING 1),
  e AS (UPDATE entities SET description = description WHERE workspace = $1 RETURNING 1),
  r AS (UPDATE relations SET description = description WHERE workspace = $1 RETURNING 1)
SELECT (SELECT count(*) FROM c) AS chunks, (SELECT count(*) FROM e) AS entities,
  (SELECT count(*) FROM r) AS relations`;

export class PgLexicalStore implements LexicalStore {
  constructor(private readonly pool: Pool) {}

  /**
   * All requested kinds in one statement (one round trip).
   *
   * @example
   * const hits = await new PgLexicalStore(pool).search(ws, { chunks: "Who wrote Dune in 1965?", limit: 20 });
   */
  async search(workspace: string, request: LexicalRequest): Promise<LexicalResult> {
    const asked: [Kind, string | undefined][] = [
      ["chunk", request.chunks],
      ["entity", request.entities],
      ["relation", request.relations],
    ];
    // Text without a letter or digit has no lexeme: no need to ask.
    const planned = asked.flatMap(([kind, text]) =>
      text && /[\p{L}\p{N}]/u.test(text) ? [{ kind, text: text.slice(0, MAX_QUERY_CHARS) }] : [],
    );
    const result: LexicalResult = { chunks: [], entities: [], relations: [] };
    const limit = Math.floor(request.limit);
    if (planned.length === 0 || !(limit > 0)) return result;
    const limitParam = planned.length + 2;
    // UNION ALL promises no order: the outer sort restores each kind's rank order.
    const text = `SELECT kind, k1, k2 FROM (${planned
      .map(({ kind }, i) => kindSql(kind, i + 2, limitParam))
      .join("\nUNION ALL\n")}) AS hits ORDER BY kind, rank DESC, k1 COLLATE "C", k2 COLLATE "C"`;
    const rows = await pgQuery<KeyRow>(this.pool, text, [workspace, ...planned.map((p) => p.text), limit]);
    for (const row of rows) {
      if (row.kind === "chunk") result.chunks.push(row.k1);
      else if (row.kind === "entity") result.entities.push(row.k1);
      else result.relations.push({ src: row.k1, tgt: row.k2 });
    }
    return result;
  }

  /**
   * Re-derives the workspace's index from its rows; returns the rows indexed per kind.
   *
   * @example
   * await new PgLexicalStore(pool).rebuild(ws); // { chunks: 120, entities: 40, relations: 35 }
   */
  async rebuild(workspace: string): Promise<{ chunks: number; entities: number; relations: number }> {
    const [row] = await pgQuery<CountRow>(this.pool, REBUILD_SQL, [workspace]);
    return { chunks: row?.chunks ?? 0, entities: row?.entities ?? 0, relations: row?.relations ?? 0 };
  }
}
