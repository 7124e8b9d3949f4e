/**
 * Postgres tables of accounts and access control, the same tables, columns and indexes as D1's
 * (src/storage/d1/schema.ts `workspaces`, src/storage/d1/schema-auth.ts). Declared and migrated
 * (migrations-pg/0005_accounts.sql) ahead of their adapter: in this version accounts are still
 * read and written on D1 on every backend (docs/postgres.md, "What is on Postgres").
 * Times are unix ms in `bigint`.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

const time = (name: string) => bigint(name, { mode: "number" });
/** Now in unix ms, as D1's `unixepoch('subsec') * 1000` default. */
const nowMs = sql`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint`;

export const workspaces = pgTable("workspaces", {
  id: text("id").primaryKey(),
  displayName: text("display_name").notNull(),
  createdAt: time("created_at").notNull().default(nowMs),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    role: text("role").notNull(),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: time("created_at").notNull().default(nowMs),
    updatedAt: time("updated_at").notNull().default(nowMs),
    lastLoginAt: time("last_login_at"),
  },
  (t) => [uniqueIndex("users_username_unique").on(t.username), index("users_role_idx").on(t.role)],
);

export const memberships = pgTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdAt: time("created_at").notNull().default(nowMs),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.workspaceId] }),
    index("memberships_workspace_idx").on(t.workspaceId),
  ],
);

export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspace: text("workspace").notNull(),
    authTime: time("auth_time").notNull(),
    expiresAt: time("expires_at").notNull(),
    createdAt: time("created_at").notNull().default(nowMs),
    usedAt: time("used_at"),
    revokedAt: time("revoked_at"),
  },
  (t) => [
    uniqueIndex("refresh_tokens_hash_unique").on(t.tokenHash),
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_user_idx").on(t.userId),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    role: text("role").notNull(),
    workspace: text("workspace").notNull(),
    createdBy: text("created_by"),
    createdAt: time("created_at").notNull().default(nowMs),
    expiresAt: time("expires_at"),
    lastUsedAt: time("last_used_at"),
    revokedAt: time("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash)],
);

export const tokenRevocations = pgTable(
  "token_revocations",
  {
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    revokedAt: time("revoked_at").notNull(),
    expiresAt: time("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.subject] }),
    index("token_revocations_expiry_idx").on(t.expiresAt),
  ],
);
