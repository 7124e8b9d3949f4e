/**
 * A small Upstash-compatible REST endpoint in front of a real redis-server, for tests and
 * benchmarks (no npm package provides one). It speaks what @upstash/redis sends:
 * `POST /` with one command as a JSON array, `POST /pipeline` and `POST /multi-exec` with an
 * array of commands, `Authorization: Bearer <token>`, and base64 string replies when the
 * client asks with `Upstash-Encoding: base64`.
 *
 * Run alone: `npx tsx scripts/upstash-rest-harness.ts [port] [redis-url]` (default port 8079, token `harness-token`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { default as RedisClient } from "ioredis";

// Node's own require: vitest's module runner (global setups, tests) mangles ioredis's CommonJS exports.
const Redis: typeof RedisClient = createRequire(import.meta.url)("ioredis");
type Redis = RedisClient;

export interface HarnessOptions {
  /** `redis://127.0.0.1:6379` by default, the server `.ci/services` starts. */
  redisUrl?: string;
  token?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface UpstashHarness {
  url: string;
  token: string;
  /** Commands received, for tests that check what the client sent. */
  readonly commandCount: number;
  close(): Promise<void>;
}

type Command = (string | number)[];
type Reply = { result: unknown } | { error: string };

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Starts the harness on 127.0.0.1; fails when redis does not answer.
 *
 * @example
 * const harness = await startUpstashHarness();
 * const redis = new Redis({ url: harness.url, token: harness.token });
 */
export async function startUpstashHarness(options: HarnessOptions = {}): Promise<UpstashHarness> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const token = options.token ?? "harness-token";
  const redis = await connectRedis(redisUrl);
  let commandCount = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "Unauthorized" });
    if (req.method !== "POST") return send(res, 405, { error: "Only POST is supported" });
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const body = await readJson(req);
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/" || path === "") {
      if (!isCommand(body)) return send(res, 400, { error: "ERR body must be a command array" });
      commandCount += 1;
      const reply = await run(body);
      return send(res, "error" in reply ? 400 : 200, encode(reply, base64));
    }
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return send(res, 400, { error: "ERR body must be an array of command arrays" });
      }
      commandCount += body.length;
      if (path === "/pipeline") {
        // One connection keeps the order; the commands are not atomic, as with Upstash.
        const replies = await Promise.all(body.map(run));
        return send(
          res,
          200,
          replies.map((reply) => encode(reply, base64)),
        );
      }
      const replies = await transaction(body);
      if ("error" in replies) return send(res, 400, replies);
      return send(
        res,
        200,
        replies.map((reply) => encode(reply, base64)),
      );
    }
    return send(res, 404, { error: `Unknown path ${path}` });
  }

  async function run(command: Command): Promise<Reply> {
    const [name, ...args] = command.map(String);
    try {
      return { result: await redis.callBuffer(name ?? "", ...args) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  async function transaction(commands: Command[]): Promise<Reply[] | { error: string }> {
    const multi = redis.multi();
    for (const command of commands) {
      const [name, ...args] = command.map(String);
      multi.callBuffer(name ?? "", ...args);
    }
    try {
      const results = (await multi.exec()) ?? [];
      return results.map(([error, result]) => (error ? { error: error.message } : { result }));
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get commandCount() {
      return commandCount;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

/**
 * Connects to redis-server and checks it answers; the error names the fix when it does not.
 *
 * @example
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 */
export async function connectRedis(redisUrl: string): Promise<Redis> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `redis-server does not answer at ${redisUrl}; run .ci/services (installs it from apt and starts it): ${String(error)}`,
    );
  }
}

function isCommand(value: unknown): value is Command {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((part) => typeof part === "string" || typeof part === "number")
  );
}

/** Redis replies to JSON: bulk and status strings as text, or base64 when asked ("OK" stays as is). */
function encode(reply: Reply, base64: boolean): Reply {
  if ("error" in reply) return reply;
  return { result: toJson(reply.result, base64) };
}

function toJson(value: unknown, base64: boolean): unknown {
  if (Buffer.isBuffer(value)) {
    const text = value.toString("utf8");
    if (!base64 || text === "OK") return text;
    return value.toString("base64");
  }
  if (Array.isArray(value)) return value.map((item) => toJson(item, base64));
  if (value === undefined) return null;
  return value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

// `npx tsx scripts/upstash-rest-harness.ts [port] [redis-url]`: run until interrupted.
if (process.argv[1]?.endsWith("upstash-rest-harness.ts")) {
  const port = Number(process.argv[2] ?? 8079);
  const harness = await startUpstashHarness({ port, redisUrl: process.argv[3] });
  console.log(`Upstash REST harness on ${harness.url} (token ${harness.token})`);
}
