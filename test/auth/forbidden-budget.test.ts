/**
 * Refused requests spend only the caller's own rate-limit budget: a viewer hammering a write
 * route it may not use (403) must not put the editors of its workspace at 429, while the viewer
 * itself, and anonymous callers (per address), are still limited.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { limitedEnv, send, uniqueIp } from "../ratelimit/helpers";
import { session, uniqueName } from "./helpers";

afterEach(() => vi.restoreAllMocks());

const WS = "LIGHTRAG-WORKSPACE";

const write = (headers: Record<string, string>, ip = uniqueIp()) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", "CF-Connecting-IP": ip, ...headers },
  body: JSON.stringify({ text: "Ada Lovelace wrote the first program.", file_source: "ada.txt" }),
});

describe("refused requests and the workspace's ingest budget", () => {
  it("125 forbidden writes of a viewer leave an editor's write of the same workspace at 200", async () => {
    // The default ingest limit of 120, as in the probe that found it, over a window long enough
    // that the bucket does not refill during the test (GCRA refills one request per window/limit).
    const limited = limitedEnv({ RATE_LIMIT_INGEST_LIMIT: "120", RATE_LIMIT_INGEST_WINDOW_SECONDS: "3600" });
    const workspace = uniqueName("ws_budget").replaceAll("-", "_");
    const viewer = (await session("viewer", [workspace])).headers;
    const editor = (await session("user", [workspace])).headers;
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 125; i++) {
      const res = await send(limited, "/documents/text", write({ ...viewer, [WS]: workspace }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // The viewer is refused, then limited on its own budget.
    expect(statuses.get(403)).toBe(120);
    expect(statuses.get(429)).toBe(5);
    const res = await send(limited, "/documents/text", write({ ...editor, [WS]: workspace }));
    expect(res.status).toBe(200);
  }, 60_000);

  it("a member naming a workspace it does not belong to spends only its own budget", async () => {
    const limited = limitedEnv({ RATE_LIMIT_INGEST_LIMIT: "3", RATE_LIMIT_INGEST_WINDOW_SECONDS: "3600" });
    const home = uniqueName("ws_home").replaceAll("-", "_");
    const stranger = (await session("user", [home])).headers;
    const editor = (await session("user", [home])).headers;
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await send(limited, "/documents/text", write({ ...stranger, [WS]: "someone_else" }));
      statuses.push(res.status);
    }
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    expect((await send(limited, "/documents/text", write(editor))).status).toBe(200);
  });

  it("still limits anonymous writes per address before anything else runs", async () => {
    const limited = limitedEnv({ RATE_LIMIT_INGEST_LIMIT: "2", RATE_LIMIT_INGEST_WINDOW_SECONDS: "3600" });
    const ip = uniqueIp();
    vi.spyOn(console, "log").mockImplementation(() => undefined);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(limited, "/documents/text", write({}, ip))).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
