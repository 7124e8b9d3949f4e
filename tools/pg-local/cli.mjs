#!/usr/bin/env node
/**
 * Runs the local Postgres (PGlite + pgvector) and its WebSocket proxy in the foreground:
 * `node tools/pg-local/cli.mjs --pg-port 5433 --ws-port 5434`. `.ci/services` starts it in the
 * background with a pid file (/tmp/lightrag-edge-pg.pid) and a log (/tmp/lightrag-edge-pg.log).
 * In-memory by default (tests need no persistence); `--data-dir` keeps a database on disk.
 */
import { parseArgs } from "node:util";
import { startPgLocal } from "./server.mjs";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    "pg-port": { type: "string", default: "5433" },
    "ws-port": { type: "string", default: "5434" },
    "data-dir": { type: "string" },
    // Concurrent connections: each request, batch or cron run ends its pool, so this bounds load, not history.
    "max-connections": { type: "string", default: "128" },
  },
});

const server = await startPgLocal({
  host: values.host,
  pgPort: Number(values["pg-port"]),
  wsPort: Number(values["ws-port"]),
  dataDir: values["data-dir"],
  maxConnections: Number(values["max-connections"]),
});
console.log(`local Postgres on ${server.databaseUrl}, WebSocket proxy ws://${server.wsProxy}`);
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
