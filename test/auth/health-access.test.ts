/**
 * The deep `/health` with accounts on: anonymous callers get the global health only, whatever
 * `LIGHTRAG-WORKSPACE` they send, and no workspace's coordinator is woken for them; a member of
 * the workspace sees its pipeline state.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import type { Env } from "../../src/env";
import { session, uniqueName } from "./helpers";

const app = createApp();
const WS = "LIGHTRAG-WORKSPACE";

/** The test env with a coordinator namespace that records which workspaces were addressed. */
function recordingEnv(): { testEnv: Env; addressed: string[] } {
  const addressed: string[] = [];
  const coordinator = new Proxy(env.COORDINATOR, {
    get(target, property, receiver) {
      if (property === "idFromName") {
        return (name: string) => {
          addressed.push(name);
          return target.idFromName(name);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { testEnv: { ...env, COORDINATOR: coordinator } as Env, addressed };
}

describe("GET /health with AUTH_ENABLED=true", () => {
  it("shows an anonymous caller no workspace state and wakes no coordinator", async () => {
    const { testEnv, addressed } = recordingEnv();
    const res = await app.request("/health", { headers: { [WS]: "some_other_tenant" } }, testEnv);
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: "healthy", auth_mode: "enabled" });
    expect(body).not.toHaveProperty("workspace");
    expect(body).not.toHaveProperty("pipeline_busy");
    expect(body).not.toHaveProperty("pipeline_active");
    expect(JSON.stringify(body)).not.toContain("some_other_tenant");
    expect(addressed).toEqual([]);
  });

  it("shows a member the pipeline state of the workspace it names", async () => {
    const workspace = uniqueName("ws_health").replaceAll("-", "_");
    const member = (await session("viewer", ["default", workspace])).headers;
    const { testEnv, addressed } = recordingEnv();
    const res = await app.request("/health", { headers: { ...member, [WS]: workspace } }, testEnv);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ workspace, pipeline_busy: false, pipeline_active: false });
    expect(addressed).toEqual([workspace]);
  });

  it("refuses a signed-in caller who names a workspace it is not a member of", async () => {
    const member = (await session("viewer", ["default"])).headers;
    const { testEnv, addressed } = recordingEnv();
    const res = await app.request("/health", { headers: { ...member, [WS]: "not_mine" } }, testEnv);
    expect(res.status).toBe(403);
    expect(addressed).toEqual([]);
  });
});
