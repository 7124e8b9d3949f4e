/** Users and their workspace memberships in D1. Usernames are compared lower-cased. */
import { and, asc, count, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { AppError } from "../../http/errors";
import { workspaces } from "../../storage/d1/schema";
import { apiKeys, memberships, users } from "../../storage/d1/schema-auth";
import { keysOwnedBy } from "../api-keys";
import type { Role } from "../principal";
import { normalizeUsername } from "../username";

/**
 * The error every account backend throws for a username that exists (409, as the API documents).
 *
 * @example
 * if (isUniqueViolation(error)) throw usernameTaken();
 */
export function usernameTaken(): AppError {
  return new AppError(409, "conflict", "That username is already taken");
}

export type UserRow = typeof users.$inferSelect;

/** What an API answer may show of a user: never the hash. */
export interface PublicUser {
  id: string;
  username: string;
  email: string | null;
  role: Role;
  disabled: boolean;
  workspaces: string[];
  created_at: string;
  last_login_at: string | null;
}

export function publicUser(user: UserRow, workspaceIds: string[]): PublicUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    role: user.role,
    disabled: user.disabled,
    workspaces: workspaceIds,
    created_at: user.createdAt.toISOString(),
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
  };
}

export { normalizeUsername };

export async function findUserByUsername(db: D1Database, username: string): Promise<UserRow | null> {
  const rows = await drizzle(db)
    .select()
    .from(users)
    .where(eq(users.username, normalizeUsername(username)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findUserById(db: D1Database, id: string): Promise<UserRow | null> {
  const rows = await drizzle(db).select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

export interface NewUser {
  username: string;
  email?: string | null | undefined;
  passwordHash: string;
  role: Role;
  workspaces: string[];
}

/**
 * Creates a user and their memberships in one batch (workspaces are created when missing);
 * 409 when the username is taken.
 */
export async function createUser(db: D1Database, input: NewUser): Promise<UserRow> {
  const orm = drizzle(db);
  const id = crypto.randomUUID();
  const username = normalizeUsername(input.username);
  const now = new Date();
  const row = {
    id,
    username,
    email: input.email ?? null,
    passwordHash: input.passwordHash,
    role: input.role,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  const spaces = [...new Set(input.workspaces)];
  try {
    await orm.batch([
      orm.insert(users).values(row),
      ...spaces.map((ws) => orm.insert(workspaces).values({ id: ws, displayName: ws }).onConflictDoNothing()),
      ...spaces.map((ws) => orm.insert(memberships).values({ userId: id, workspaceId: ws, createdAt: now })),
    ]);
  } catch (error) {
    if (String((error as Error)?.message ?? error).includes("UNIQUE")) {
      throw usernameTaken();
    }
    throw error;
  }
  return { ...row, lastLoginAt: null };
}

export async function setPasswordHash(db: D1Database, id: string, passwordHash: string): Promise<void> {
  await drizzle(db).update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id));
}

export async function touchLogin(db: D1Database, id: string): Promise<void> {
  await drizzle(db).update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, id));
}

export async function listUsers(db: D1Database, limit: number, offset: number): Promise<UserRow[]> {
  return drizzle(db).select().from(users).orderBy(asc(users.username)).limit(limit).offset(offset);
}

export async function updateUser(
  db: D1Database,
  id: string,
  changes: { role?: Role | undefined; disabled?: boolean | undefined; email?: string | null | undefined },
): Promise<void> {
  const set: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
  if (changes.role !== undefined) set.role = changes.role;
  if (changes.disabled !== undefined) set.disabled = changes.disabled;
  if (changes.email !== undefined) set.email = changes.email;
  await drizzle(db).update(users).set(set).where(eq(users.id, id));
}

export async function deleteUser(db: D1Database, id: string): Promise<void> {
  const orm = drizzle(db);
  // D1 enforces foreign keys, but be explicit so no membership outlives its user.
  // The user's API keys go with the account, and so do the keys those keys made, transitively:
  // a key must not outlive the person who made it.
  await orm.batch([
    orm.delete(apiKeys).where(keysOwnedBy(id)),
    orm.delete(memberships).where(eq(memberships.userId, id)),
    orm.delete(users).where(eq(users.id, id)),
  ]);
}

/** Enabled administrators: the last one may not be demoted, disabled or deleted. */
export async function countActiveAdmins(db: D1Database): Promise<number> {
  const rows = await drizzle(db)
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false)));
  return rows[0]?.n ?? 0;
}

export async function userWorkspaces(db: D1Database, userId: string): Promise<string[]> {
  const rows = await drizzle(db)
    .select({ ws: memberships.workspaceId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.workspaceId));
  return rows.map((row) => row.ws);
}

export async function isMember(db: D1Database, userId: string, workspace: string): Promise<boolean> {
  const rows = await drizzle(db)
    .select({ ws: memberships.workspaceId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspace)))
    .limit(1);
  return rows.length > 0;
}
