/**
 * The local vector index: one Durable Object per workspace and namespace, vectors in its
 * SQLite storage and, after the first call, as rows of a WebAssembly matrix in memory; exact
 * cosine top-k by a SIMD scan. It stands in for Vectorize where Vectorize cannot run
 * (wrangler dev, tests).
 */
import { DurableObject } from "cloudflare:workers";
import { normalize, type Scored, topK } from "./math";
import { VectorMatrix } from "./matrix";

export interface IndexedVector {
  id: string;
  vector: Float32Array;
  payload?: string;
}

export class VectorIndex extends DurableObject {
  private vectors: VectorMatrix | null = null;

  /** Loads every stored vector once; later calls reuse the in-memory matrix. */
  private load(): VectorMatrix {
    if (this.vectors) return this.vectors;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, v BLOB NOT NULL, payload TEXT)");
    // Indexes created before payloads existed get the column once.
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('vectors')").toArray();
    if (!columns.some((column) => column.name === "payload")) {
      sql.exec("ALTER TABLE vectors ADD COLUMN payload TEXT");
    }
    const vectors = new VectorMatrix();
    const stored = sql
      .exec<{ n: number; bytes: number | null }>("SELECT count(*) AS n, max(length(v)) AS bytes FROM vectors")
      .one();
    if (stored.n > 0 && stored.bytes) vectors.reserve(stored.n, stored.bytes / 4);
    for (const row of sql.exec<{ id: string; v: ArrayBuffer }>("SELECT id, v FROM vectors")) {
      vectors.set(row.id, new Float32Array(row.v.slice(0)));
    }
    this.vectors = vectors;
    return vectors;
  }

  /** Stores unit vectors; every vector of one index has the same dimension. */
  async upsert(items: IndexedVector[]): Promise<number> {
    const vectors = this.load();
    const prepared = items.map((item) => ({
      id: item.id,
      vector: normalize(item.vector),
      payload: item.payload ?? null,
    }));
    for (const { id, vector } of prepared) {
      const dimension = vectors.dimension || (prepared[0]?.vector.length ?? 0);
      if (vector.length !== dimension) {
        throw new Error(`vector ${id} has dimension ${vector.length}, index has ${dimension}`);
      }
    }
    this.ctx.storage.transactionSync(() => {
      for (const { id, vector, payload } of prepared) {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO vectors (id, v, payload) VALUES (?, ?, ?)",
          id,
          vector.buffer,
          payload,
        );
      }
    });
    for (const { id, vector } of prepared) vectors.set(id, vector);
    return vectors.size;
  }

  async remove(ids: string[]): Promise<number> {
    const vectors = this.load();
    this.ctx.storage.transactionSync(() => {
      for (const id of ids) this.ctx.storage.sql.exec("DELETE FROM vectors WHERE id = ?", id);
    });
    for (const id of ids) vectors.delete(id);
    return vectors.size;
  }

  async query(vector: Float32Array, k: number, threshold: number): Promise<Scored[]> {
    const vectors = this.load();
    if (vectors.size === 0) return [];
    this.checkDimension(vectors, vector);
    const unit = normalize(vector);
    return topK((visit) => vectors.scan(unit, visit), k, threshold);
  }

  /**
   * Cosine similarity of `vector` to the stored vectors of `ids`, aligned with `ids` (NaN for an
   * unknown id): the caller already holds the ids, so they do not travel back.
   */
  async score(ids: string[], vector: Float32Array): Promise<Float64Array> {
    const vectors = this.load();
    if (vectors.size === 0) return new Float64Array(ids.length).fill(Number.NaN);
    this.checkDimension(vectors, vector);
    return vectors.scoreOf(normalize(vector), ids);
  }

  /**
   * The payloads of `ids`, aligned with `ids` (null for an unknown id or one without a payload).
   * Payloads stay in SQLite (not in memory): read by id, a few at a time, in the order asked.
   */
  async payloads(ids: string[]): Promise<(string | null)[]> {
    this.load();
    const rows = this.ctx.storage.sql.exec<{ payload: string | null }>(
      `SELECT vectors.payload FROM json_each(?) AS asked
       LEFT JOIN vectors ON vectors.id = asked.value ORDER BY asked.key`,
      JSON.stringify(ids),
    );
    return Array.from(rows, (row) => row.payload);
  }

  async get(ids: string[]): Promise<IndexedVector[]> {
    const vectors = this.load();
    const payloads = await this.payloads(ids);
    const found: IndexedVector[] = [];
    ids.forEach((id, at) => {
      const vector = vectors.get(id);
      const payload = payloads[at];
      if (vector) found.push(payload == null ? { id, vector } : { id, vector, payload });
    });
    return found;
  }

  async ids(): Promise<string[]> {
    return this.load().keys().sort();
  }

  async count(): Promise<number> {
    return this.load().size;
  }

  async clear(): Promise<void> {
    this.load().clear();
    this.ctx.storage.sql.exec("DELETE FROM vectors");
  }

  private checkDimension(vectors: VectorMatrix, vector: Float32Array): void {
    if (vector.length !== vectors.dimension) {
      throw new Error(`query has dimension ${vector.length}, index has ${vectors.dimension}`);
    }
  }
}
