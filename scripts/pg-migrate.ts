/**
 * Applies migrations-pg/ and the HNSW index of EMBEDDING_DIM to the Postgres of DATABASE_URL:
 * `DATABASE_URL=postgres://… npm run db:migrate:pg` (Neon), or against the local server
 * (`PG_WS_PROXY=127.0.0.1:5434/v2 DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5433/postgres`).
 */
import path from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { createPgPool } from "../src/storage/neon/client";
import { migratePg } from "../src/storage/neon/migrate";
import { readPgMigrations } from "./pg-migrations";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required (postgres://user:password@host/db)");
  process.exit(2);
}
// Node 20 has no global WebSocket; the driver takes the `ws` package's.
neonConfig.webSocketConstructor = WebSocket;
const pool = createPgPool({ connectionString: url, wsProxy: process.env.PG_WS_PROXY || undefined });
try {
  const applied = await migratePg(
    pool,
    readPgMigrations(path.join(import.meta.dirname, "..", "migrations-pg")),
    {
      embeddingDim: Number(process.env.EMBEDDING_DIM ?? 384),
    },
  );
  console.log(applied.length > 0 ? `applied ${applied.join(", ")}` : "already up to date");
} finally {
  await pool.end();
}
