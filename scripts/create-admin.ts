/**
 * Creates an administrator straight in the accounts' database, the CLI alternative to
 * ADMIN_BOOTSTRAP_TOKEN:
 *
 *   ADMIN_PASSWORD='…12+ characters…' npx tsx scripts/create-admin.ts --username admin \
 *     [--email admin@example.com] [--workspace default] [--env local|staging|production] [--persist-to dir]
 *   ADMIN_PASSWORD='…' DATABASE_URL=postgres://… [PG_WS_PROXY=127.0.0.1:5434/v2] \
 *     npx tsx scripts/create-admin.ts --storage neon --username admin [--email …] [--workspace default]
 *
 * The password comes from ADMIN_PASSWORD (never the command line), passes the policy, and is
 * hashed here with the production scrypt parameters. D1 (default, STORAGE_BACKEND=d1):
 * `wrangler d1 execute DB` inserts the rows (`--local` for `npm start`'s database, `--remote
 * --env …` otherwise). Postgres (`--storage neon`, for STORAGE_BACKEND=neon): the same
 * statements in Postgres' dialect, in one transaction over the Neon driver (as `npm run
 * db:migrate:pg` connects).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { neonConfig } from "@neondatabase/serverless";
import { WebSocket } from "ws";
import { adminInsertSql } from "../src/auth/bootstrap-sql";
import { hashPassword } from "../src/auth/password";
import { normalizePassword, passwordProblems } from "../src/auth/password-policy";
import { usernameSchema, workspaceSchema } from "../src/auth/schemas";
import { DEFAULT_PASSWORD_HASH_COST, DEFAULT_PASSWORD_HASH_PARALLELISM } from "../src/config/auth";
import { createPgPool, pgTransaction } from "../src/storage/neon/client";

const { values } = parseArgs({
  options: {
    username: { type: "string" },
    email: { type: "string" },
    workspace: { type: "string", default: "default" },
    env: { type: "string", default: "local" },
    "persist-to": { type: "string" },
    storage: { type: "string", default: "d1" },
  },
});

function fail(message: string): never {
  console.error(`create-admin: ${message}`);
  process.exit(1);
}

const username = usernameSchema.safeParse(values.username ?? "");
if (!username.success) fail(`--username ${username.error.issues[0]?.message ?? "is invalid"}`);
const workspace = workspaceSchema.safeParse(values.workspace);
if (!workspace.success) fail("--workspace must be letters, digits and underscores");
const password = process.env.ADMIN_PASSWORD ?? "";
const problems = passwordProblems(password, username.data);
if (problems.length > 0) fail(`ADMIN_PASSWORD ${problems.join("; ")}`);
if (!["local", "staging", "production"].includes(values.env ?? ""))
  fail("--env must be local, staging or production");
if (!["d1", "neon"].includes(values.storage ?? "")) fail("--storage must be d1 or neon (STORAGE_BACKEND)");
const databaseUrl = process.env.DATABASE_URL ?? "";
if (values.storage === "neon" && !databaseUrl) fail("--storage neon needs DATABASE_URL (postgres://…)");

const passwordHash = await hashPassword(normalizePassword(password), {
  ln: DEFAULT_PASSWORD_HASH_COST,
  r: 8,
  p: DEFAULT_PASSWORD_HASH_PARALLELISM,
});
const row = {
  id: crypto.randomUUID(),
  username: username.data,
  email: values.email ?? null,
  passwordHash,
  workspace: workspace.data,
  now: Date.now(),
};
if (values.storage === "neon") {
  // Node 20 has no global WebSocket; the driver takes the `ws` package's.
  neonConfig.webSocketConstructor = WebSocket;
  const pool = createPgPool({ connectionString: databaseUrl, wsProxy: process.env.PG_WS_PROXY || undefined });
  try {
    await pgTransaction(pool, async (tx) => {
      for (const statement of adminInsertSql(row, "postgres").split(";\n")) await tx.query(statement);
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(`Postgres refused the administrator: ${reason} (is the username taken? are migrations applied?)`);
  } finally {
    await pool.end();
  }
  console.log(`administrator ${username.data} created in workspace ${workspace.data} (Postgres)`);
  process.exit(0);
}
const sql = adminInsertSql(row);
const persist = values["persist-to"] ? ["--persist-to", values["persist-to"]] : [];
const target = values.env === "local" ? ["--local", ...persist] : ["--remote", "--env", values.env ?? ""];
const wrangler = path.resolve(import.meta.dirname, "..", "node_modules", ".bin", "wrangler");
const run = spawnSync(wrangler, ["d1", "execute", "DB", ...target, "--command", sql], { stdio: "inherit" });
if (run.status !== 0) fail("wrangler d1 execute failed (is the username taken? are migrations applied?)");
console.log(`administrator ${username.data} created in workspace ${workspace.data} (${values.env})`);
