/**
 * The Postgres connection of the Neon backend: a `Pool` of the Neon serverless driver (Postgres
 * over WebSocket, the only way out of a Worker without Hyperdrive), plus the two helpers every
 * adapter uses: one query, and a transaction on one pooled connection (where D1 uses a batch).
 *
 * A Worker cannot keep a WebSocket across requests, so a pool belongs to one entry point: the
 * composition root builds it per entry point, which ends it after its last use: after the
 * response body and every `waitUntil` task (docs/postgres.md, "Pool lifecycle").
 */
import { neonConfig, Pool, type PoolClient, types } from "@neondatabase/serverless";

export interface PgConnectionOptions {
  /** `postgres://user:password@host:port/db` (the `DATABASE_URL` secret). */
  connectionString: string;
  /**
   * Local WebSocket-to-TCP proxy (`127.0.0.1:5434/v2`, tools/pg-local); absent on Neon, whose
   * own proxy the driver finds from the host name. A local proxy speaks plain ws:// and
   * Postgres without TLS, so the driver's TLS and pipelining shortcuts are switched off.
   */
  wsProxy?: string;
  /** Connections per pool (one request rarely needs more than a few). */
  max?: number;
}

/** Anything a statement can run on: the pool, or the connection of an open transaction. */
export interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

// int8 (counts, unix-ms times) and numeric arrive as strings by default; every value this
// backend stores fits a double exactly (times are < 2^53 ms).
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const parsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return types.getTypeParser(oid, format);
  },
};

/**
 * A pool for one entry point; `end()` it when the entry point is done.
 *
 * @example
 * const pool = createPgPool({ connectionString: env.DATABASE_URL });
 * try { await pgQuery(pool, "SELECT 1"); } finally { ctx.waitUntil(pool.end()); }
 */
export function createPgPool(options: PgConnectionOptions): Pool {
  if (options.wsProxy) {
    // neonConfig is module-global: a process talks to one Postgres, so setting it per pool is safe.
    // The proxy learns the target from `address`, as Neon's own proxy does.
    neonConfig.wsProxy = (host, port) => `${options.wsProxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
  }
  return new Pool({
    connectionString: options.connectionString,
    max: options.max ?? 5,
    types: parsers,
  } as ConstructorParameters<typeof Pool>[0]);
}

/**
 * Rows of one statement (`$1`, `$2` … parameters).
 *
 * @example
 * const rows = await pgQuery<{ n: number }>(pool, "SELECT count(*) AS n FROM chunks WHERE workspace = $1", [ws]);
 */
export async function pgQuery<R>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  const result = await db.query<R>(text, values);
  return result.rows;
}

/**
 * Runs `work` in one transaction on one connection: committed when it resolves, rolled back
 * when it throws.
 *
 * @example
 * await pgTransaction(pool, async (tx) => { await tx.query("DELETE …"); await tx.query("INSERT …"); });
 */
export async function pgTransaction<T>(pool: Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client as unknown as Queryable);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A `Queryable` for stores that outlive one entry point (the LLM cache and token counter of the
 * providers, built once per isolate): each statement runs on a pool of its own, ended after it,
 * so no WebSocket is ever reused by another request. One connection per statement: fine for a
 * cache read or a counter beside an LLM call that takes seconds, not for the engine's stores
 * (they use the entry point's pool).
 *
 * @example
 * const cache = new PgLlmCache(pgPerStatement({ connectionString: config.DATABASE_URL }));
 */
export function pgPerStatement(options: PgConnectionOptions): Queryable {
  return {
    async query<R>(text: string, values?: unknown[]) {
      const pool = createPgPool({ ...options, max: 1 });
      try {
        return await pool.query<R & Record<string, unknown>>(text, values);
      } finally {
        await pool.end();
      }
    },
  };
}
