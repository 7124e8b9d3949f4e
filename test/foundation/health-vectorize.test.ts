import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { parseConfig } from "../../src/config";
import { FakeVectorizeIndex } from "../fakes/vectorize";

const app = createApp();

/** The test env switched to VECTOR_BACKEND=vectorize over three fakes. */
function vectorizeEnv(overrides: Record<string, unknown> = {}) {
  return {
    ...env,
    VECTOR_BACKEND: "vectorize",
    VECTORIZE_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
    VECTORIZE_API_TOKEN: "test-token",
    VECTORIZE_ENTITIES: new FakeVectorizeIndex({ dimensions: 8 }),
    VECTORIZE_RELATIONS: new FakeVectorizeIndex({ dimensions: 8 }),
    VECTORIZE_CHUNKS: new FakeVectorizeIndex({ dimensions: 8 }),
    ...overrides,
  };
}

describe("VECTOR_BACKEND=vectorize: config and health", () => {
  it("accepts vectorize with its bindings and settings, and /health/ready probes each index", async () => {
    const vars = vectorizeEnv();
    expect(parseConfig(vars).problems).toEqual([]);
    const res = await app.request("/health/ready", {}, vars);
    expect(res.status).toBe(200);
    const body = await res.json<{ checks: { name: string; status: string }[] }>();
    expect(body.checks.find((check) => check.name === "vectors")?.status).toBe("pass");
    expect((vars.VECTORIZE_CHUNKS as FakeVectorizeIndex).calls.describe).toBe(1);
  });

  it("refuses to start without a binding or setting, naming each one", async () => {
    const vars = vectorizeEnv({ VECTORIZE_CHUNKS: undefined, VECTORIZE_API_TOKEN: undefined });
    const { problems } = parseConfig(vars);
    expect(problems).toEqual([
      "VECTORIZE_CHUNKS: binding missing (VECTOR_BACKEND=vectorize needs a [[vectorize]] binding named VECTORIZE_CHUNKS)",
      "VECTORIZE_API_TOKEN: is required when VECTOR_BACKEND=vectorize (wrangler secret put VECTORIZE_API_TOKEN)",
    ]);
    expect((await app.request("/documents", {}, vars)).status).toBe(503);
    const ready = await app.request("/health/ready", {}, vars);
    expect(ready.status).toBe(503);
    const body = await ready.json<{ checks: { name: string; status: string; message?: string }[] }>();
    expect(body.checks.find((check) => check.name === "vectors")).toMatchObject({
      status: "fail",
      message: "VECTORIZE_CHUNKS binding missing",
    });
  });

  it("fails /health/ready and /health when an index does not answer", async () => {
    const broken = new FakeVectorizeIndex({ dimensions: 8 });
    broken.describe = () => Promise.reject(new Error("index not found"));
    const vars = vectorizeEnv({ VECTORIZE_RELATIONS: broken });
    const ready = await app.request("/health/ready", {}, vars);
    expect(ready.status).toBe(503);
    const body = await ready.json<{ checks: { name: string; status: string; message?: string }[] }>();
    expect(body.checks.find((check) => check.name === "vectors")).toMatchObject({
      status: "fail",
      message: "VECTORIZE_RELATIONS: index not found",
    });
    const deep = await (await app.request("/health", {}, vars)).json<{
      dependencies: { name: string; status: string }[];
    }>();
    expect(deep.dependencies.find((dep) => dep.name === "vectors")?.status).toBe("fail");
  });

  it("refuses pgvector without the Postgres it lives in, by name", () => {
    // pgvector is implemented now (STORAGE_BACKEND=neon); alone it has nowhere to keep vectors.
    const { problems } = parseConfig({ VECTOR_BACKEND: "pgvector" });
    expect(problems.find((p) => p.startsWith("VECTOR_BACKEND:"))).toMatch(/STORAGE_BACKEND=neon/);
  });
});
