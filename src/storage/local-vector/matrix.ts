/**
 * The vectors of one local index as rows of a single WebAssembly memory, scored against a
 * query with SIMD dot products (dot.wat): about nine times faster than a JavaScript loop over
 * separate arrays, which is what keeps a local-mode query's vector search well under 1 ms.
 *
 * Memory layout, in floats: [query: stride][rows: capacity x stride][scores: capacity].
 * Rows are zero-padded to `stride` (the dimension rounded up to 4 lanes).
 */
import dotModule from "./dot.wasm";

interface DotExports {
  memory: WebAssembly.Memory;
  scores(stride: number, count: number, query: number, rows: number, out: number): void;
}

const PAGE_BYTES = 65_536;
const FIRST_CAPACITY = 256;
/**
 * Growth per reallocation: a quarter, not double, because an object's memory (128 MB) is the
 * limit on how many vectors one index holds and wasm memory never shrinks.
 */
const GROWTH = 1.25;

export class VectorMatrix {
  private readonly wasm = new WebAssembly.Instance(dotModule, {}).exports as unknown as DotExports;
  private readonly ids: string[] = [];
  private readonly rowOf = new Map<string, number>();
  private stride = 0;
  private capacity = 0;
  /** 0 until the first vector fixes it. */
  dimension = 0;

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Every id, in row order. */
  keys(): string[] {
    return [...this.ids];
  }

  /**
   * Inserts or replaces the row of `id`; the first vector fixes the dimension.
   *
   * @example
   * matrix.set("chunk-1", normalize(vector));
   */
  set(id: string, vector: Float32Array): void {
    if (this.dimension === 0) this.reset(vector.length);
    if (vector.length !== this.dimension) {
      throw new Error(`vector ${id} has dimension ${vector.length}, index has ${this.dimension}`);
    }
    let row = this.rowOf.get(id);
    if (row === undefined) {
      if (this.ids.length === this.capacity) {
        this.grow(Math.max(FIRST_CAPACITY, Math.ceil(this.capacity * GROWTH)));
      }
      row = this.ids.length;
      this.ids.push(id);
      this.rowOf.set(id, row);
    }
    const values = this.row(row);
    values.set(vector);
    values.fill(0, this.dimension);
  }

  /** Removes `id` by moving the last row into its place. */
  delete(id: string): void {
    const row = this.rowOf.get(id);
    if (row === undefined) return;
    const last = this.ids.length - 1;
    if (row !== last) {
      const moved = this.ids[last] as string;
      this.row(row).set(this.row(last));
      this.ids[row] = moved;
      this.rowOf.set(moved, row);
    }
    this.ids.pop();
    this.rowOf.delete(id);
  }

  /** A copy of the stored vector of `id`. */
  get(id: string): Float32Array | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.row(row).slice(0, this.dimension);
  }

  /**
   * Calls `visit(id, score)` with the dot product of `query` and every row.
   *
   * @example
   * matrix.scan(normalize(query), (id, score) => best.offer(id, score));
   */
  scan(query: Float32Array, visit: (id: string, score: number) => void): void {
    const count = this.ids.length;
    if (count === 0) return;
    const floats = new Float32Array(this.wasm.memory.buffer);
    floats.fill(0, 0, this.stride);
    floats.set(query.subarray(0, this.dimension), 0);
    const scoresAt = this.stride * (1 + this.capacity);
    this.wasm.scores(this.stride, count, 0, this.stride * 4, scoresAt * 4);
    const scores = new Float32Array(this.wasm.memory.buffer, scoresAt * 4, count);
    for (let row = 0; row < count; row++) visit(this.ids[row] as string, scores[row] as number);
  }

  /** Dot products of `query` with the rows of `ids`, aligned with `ids` (NaN where an id is missing). */
  scoreOf(query: Float32Array, ids: string[]): Float64Array {
    const out = new Float64Array(ids.length).fill(Number.NaN);
    for (let at = 0; at < ids.length; at++) {
      const row = this.rowOf.get(ids[at] as string);
      if (row === undefined) continue;
      const values = this.row(row);
      let score = 0;
      for (let i = 0; i < this.dimension; i++) score += (query[i] as number) * (values[i] as number);
      out[at] = score;
    }
    return out;
  }

  /**
   * Room for `rows` rows of `dimension` at once (loading a stored index), so its memory is
   * allocated once and exactly; ignored once the dimension is fixed otherwise.
   *
   * @example
   * matrix.reserve(count, 384);
   */
  reserve(rows: number, dimension: number): void {
    if (this.dimension === 0) this.reset(dimension);
    if (dimension === this.dimension && rows > this.capacity) this.grow(rows);
  }

  /** Forgets every row; the next vector may have another dimension. */
  clear(): void {
    this.ids.length = 0;
    this.rowOf.clear();
    this.dimension = 0;
  }

  private reset(dimension: number): void {
    this.dimension = dimension;
    this.stride = Math.ceil(dimension / 4) * 4;
    this.capacity = 0;
    this.grow(FIRST_CAPACITY);
  }

  private row(row: number): Float32Array {
    const start = (1 + row) * this.stride;
    return new Float32Array(this.wasm.memory.buffer, start * 4, this.stride);
  }

  /** Room for `capacity` rows; rows keep their place, the score scratch moves after them. */
  private grow(capacity: number): void {
    const bytes = (this.stride * (1 + capacity) + capacity) * 4;
    const have = this.wasm.memory.buffer.byteLength;
    if (bytes > have) this.wasm.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    this.capacity = capacity;
  }
}
