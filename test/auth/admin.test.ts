import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, login, makeUser, PASSWORD, session, uniqueName } from "./helpers";

describe("admin API: users", () => {
  it("lists, creates, shows, changes and deletes users; never shows a hash", async () => {
    const { headers: admin } = await session("admin");
    const username = uniqueName("made");
    const created = await call(
      "/admin/users",
      json({ username, password: PASSWORD, role: "editor", email: "made@example.com" }, admin),
    );
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: string; role: string } };
    expect(user.role).toBe("user");

    const listed = await call("/admin/users?limit=200", { headers: admin });
    const text = await listed.text();
    expect(text).toContain(username);
    expect(text).not.toContain("$scrypt$");
    expect((await call("/admin/users?limit=0", { headers: admin })).status).toBe(422);

    expect(await (await call(`/admin/users/${user.id}`, { headers: admin })).json()).toMatchObject({
      user: { username, email: "made@example.com" },
    });
    const promoted = await call(`/admin/users/${user.id}`, json({ role: "administrator" }, admin, "PATCH"));
    expect(await promoted.json()).toMatchObject({ user: { role: "admin" } });
    expect((await call(`/admin/users/${user.id}`, json({}, admin, "PATCH"))).status).toBe(422);
    expect((await call(`/admin/users/${user.id}`, json({ role: "root" }, admin, "PATCH"))).status).toBe(422);

    expect((await call(`/admin/users/${user.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    expect((await call(`/admin/users/${user.id}`, { headers: admin })).status).toBe(404);
    expect((await call("/auth/login", json({ username, password: PASSWORD }))).status).toBe(401);
  });

  it("never leaves the service without an enabled administrator", async () => {
    const { user, headers } = await session("admin");
    await env.DB.prepare("UPDATE users SET disabled = 1 WHERE role = 'admin' AND id != ?")
      .bind(user.id)
      .run();
    expect((await call(`/admin/users/${user.id}`, json({ role: "viewer" }, headers, "PATCH"))).status).toBe(
      409,
    );
    expect((await call(`/admin/users/${user.id}`, json({ disabled: true }, headers, "PATCH"))).status).toBe(
      409,
    );
    expect((await call(`/admin/users/${user.id}`, { method: "DELETE", headers })).status).toBe(409);
    await env.DB.prepare("UPDATE users SET disabled = 0 WHERE role = 'admin'").run();
  });

  it("answers 404 for unknown users and 403 to non-administrators", async () => {
    const { headers: admin } = await session("admin");
    expect((await call("/admin/users/nope", { headers: admin })).status).toBe(404);
    expect((await call("/admin/users/nope/unlock", { method: "POST", headers: admin })).status).toBe(404);
    const { headers: viewer } = await session("viewer");
    for (const [method, path] of [
      ["GET", "/admin/users"],
      ["POST", "/admin/users"],
      ["DELETE", "/admin/users/x"],
      ["GET", "/admin/workspaces"],
      ["POST", "/admin/api-keys"],
    ] as const) {
      expect((await call(path, { method, headers: viewer })).status, `${method} ${path}`).toBe(403);
    }
  });
});

describe("admin API: workspaces and memberships", () => {
  it("creates workspaces, adds and removes members; membership grants access", async () => {
    const { headers: admin } = await session("admin");
    const id = uniqueName("team").replaceAll("-", "_");
    expect((await call("/admin/workspaces", json({ id, display_name: "Team" }, admin))).status).toBe(201);
    expect((await call("/admin/workspaces", json({ id }, admin))).status).toBe(409);
    expect((await call("/admin/workspaces", json({ id: "bad name!" }, admin))).status).toBe(422);
    const listed = (await (await call("/admin/workspaces", { headers: admin })).json()) as {
      workspaces: Array<{ id: string }>;
    };
    expect(listed.workspaces.map((ws) => ws.id)).toContain(id);

    const user = await makeUser("viewer");
    const before = await login(user);
    const denied = await call("/documents", {
      headers: { Authorization: `Bearer ${before.access_token}`, "LIGHTRAG-WORKSPACE": id },
    });
    expect(denied.status).toBe(403);

    expect((await call(`/admin/workspaces/${id}/members`, json({ user_id: user.id }, admin))).status).toBe(
      201,
    );
    expect((await call(`/admin/workspaces/${id}/members`, json({ user_id: user.id }, admin))).status).toBe(
      200,
    );
    expect((await call(`/admin/workspaces/${id}/members`, json({ user_id: "ghost" }, admin))).status).toBe(
      404,
    );
    expect((await call("/admin/workspaces/nope_ws/members", { headers: admin })).status).toBe(404);
    const members = await (await call(`/admin/workspaces/${id}/members`, { headers: admin })).json();
    expect(members).toMatchObject({ members: [{ user_id: user.id, username: user.username }] });

    const allowed = await call("/documents", {
      headers: { Authorization: `Bearer ${before.access_token}`, "LIGHTRAG-WORKSPACE": id },
    });
    expect(allowed.status).toBe(200);
    const inside = await login(user, id);
    expect(inside.workspace).toBe(id);

    const removed = await call(`/admin/workspaces/${id}/members/${user.id}`, {
      method: "DELETE",
      headers: admin,
    });
    expect(removed.status).toBe(200);
    expect(
      (await call(`/admin/workspaces/${id}/members/${user.id}`, { method: "DELETE", headers: admin })).status,
    ).toBe(404);
    expect(
      (await call("/auth/login", json({ username: user.username, password: PASSWORD, workspace: id })))
        .status,
    ).toBe(403);
  });
});
