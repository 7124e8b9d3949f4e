/**
 * The benchmarks' requests to `wrangler dev`: a request wrangler's proxy lost (a kept-alive
 * connection reset while a queue batch ran, answered 503 "Your worker restarted mid-request")
 * is sent again; any other answer, 503s included, is returned as it is.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEV_PROXY_DROP, devFetch } from "../../scripts/lib/dev-fetch";

let server: Server | undefined;

afterEach(() => server?.close());

/** A server answering with `answers` in turn (then 200 "ok"); returns its URL and the requests seen. */
async function serve(answers: Array<[number, string]>): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      bodies.push(body);
      const [status, text] = answers.shift() ?? [200, "ok"];
      res.writeHead(status).end(text);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/documents/texts`, bodies };
}

describe("devFetch", () => {
  it("sends a request wrangler's proxy dropped again, with the same body", async () => {
    const { url, bodies } = await serve([[503, `${DEV_PROXY_DROP}. Please try sending the request again.`]]);
    const res = await devFetch(url, { method: "POST", body: '{"texts":["a"]}' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    expect(bodies).toEqual(['{"texts":["a"]}', '{"texts":["a"]}']);
  });

  it("returns other 503s and errors as they are, and gives up after three drops", async () => {
    const other = await serve([[503, '{"error":"read_only"}']]);
    expect((await devFetch(other.url, { method: "POST", body: "x" })).status).toBe(503);
    expect(other.bodies).toHaveLength(1);
    server?.close();
    const drop: [number, string] = [503, DEV_PROXY_DROP];
    const dropped = await serve([drop, drop, drop, drop]);
    const res = await devFetch(dropped.url, { method: "POST", body: "x" });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain(DEV_PROXY_DROP);
    expect(dropped.bodies).toHaveLength(3);
  });

  it("gives up on an answer that never comes after the timeout, instead of hanging", async () => {
    server = createServer(() => {
      // never answers: wrangler's proxy parks a dropped GET until another request arrives
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/documents/status_counts`;
    await expect(devFetch(url, {}, { timeoutMs: 200, attempts: 2 })).rejects.toThrow(/no answer/);
  });
});
