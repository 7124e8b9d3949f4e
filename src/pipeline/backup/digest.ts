/**
 * Content digests of a backup: per workspace and table (or vector namespace), one SHA-256-sized
 * value that depends only on the set of rows, not on their order, their column order or the
 * workspace they sit in. D1 pages by rowid and Postgres by primary key, so the files of the
 * same workspace differ in order between backends; their digests do not. A restore recomputes
 * the digest of what it wrote and compares (src/pipeline/backup/restore.ts), which is how a
 * move between backends is checked row for row, and verify.ts recomputes it from the files.
 */
import type { Row } from "./rows";

const MODULUS = 1n << 256n;

/** The canonical text of a row: its columns sorted by name, `skip` (the workspace column) left out. */
export function canonicalRow(row: Row, skip?: string): string {
  const out: Row = {};
  for (const column of Object.keys(row).sort()) if (column !== skip) out[column] = row[column];
  return JSON.stringify(out);
}

/**
 * Order-independent digest of many rows: the sum of each row's SHA-256, modulo 2^256 (rows are
 * unique by key, so a multiset sum is enough). Add rows with `add`, read with `hex`.
 *
 * @example
 * const d = new RowDigest(); await d.add(canonicalRow(row, "workspace")); d.hex();
 */
export class RowDigest {
  private sum = 0n;
  rows = 0;

  async add(canonical: string): Promise<void> {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
    let value = 0n;
    for (const byte of digest) value = (value << 8n) | BigInt(byte);
    this.sum = (this.sum + value) % MODULUS;
    this.rows += 1;
  }

  hex(): string {
    return this.sum.toString(16).padStart(64, "0");
  }
}
