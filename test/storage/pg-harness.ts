/**
 * The local Postgres of .ci/services for workerd tests: its address (from the global setup),
 * pools that each test ends, and the migrations applied once per file.
 */
import { env } from "cloudflare:test";
import type { Pool } from "@neondatabase/serverless";
import { afterEach, beforeAll, inject } from "vitest";
import { createPgPool } from "../../src/storage/neon/client";
import { migratePg } from "../../src/storage/neon/migrate";

function endpoint() {
  const found = inject("postgres");
  if ("error" in found) throw new Error(`local Postgres unavailable: ${found.error}`);
  return found;
}

/**
 * Registers the file's hooks and returns its pool factory. A pool's WebSockets belong to the
 * test that opened them (workerd's I/O context), so every test gets its own pools, ended after it.
 *
 * @example
 * const pool = usePgPools();
 * it("reads", async () => { await pgQuery(pool(), "SELECT 1"); });
 */
export function usePgPools(): () => Pool {
  const pools: Pool[] = [];
  const pool = (): Pool => {
    const { databaseUrl, wsProxy } = endpoint();
    const created = createPgPool({ connectionString: databaseUrl, wsProxy });
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });
  beforeAll(async () => {
    const migrations = pool();
    await migratePg(migrations, env.TEST_PG_MIGRATIONS, { embeddingDim: 384 });
    await migrations.end();
    pools.length = 0;
  }, 120_000);
  return pool;
}

/** The local Postgres address, for tests that build config from it. */
export const pgEndpoint = endpoint;
