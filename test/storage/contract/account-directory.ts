/**
 * Contract suite of the account directory (users, workspaces, memberships): D1 runs it in
 * d1-stores.test.ts, Postgres in pg-stores.test.ts. Names are unique per run, since a real
 * Postgres keeps rows between files; nothing here counts rows it did not write.
 */
import { describe, expect, it } from "vitest";
import type { AccountDirectory } from "../../../src/auth/store/directory";
import { AppError } from "../../../src/http/errors";

let counter = 0;
const unique = (label: string) => `${label}_${Date.now().toString(36)}_${counter++}`;

export function describeAccountDirectoryContract(name: string, make: () => AccountDirectory): void {
  describe(`account directory contract: ${name}`, () => {
    it("creates a user with memberships, finds it case-insensitively and refuses a taken name", async () => {
      const directory = make();
      const username = unique("Alice");
      const [wsA, wsB] = [unique("ws_b"), unique("ws_a")];
      const user = await directory.createUser({
        username,
        email: "a@example.com",
        passwordHash: "$scrypt$hash",
        role: "user",
        workspaces: [wsA, wsB, wsA],
      });
      expect(user).toMatchObject({ username: username.toLowerCase(), role: "user", disabled: false });
      const found = await directory.findUserByUsername(username.toUpperCase());
      expect(found).toEqual(user);
      expect(await directory.findUserById(user.id)).toEqual(user);
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(await directory.userWorkspaces(user.id)).toEqual([wsA, wsB].sort());
      expect(await directory.isMember(user.id, wsA)).toBe(true);
      expect(await directory.isMember(user.id, unique("nowhere"))).toBe(false);
      expect(await directory.workspaceExists(wsB)).toBe(true);
      const taken = directory.createUser({ username, passwordHash: "x", role: "viewer", workspaces: [] });
      await expect(taken).rejects.toBeInstanceOf(AppError);
      await expect(taken).rejects.toMatchObject({ status: 409 });
      expect(await directory.findUserByUsername(unique("nobody"))).toBeNull();
    });

    it("updates, counts administrators, records logins and deletes a user with their memberships", async () => {
      const directory = make();
      const ws = unique("ws");
      const admin = await directory.createUser({
        username: unique("root"),
        passwordHash: "h",
        role: "admin",
        workspaces: [ws],
      });
      const before = await directory.countActiveAdmins();
      await directory.updateUser(admin.id, { disabled: true, email: "root@example.com" });
      expect(await directory.countActiveAdmins()).toBe(before - 1);
      await directory.updateUser(admin.id, { disabled: false, role: "viewer" });
      expect(await directory.countActiveAdmins()).toBe(before - 1);
      await directory.setPasswordHash(admin.id, "h2");
      await directory.touchLogin(admin.id);
      const changed = await directory.findUserById(admin.id);
      expect(changed).toMatchObject({
        role: "viewer",
        disabled: false,
        email: "root@example.com",
        passwordHash: "h2",
      });
      expect(changed?.lastLoginAt).toBeInstanceOf(Date);
      await directory.deleteUser(admin.id);
      expect(await directory.findUserById(admin.id)).toBeNull();
      expect(await directory.workspaceMembers(ws)).toEqual([]);
      expect(await directory.workspaceExists(ws)).toBe(true);
    });

    it("lists users and members by name in byte order, and manages workspaces and memberships", async () => {
      const directory = make();
      const ws = unique("team");
      expect(await directory.createWorkspace(ws, "The team")).toBe(true);
      expect(await directory.createWorkspace(ws, "Again")).toBe(false);
      const tag = unique("m");
      // "_" (0x5F) sorts after digits and before letters in byte order.
      const names = [`${tag}_b`, `${tag}_a`, `${tag}9`];
      const ids: string[] = [];
      for (const username of names) {
        ids.push(
          (await directory.createUser({ username, passwordHash: "h", role: "user", workspaces: [] })).id,
        );
      }
      for (const id of ids) expect(await directory.addMember(ws, id)).toBe(true);
      expect(await directory.addMember(ws, ids[0] ?? "")).toBe(false);
      expect((await directory.workspaceMembers(ws)).map((m) => m.username)).toEqual([
        `${tag}9`,
        `${tag}_a`,
        `${tag}_b`,
      ]);
      expect(await directory.removeMember(ws, ids[0] ?? "")).toBe(true);
      expect(await directory.removeMember(ws, ids[0] ?? "")).toBe(false);
      const listed = (await directory.listWorkspaces()).find((w) => w.id === ws);
      expect(listed).toMatchObject({ id: ws, display_name: "The team" });
      expect(Number.isNaN(Date.parse(listed?.created_at ?? ""))).toBe(false);
      const users = await directory.listUsers(10_000, 0);
      const ours = users.map((u) => u.username).filter((n) => n.startsWith(tag));
      expect(ours).toEqual([`${tag}9`, `${tag}_a`, `${tag}_b`]);
      expect(await directory.listUsers(1, 0)).toHaveLength(1);
    });
  });
}
