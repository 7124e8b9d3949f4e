/**
 * pgvector adapter of the VectorStore port: one table per namespace (schema-vectors.ts), rows
 * keyed by workspace and id, in the same database as the graph. Scores are cosine similarity,
 * `1 - (a <=> b)`.
 *
 * A query on a dimension with an HNSW index (`indexedDims`, built by migrate.ts) is answered by
 * the index: approximate, with pgvector's iterative scan so the workspace filter still fills
 * top-k. Other dimensions are answered by an exact scan of the workspace's rows, which is what
 * the contract suite checks against a brute-force ranking.
 */
import type { Pool } from "@neondatabase/serverless";
import { normalize } from "../local-vector/math";
import {
  alignScores,
  type VectorItem,
  type VectorMatch,
  type VectorNamespace,
  type VectorPayload,
  type VectorQuery,
  type VectorStore,
} from "../vectors";
import { pgQuery, pgTransaction, type Queryable } from "./client";
import { VECTOR_TABLES } from "./schema-vectors";
import { runAll, upsertStatements } from "./sql";

export interface PgVectorOptions {
  /** Dimensions with an HNSW index (EMBEDDING_DIM once migrated); others are scanned exactly. */
  indexedDims?: readonly number[];
  /** Candidates an HNSW scan keeps (pgvector's `hnsw.ef_search`); at least topK is used. */
  efSearch?: number;
}

/** pgvector's text form of a vector. */
const toText = (vector: Float32Array) => `[${Array.from(vector).join(",")}]`;
const fromText = (text: string) => Float32Array.from(JSON.parse(text) as number[]);

/** Lock key of one workspace's namespace: the dimension check and the write are one step. */
const lockKey = (table: string, workspace: string) => `${table}:${workspace}`;

/**
 * The top-k statement of an indexed dimension ($1 workspace, $2 query vector, $3 k): its
 * expression and `dim` predicate match the partial HNSW index, so the planner may use it (it
 * still sorts a small workspace's rows exactly when that is cheaper). The k found are then
 * ordered by score and, for equal scores, by id, as the exact scan and the local index order
 * them: the index (or a top-N sort) returns ties in no set order, and the engine's token
 * budgets keep a prefix, so tie order decides what an answer holds.
 *
 * @example
 * indexedQuerySql("vectors_chunks", 384);
 */
export function indexedQuerySql(table: string, dim: number): string {
  const distance = `embedding::vector(${dim}) <=> $2::vector(${dim})`;
  return `SELECT id, score FROM (SELECT id, 1 - (${distance}) AS score FROM ${table}
    WHERE workspace = $1 AND dim = ${dim} ORDER BY ${distance} LIMIT $3) AS top
    ORDER BY score DESC, id COLLATE "C"`;
}

export class PgVectorStore implements VectorStore {
  private readonly indexed: ReadonlySet<number>;

  constructor(
    private readonly pool: Pool,
    private readonly options: PgVectorOptions = {},
  ) {
    this.indexed = new Set(options.indexedDims ?? []);
  }

  async upsert(workspace: string, namespace: VectorNamespace, items: VectorItem[]): Promise<void> {
    if (items.length === 0) return;
    await pgTransaction(this.pool, (tx) => this.upsertIn(tx, workspace, namespace, items));
  }

