/**
 * Creates an administrator straight in D1, the CLI alternative to ADMIN_BOOTSTRAP_TOKEN:
 *
 *   ADMIN_PASSWORD='…12+ characters…' npx tsx scripts/create-admin.ts --username admin \
 *     [--email admin@example.com] [--workspace default] [--env local|staging|production] [--persist-to dir]
 *
 * The password comes from ADMIN_PASSWORD (never the command line), passes the policy, and is
 * hashed here with the production scrypt parameters; `wrangler d1 execute DB` inserts the row
 * (`--local` for `npm start`'s database, `--remote --env …` otherwise).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { adminInsertSql } from "../src/auth/bootstrap-sql";
import { hashPassword } from "../src/auth/password";
import { normalizePassword, passwordProblems } from "../src/auth/password-policy";
import { usernameSchema, workspaceSchema } from "../src/auth/schemas";
import { DEFAULT_PASSWORD_HASH_COST, DEFAULT_PASSWORD_HASH_PARALLELISM } from "../src/config/auth";

const { values } = parseArgs({
  options: {
    username: { type: "string" },
    email: { type: "string" },
    workspace: { type: "string", default: "default" },
    env: { type: "string", default: "local" },
    "persist-to": { type: "string" },
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

const passwordHash = await hashPassword(normalizePassword(password), {
  ln: DEFAULT_PASSWORD_HASH_COST,
  r: 8,
  p: DEFAULT_PASSWORD_HASH_PARALLELISM,
});
const sql = adminInsertSql({
  id: crypto.randomUUID(),
  username: username.data,
  email: values.email ?? null,
  passwordHash,
  workspace: workspace.data,
  now: Date.now(),
});
const persist = values["persist-to"] ? ["--persist-to", values["persist-to"]] : [];
const target = values.env === "local" ? ["--local", ...persist] : ["--remote", "--env", values.env ?? ""];
const wrangler = path.resolve(import.meta.dirname, "..", "node_modules", ".bin", "wrangler");
const run = spawnSync(wrangler, ["d1", "execute", "DB", ...target, "--command", sql], { stdio: "inherit" });
if (run.status !== 0) fail("wrangler d1 execute failed (is the username taken? are migrations applied?)");
console.log(`administrator ${username.data} created in workspace ${workspace.data} (${values.env})`);
