/**
 * Accounts and access control tables: users, workspace memberships, refresh tokens (hashed,
 * one family per login session), API keys (hashed) and the revocation list of access tokens.
 * docs/data-model.md describes each; docs/security.md the rules around them.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { workspaces } from "./schema";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Accounts. `username` is stored lower-cased; `password_hash` is a PHC scrypt string. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    /** viewer | user | admin (the API also accepts editor/administrator). */
    role: text("role", { enum: ["viewer", "user", "admin"] }).notNull(),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
    lastLoginAt: integer("last_login_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    uniqueIndex("users_username_unique").on(table.username),
    index("users_role_idx").on(table.role),
  ],
);

/** Which workspaces a user may act in; administrators may act in any. */
export const memberships = sqliteTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.workspaceId] }),
    index("memberships_workspace_idx").on(table.workspaceId),
  ],
);

/**
 * Opaque refresh tokens, stored as SHA-256. All tokens of one login share `family_id` (the
 * session id, `sid` in access tokens); presenting a used one revokes the whole family.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    familyId: text("family_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspace: text("workspace").notNull(),
    /** When the family started (the password login); the family never outlives REFRESH_TOKEN_TTL from here. */
    authTime: integer("auth_time", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    uniqueIndex("refresh_tokens_hash_unique").on(table.tokenHash),
    index("refresh_tokens_family_idx").on(table.familyId),
    index("refresh_tokens_user_idx").on(table.userId),
  ],
);

/** Machine credentials: shown once, stored as SHA-256, scoped to one role and one workspace. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, so people can tell keys apart in lists. */
    prefix: text("prefix").notNull(),
    role: text("role", { enum: ["viewer", "user", "admin"] }).notNull(),
    workspace: text("workspace").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (table) => [uniqueIndex("api_keys_hash_unique").on(table.keyHash)],
);

/**
 * Access tokens that must stop working before they expire: one session (`kind = session`,
 * subject = sid) or every token of a user issued before `revoked_at` (`kind = user`). Rows are
 * useless after `expires_at` (the longest access-token lifetime) and are swept.
 */
export const tokenRevocations = sqliteTable(
  "token_revocations",
  {
    kind: text("kind", { enum: ["session", "user"] }).notNull(),
    subject: text("subject").notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.subject] }),
    index("token_revocations_expiry_idx").on(table.expiresAt),
  ],
);
