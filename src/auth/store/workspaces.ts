/** Workspaces (the foundation's table) and who belongs to them, for the admin API. */
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { workspaces } from "../../storage/d1/schema";
import { memberships, users } from "../../storage/d1/schema-auth";

export interface WorkspaceView {
  id: string;
  display_name: string;
  created_at: string;
}

export async function listWorkspaces(db: D1Database): Promise<WorkspaceView[]> {
  const rows = await drizzle(db).select().from(workspaces).orderBy(asc(workspaces.id));
  return rows.map((row) => ({
    id: row.id,
    display_name: row.displayName,
    created_at: row.createdAt.toISOString(),
  }));
}

/** Creates a workspace; false when it already existed. */
export async function createWorkspace(db: D1Database, id: string, displayName: string): Promise<boolean> {
  const result = await drizzle(db).insert(workspaces).values({ id, displayName }).onConflictDoNothing().run();
  return (result.meta.changes ?? 0) > 0;
}

export async function workspaceExists(db: D1Database, id: string): Promise<boolean> {
  const rows = await drizzle(db)
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.id, id))
    .limit(1);
  return rows.length > 0;
}

export async function workspaceMembers(
  db: D1Database,
  id: string,
): Promise<{ user_id: string; username: string }[]> {
  return drizzle(db)
    .select({ user_id: users.id, username: users.username })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, id))
    .orderBy(asc(users.username));
}

/** Adds a membership; false when it already existed. */
export async function addMember(db: D1Database, workspace: string, userId: string): Promise<boolean> {
  const result = await drizzle(db)
    .insert(memberships)
    .values({ userId, workspaceId: workspace })
    .onConflictDoNothing()
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/** Removes a membership; false when there was none. */
export async function removeMember(db: D1Database, workspace: string, userId: string): Promise<boolean> {
  const result = await drizzle(db)
    .delete(memberships)
    .where(and(eq(memberships.workspaceId, workspace), eq(memberships.userId, userId)))
    .run();
  return (result.meta.changes ?? 0) > 0;
}
