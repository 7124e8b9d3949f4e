import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("health", () => {
  it("live answers without I/O", async () => {
    const res = await SELF.fetch("http://x/health/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });
  it("ready", async () => {
    const res = await SELF.fetch("http://x/health/ready");
    expect(res.status).toBe(200);
    console.log(await res.text(), Object.keys(env));
  });
});