  /**
   * The upsert on a transaction the caller holds, so vectors commit with the graph rows.
   *
   * @example
   * await pgTransaction(pool, async (tx) => { await writer.commitIn(tx, ws, change); await vectors.upsertIn(tx, ws, "entities", items); });
   */
  async upsertIn(
    tx: Queryable,
    workspace: string,
    namespace: VectorNamespace,
    items: VectorItem[],
  ): Promise<void> {
    if (items.length === 0) return;
    const table = VECTOR_TABLES[namespace];
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(table, workspace)]);
    const [stored] = await pgQuery<{ dim: number }>(
      tx,
      `SELECT dim FROM ${table} WHERE workspace = $1 LIMIT 1`,
      [workspace],
    );
    const dim = stored?.dim ?? items[0]?.vector.length ?? 0;
    for (const item of items) {
      if (item.vector.length !== dim) {
        throw new Error(`vector ${item.id} has dimension ${item.vector.length}, index has ${dim}`);
      }
    }
    const rows = items.map((item) => ({
      id: item.id,
      dim,
      // Stored as unit vectors, as the local index does: `get` returns the direction, not the length.
      embedding: toText(normalize(item.vector)),
      payload: item.payload ?? null,
    }));
    await runAll(
      tx,
      upsertStatements(
        table,
        { id: "text", dim: "integer", embedding: "vector", payload: "text" },
        ["id"],
        [],
        workspace,
        rows,
      ),
    );
  }

  async delete(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(
      `DELETE FROM ${VECTOR_TABLES[namespace]} WHERE workspace = $1 AND id = ANY($2::text[])`,
      [workspace, ids],
    );
  }

  async query(
    workspace: string,
    namespace: VectorNamespace,
    vector: Float32Array,
    query: VectorQuery,
  ): Promise<VectorMatch[]> {
    const table = VECTOR_TABLES[namespace];
    const dim = vector.length;
    const threshold = query.threshold ?? -2;
    if (!this.indexed.has(dim)) {
      return pgQuery<VectorMatch>(
        this.pool,
        `SELECT id, score FROM (SELECT id, 1 - (embedding <=> $2::vector) AS score FROM ${table}
           WHERE workspace = $1 AND dim = $3) AS s
         WHERE score >= $4 ORDER BY score DESC, id COLLATE "C" LIMIT $5`,
        [workspace, toText(vector), dim, threshold, query.topK],
      );
    }
    return pgTransaction(this.pool, async (tx) => {
      // pgvector accepts ef_search up to 1,000.
      const ef = Math.min(1000, Math.max(this.options.efSearch ?? 100, query.topK));
      await tx.query(`SET LOCAL hnsw.ef_search = ${ef}`);
      await tx.query("SET LOCAL hnsw.iterative_scan = strict_order");
      const rows = await pgQuery<VectorMatch>(tx, indexedQuerySql(table, dim), [
        workspace,
        toText(vector),
        query.topK,
      ]);
      return rows.filter((row) => row.score >= threshold).map(({ id, score }) => ({ id, score }));
    });
  }

  async score(
    workspace: string,
    namespace: VectorNamespace,
    ids: string[],
    vector: Float32Array,
  ): Promise<Float64Array> {
    if (ids.length === 0) return new Float64Array(0);
    const rows = await pgQuery<VectorMatch>(
      this.pool,
      `SELECT id, 1 - (embedding <=> $3::vector) AS score FROM ${VECTOR_TABLES[namespace]}
       WHERE workspace = $1 AND id = ANY($2::text[]) AND dim = $4`,
      [workspace, ids, toText(vector), vector.length],
    );
    return alignScores(ids, rows);
  }

  async payloads(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorPayload[]> {
    if (ids.length === 0) return [];
    return pgQuery<VectorPayload>(
      this.pool,
      `SELECT id, payload FROM ${VECTOR_TABLES[namespace]}
       WHERE workspace = $1 AND id = ANY($2::text[]) AND payload IS NOT NULL`,
      [workspace, ids],
    );
  }

  async get(workspace: string, namespace: VectorNamespace, ids: string[]): Promise<VectorItem[]> {
    if (ids.length === 0) return [];
    const rows = await pgQuery<{ id: string; embedding: string; payload: string | null }>(
      this.pool,
      `SELECT id, embedding::text AS embedding, payload FROM ${VECTOR_TABLES[namespace]}
       WHERE workspace = $1 AND id = ANY($2::text[])`,
      [workspace, ids],
    );
    return rows.map((row) => ({
      id: row.id,
      vector: fromText(row.embedding),
      ...(row.payload !== null && { payload: row.payload }),
    }));
  }

  async count(workspace: string, namespace: VectorNamespace): Promise<number> {
    const [row] = await pgQuery<{ n: number }>(
      this.pool,
      `SELECT count(*) AS n FROM ${VECTOR_TABLES[namespace]} WHERE workspace = $1`,
      [workspace],
    );
    return row?.n ?? 0;
  }

  async ids(workspace: string, namespace: VectorNamespace): Promise<string[]> {
    const rows = await pgQuery<{ id: string }>(
      this.pool,
      `SELECT id FROM ${VECTOR_TABLES[namespace]} WHERE workspace = $1 ORDER BY id COLLATE "C"`,
      [workspace],
    );
    return rows.map((row) => row.id);
  }

  async clear(workspace: string, namespace: VectorNamespace): Promise<void> {
    await this.pool.query(`DELETE FROM ${VECTOR_TABLES[namespace]} WHERE workspace = $1`, [workspace]);
  }
}
