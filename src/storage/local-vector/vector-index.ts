/**
 * The local vector index: one Durable Object per workspace and namespace, vectors in its
 * SQLite storage, all of them in memory after the first call, exact cosine top-k by scan.
 * It stands in for Vectorize where Vectorize cannot run (wrangler dev, tests).
 */
import { DurableObject } from "cloudflare:workers";
import { normalize, type Scored, topK } from "./math";

export interface IndexedVector {
  id: string;
  vector: Float32Array;
}

export class VectorIndex extends DurableObject {
  private vectors: Map<string, Float32Array> | null = null;
  private dimension = 0;

  /** Loads every stored vector once; later calls reuse the in-memory map. */
  private load(): Map<string, Float32Array> {
    if (this.vectors) return this.vectors;
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, v BLOB NOT NULL)");
    const vectors = new Map<string, Float32Array>();
    for (const row of sql.exec<{ id: string; v: ArrayBuffer }>("SELECT id, v FROM vectors")) {
      const vector = new Float32Array(row.v.slice(0));
      vectors.set(row.id, vector);
      this.dimension = vector.length;
    }
    this.vectors = vectors;
    return vectors;
  }

  /** Stores unit vectors; every vector of one index has the same dimension. */
  async upsert(items: IndexedVector[]): Promise<number> {
    const vectors = this.load();
    const prepared = items.map((item) => ({ id: item.id, vector: normalize(item.vector) }));
    for (const { id, vector } of prepared) {
      const dimension = this.dimension || vector.length;
      if (vector.length !== dimension) {
        throw new Error(`vector ${id} has dimension ${vector.length}, index has ${dimension}`);
      }
    }
    this.ctx.storage.transactionSync(() => {
      for (const { id, vector } of prepared) {
        this.ctx.storage.sql.exec("INSERT OR REPLACE INTO vectors (id, v) VALUES (?, ?)", id, vector.buffer);
      }
    });
    for (const { id, vector } of prepared) {
      vectors.set(id, vector);
      this.dimension = vector.length;
    }
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
    if (vector.length !== this.dimension) {
      throw new Error(`query has dimension ${vector.length}, index has ${this.dimension}`);
    }
    return topK(normalize(vector), vectors, k, threshold);
  }

  async get(ids: string[]): Promise<IndexedVector[]> {
    const vectors = this.load();
    const found: IndexedVector[] = [];
    for (const id of ids) {
      const vector = vectors.get(id);
      if (vector) found.push({ id, vector });
    }
    return found;
  }

  async ids(): Promise<string[]> {
    return [...this.load().keys()].sort();
  }

  async count(): Promise<number> {
    return this.load().size;
  }

  async clear(): Promise<void> {
    this.load();
    this.ctx.storage.sql.exec("DELETE FROM vectors");
    this.vectors = new Map();
    this.dimension = 0;
  }
}
