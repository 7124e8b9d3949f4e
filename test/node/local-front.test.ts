/**
 * `npm start`'s front (scripts/lib/local-front.ts): every request reaches the runtime on a
 * connection of its own, so the runtime's 5 s idle close of kept-alive connections can never
 * drop one (docs/operations.md, "Why wrangler dev answers 503"), while the client keeps its own
 * connection alive. A plain Node server stands in for the runtime.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalFront } from "../../scripts/lib/local-front";

interface Seen {
  socket: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
let sockets = 0;
const upstream = http.createServer((req, res) => {
  const socket = (req.socket as unknown as { id: number }).id;
  let body = "";
  req.on("data", (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on("end", () => {
    seen.push({ socket, method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    res.writeHead(201, { "Content-Type": "text/plain", "X-Upstream": "yes", "Set-Cookie": ["a=1", "b=2"] });
    res.end(`echo ${req.method} ${req.url} ${body}`);
  });
});
upstream.on("connection", (socket) => {
  (socket as unknown as { id: number }).id = ++sockets;
});

let front: http.Server;
let base: string;
const logLines: string[] = [];

const listen = (server: http.Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  const upstreamPort = await listen(upstream);
  front = createLocalFront({
    target: async () => ({
      origin: `http://127.0.0.1:${upstreamPort}`,
      headers: { "MF-Proxy-Shared-Secret": "s3" },
    }),
    log: (line) => logLines.push(line),
  });
  base = `127.0.0.1:${await listen(front)}`;
});

afterAll(() => {
  front?.close();
  upstream.close();
});

/** One request on `agent` (keep-alive), resolved with the answer and whether the client reused its connection. */
function send(agent: http.Agent, method: string, pathName: string, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; reused: boolean }>(
    (resolve, reject) => {
      const [host, port] = base.split(":");
      const req = http.request({ host, port, method, path: pathName, agent }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, reused: req.reusedSocket }),
        );
      });
      req.on("error", reject);
      req.end(body);
    },
  );
}

describe("npm start's front", () => {
  it("sends each request to the runtime on a new connection while the client keeps one", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = seen.length;
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await send(agent, i % 2 ? "POST" : "GET", `/r${i}?q=${i}`, i % 2 ? `b${i}` : undefined));
    agent.destroy();
    const mine = seen.slice(before);
    expect(new Set(mine.map((s) => s.socket)).size).toBe(4);
    expect(mine.every((s) => s.headers.connection === "close")).toBe(true);
    expect(answers.slice(1).every((a) => a.reused)).toBe(true);
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(answers[1]?.text).toBe("echo POST /r1?q=1 b1");
  });

  it("passes the runtime's secret and the client's URL, and no hop-by-hop headers either way", async () => {
    const agent = new http.Agent({ keepAlive: true });
    const before = seen.length;
    const answer = await send(agent, "GET", "/x/y?z=1");
    agent.destroy();
    const request = seen[before] as Seen;
    expect(request.headers["mf-proxy-shared-secret"]).toBe("s3");
    expect(request.headers["mf-original-url"]).toBe(`http://${base}/x/y?z=1`);
    expect(answer.headers["x-upstream"]).toBe("yes");
    expect(answer.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(answer.headers.connection).toBe("keep-alive");
  });

  it("logs each request by its path, never its query string", async () => {
    const agent = new http.Agent({ keepAlive: true });
    const before = logLines.length;
    const answer = await send(agent, "GET", "/documents?api_key=lrk_secret&token=t0ken");
    agent.destroy();
    expect(answer.text).toContain("api_key=lrk_secret");
    await expect.poll(() => logLines.length).toBeGreaterThan(before);
    const line = logLines.slice(before).join("\n");
    expect(line).toMatch(/^GET \/documents 201 /);
    expect(line).not.toMatch(/lrk_secret|t0ken|\?/);
  });

  it("answers 502 with the error envelope when the runtime cannot be reached", async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    closed.close();
    const dead = createLocalFront({
      target: async () => ({ origin: `http://127.0.0.1:${port}`, headers: {} }),
    });
    const deadPort = await listen(dead);
    try {
      const res = await fetch(`http://127.0.0.1:${deadPort}/health`);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bad_gateway");
    } finally {
      dead.close();
    }
  });
});
