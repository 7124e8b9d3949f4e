/**
 * The account directory as a port: users, workspaces and memberships, with the same methods as
 * the D1 functions of `users.ts` and `workspaces.ts` minus the database argument. D1
 * (`D1AccountDirectory`, below) and Postgres (src/storage/neon/accounts.ts) implement it and run
 * one contract suite (test/storage/contract/account-directory.ts). Not wired yet: the auth
 * routes still call the D1 functions (docs/postgres.md, "What is on Postgres").
 */
import type { Role } from "../principal";
import {
  countActiveAdmins,
  createUser,
  deleteUser,
  findUserById,
  findUserByUsername,
  isMember,
  listUsers,
  type NewUser,
  setPasswordHash,
  touchLogin,
  type UserRow,
  updateUser,
  userWorkspaces,
} from "./users";
import {
  addMember,
  createWorkspace,
  listWorkspaces,
  removeMember,
  type WorkspaceView,
  workspaceExists,
  workspaceMembers,
} from "./workspaces";

export type { NewUser, UserRow, WorkspaceView };

export interface UserChanges {
  role?: Role | undefined;
  disabled?: boolean | undefined;
  email?: string | null | undefined;
}

/** Users (usernames compared lower-cased), workspaces and who belongs where. */
export interface AccountDirectory {
  findUserByUsername(username: string): Promise<UserRow | null>;
  findUserById(id: string): Promise<UserRow | null>;
  /** The user and their memberships at once (missing workspaces created); 409 when the name is taken. */
  createUser(input: NewUser): Promise<UserRow>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  touchLogin(id: string): Promise<void>;
  /** Ordered by username. */
  listUsers(limit: number, offset: number): Promise<UserRow[]>;
  updateUser(id: string, changes: UserChanges): Promise<void>;
  /** The user, their memberships and every API key they made (transitively), together. */
  deleteUser(id: string): Promise<void>;
  countActiveAdmins(): Promise<number>;
  /** Ordered by workspace id. */
  userWorkspaces(userId: string): Promise<string[]>;
  isMember(userId: string, workspace: string): Promise<boolean>;
  /** Ordered by id. */
  listWorkspaces(): Promise<WorkspaceView[]>;
  /** False when it already existed. */
  createWorkspace(id: string, displayName: string): Promise<boolean>;
  workspaceExists(id: string): Promise<boolean>;
  /** Ordered by username. */
  workspaceMembers(id: string): Promise<{ user_id: string; username: string }[]>;
  /** False when it already existed. */
  addMember(workspace: string, userId: string): Promise<boolean>;
  /** False when there was none. */
  removeMember(workspace: string, userId: string): Promise<boolean>;
}

/**
 * The D1 directory: the functions of `users.ts` and `workspaces.ts`, bound to one database.
 *
 * @example
 * const user = await new D1AccountDirectory(env.DB).findUserByUsername("alice");
 */
export class D1AccountDirectory implements AccountDirectory {
  constructor(private readonly db: D1Database) {}

  findUserByUsername(username: string) {
    return findUserByUsername(this.db, username);
  }
  findUserById(id: string) {
    return findUserById(this.db, id);
  }
  createUser(input: NewUser) {
    return createUser(this.db, input);
  }
  setPasswordHash(id: string, passwordHash: string) {
    return setPasswordHash(this.db, id, passwordHash);
  }
  touchLogin(id: string) {
    return touchLogin(this.db, id);
  }
  listUsers(limit: number, offset: number) {
    return listUsers(this.db, limit, offset);
  }
  updateUser(id: string, changes: UserChanges) {
    return updateUser(this.db, id, changes);
  }
  deleteUser(id: string) {
    return deleteUser(this.db, id);
  }
  countActiveAdmins() {
    return countActiveAdmins(this.db);
  }
  userWorkspaces(userId: string) {
    return userWorkspaces(this.db, userId);
  }
  isMember(userId: string, workspace: string) {
    return isMember(this.db, userId, workspace);
  }
  listWorkspaces() {
    return listWorkspaces(this.db);
  }
  createWorkspace(id: string, displayName: string) {
    return createWorkspace(this.db, id, displayName);
  }
  workspaceExists(id: string) {
    return workspaceExists(this.db, id);
  }
  workspaceMembers(id: string) {
    return workspaceMembers(this.db, id);
  }
  addMember(workspace: string, userId: string) {
    return addMember(this.db, workspace, userId);
  }
  removeMember(workspace: string, userId: string) {
    return removeMember(this.db, workspace, userId);
  }
}
