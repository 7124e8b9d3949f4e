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

  /** Cosine similarity of `vector` to the stored vectors of `ids` (unknown ids skipped). */
  async score(ids: string[], vector: Float32Array): Promise<Scored[]> {
    const vectors = this.load();
    if (vectors.size === 0) return [];
    this.checkDimension(vectors, vector);
    return vectors.scoreOf(normalize(vector), ids);
  }

  /** Payloads stay in SQLite (not in memory): read by id, a few at a time. */
  async payloads(ids: string[]): Promise<{ id: string; payload: string }[]> {
    this.load();
    return this.ctx.storage.sql
      .exec<{ id: string; payload: string }>(
        "SELECT id, payload FROM vectors WHERE id IN (SELECT value FROM json_each(?)) AND payload IS NOT NULL",
        JSON.stringify(ids),
      )
      .toArray();
  }

  async get(ids: string[]): Promise<IndexedVector[]> {
    const vectors = this.load();
    const payloads = new Map((await this.payloads(ids)).map((row) => [row.id, row.payload]));
    const found: IndexedVector[] = [];
    for (const id of ids) {
      const vector = vectors.get(id);
      const payload = payloads.get(id);
      if (vector) found.push(payload === undefined ? { id, vector } : { id, vector, payload });
    }
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
