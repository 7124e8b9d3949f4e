/**
 * The HTTP front of `npm start`: listens on the public address (127.0.0.1:9621) and hands every
 * request to the local runtime (workerd) on a connection of its own, which is closed after the
 * answer. It replaces wrangler dev's ProxyWorker as the hop between the client and the runtime.
 *
 * Why: wrangler's ProxyWorker (workerd's fetch) keeps its connections to the runtime alive and
 * reuses them; the runtime's HTTP server (kj) closes a kept-alive connection once 5 s have passed
 * since its last answer, and decides that only when its one thread next polls. On the local
 * runtime the Worker and every Durable Object share that thread, so under load it polls seconds
 * apart, and a request written on a kept-alive connection 1 s after its last answer is dropped
 * if the thread comes back after the 5 s mark: the connection is reset with the request unread
 * and wrangler answers `503 Your worker restarted mid-request` (docs/operations.md, "Why wrangler
 * dev answers 503"; `npx tsx bench/dev-proxy-503.ts --stall` shows it without the service). The
 * first request on a new connection has no such timer (it is answered however long the thread
 * was away), so a connection per request cannot meet the race. It costs one loopback connect per
 * request (≈ 0.1 ms).
 */
import http from "node:http";

/** Where the runtime listens and what the runtime's entry expects besides the request. */
export interface FrontTarget {
  /** e.g. `http://127.0.0.1:39123` (the runtime's entry socket). */
  origin: string;
  /** Extra request headers (wrangler's proxy secret, which lets the runtime trust MF-Original-URL). */
  headers: Record<string, string>;
}

export interface FrontOptions {
  /** The target of the moment; awaited per request, so a reload can hold requests until it is done. */
  target: () => Promise<FrontTarget>;
  /**
   * One line per answered request (`GET /x 200 OK (12ms)`); none when absent. The path only: a
   * query string may carry secrets, as the Worker's access log also never writes it.
   */
  log?: (line: string) => void;
}

/** Headers of one hop only (RFC 9110 §7.6.1): never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

/** `rawHeaders` ([name, value, name, value, …]) without hop-by-hop headers or the names in `drop`. */
function forwardable(raw: string[], drop: Set<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || drop.has(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * An HTTP server (not yet listening) that forwards each request to `target()` on a fresh
 * connection (`agent: false`, `Connection: close`), streaming both bodies, and answers 502 with
 * the JSON error envelope when the runtime cannot be reached.
 *
 * @example
 * const front = createLocalFront({ target: async () => ({ origin: "http://127.0.0.1:39123", headers: {} }) });
 * front.listen(9621, "127.0.0.1");
 */
export function createLocalFront(options: FrontOptions): http.Server {
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const logged = `${req.method} ${(req.url ?? "/").split("?")[0]}`;
    void options
      .target()
      .then((target) => {
        const upstream = new URL(target.origin);
        const host = req.headers.host ?? upstream.host;
        const headers = forwardable(
          req.rawHeaders,
          new Set(Object.keys(target.headers).map((k) => k.toLowerCase())),
        );
        for (const [name, value] of Object.entries(target.headers)) headers.push(name, value);
        // The URL the client asked for, as wrangler's ProxyWorker passes it (the runtime's entry rebuilds request.url from it).
        headers.push("MF-Original-URL", `http://${host}${req.url ?? "/"}`);
        const out = http.request({
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
        });
        out.on("response", (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardable(answer.rawHeaders));
          answer.pipe(res);
          answer.on("end", () =>
            options.log?.(
              `${logged} ${answer.statusCode} ${answer.statusMessage ?? ""} (${Math.round(performance.now() - started)}ms)`,
            ),
          );
          answer.on("error", () => res.destroy());
        });
        out.on("error", (error) => {
          options.log?.(`${logged} failed: ${error.message}`);
          if (res.headersSent) {
            res.destroy();
            return;
          }
          res.writeHead(502, { "Content-Type": "application/json" });
          res.end(
            JSON.stringify({ error: { code: "bad_gateway", message: "the local runtime did not answer" } }),
          );
        });
        // A client that gives up stops the runtime's request too.
        res.on("close", () => {
          if (!res.writableFinished) out.destroy();
        });
        req.pipe(out);
      })
      .catch((error: unknown) => {
        res.writeHead(503, { "Content-Type": "application/json", "Retry-After": "1" });
        res.end(
          JSON.stringify({
            error: { code: "starting", message: `the local runtime is not ready: ${String(error)}` },
          }),
        );
      });
  });
  // Kept-alive client connections are the client's business; idle ones may stay a while.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  return server;
}
