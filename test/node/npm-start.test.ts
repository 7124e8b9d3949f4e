/**
 * The newcomer's path: `npm start` applies the local migrations and serves the Worker with
 * embedded defaults, no account and no network. Runs the real command on a spare port.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../scripts/lib/dev-server";

const PORT = 9721;
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({
    command: ["npm", "start", "--", "--port", String(PORT), "--inspector-port", String(PORT + 100)],
    port: PORT,
  });
  console.info(`npm start ready in ${server.startupMs} ms`);
}, 120_000);

afterAll(() => server?.stop());

describe("npm start", () => {
  it("serves a ready service with the local defaults", async () => {
    const res = await fetch(`${server.base}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: { name: string; status: string }[] };
    expect(body.status).toBe("ready");
    expect(body.checks.every((check) => check.status === "pass")).toBe(true);
  });

  it("reports the development environment in open mode on /health", async () => {
    const body = (await (await fetch(`${server.base}/health`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "healthy", environment: "development", auth_mode: "disabled" });
  });

  it("answers unknown routes with the JSON error envelope", async () => {
    const res = await fetch(`${server.base}/definitely/not/here`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("serves the static web page from public/", async () => {
    const res = await fetch(`${server.base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("lightrag-edge");
  });

  it("runs cron handlers through --test-scheduled", async () => {
    const res = await fetch(`${server.base}/__scheduled?cron=*/15+*+*+*+*`);
    expect(res.status).toBe(200);
  });
});
