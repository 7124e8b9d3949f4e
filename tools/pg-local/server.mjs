/**
 * A local Postgres with pgvector for tests and benches, without internet or a system Postgres:
 * PGlite (Postgres compiled to WASM) with its `vector` and `unaccent` extensions (the lexical
 * index folds diacritics with `unaccent`, migrations-pg/0001), served over the Postgres wire
 * protocol by pglite-socket, plus a WebSocket-to-TCP proxy so the Neon serverless driver (which
 * only speaks Postgres over WebSocket) reaches it from inside workerd, as it reaches Neon's own
 * proxy in production.
 *
 * PGlite is one single-user backend: pglite-socket accepts several connections but queues their
 * queries onto that one backend, so work is serialized. A transaction holds the backend for its
 * whole length; each client keeps its transactions short. Every request's services open a pool
 * of their own and end it when the request is done (src/runtime/invocation.ts).
 */
import { connect } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { WebSocketServer } from "ws";

/** Extended-protocol messages that open or continue a sequence ended by Sync ('S'). */
const SEQUENCE = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));
const SYNC = "S".charCodeAt(0);
const QUERY = "Q".charCodeAt(0);

/**
 * pglite-socket (0.x) queues each protocol message on its own and keeps the backend on one
 * connection only inside a transaction, so between one connection's Parse and its Execute
 * another connection's Parse could replace the unnamed prepared statement: under concurrent
 * load the first then failed with "unnamed prepared statement does not exist" (or, worse, ran
 * the other's statement). This replaces its queue's `processQueue` with the same loop that
 * also stays on a connection from its first extended-protocol message until its Sync.
 * `queue` is pglite-socket's QueryQueueManager (`server.queryQueue`); its fields are used as is.
 */
function keepExtendedQueriesWhole(queue, db) {
  let open = false; // the last connection served has an unfinished Parse … Sync sequence
  queue.processQueue = async function processQueue() {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        let item;
        if ((open || db.isInTransaction()) && this.lastHandlerId) {
          const index = this.queue.findIndex((q) => q.handlerId === this.lastHandlerId);
          if (index === -1) break; // its next message comes later; enqueue() calls again
          [item] = this.queue.splice(index, 1);
        } else item = this.queue.shift();
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          open = false;
          item.reject(error);
          continue;
        }
        const type = item.message[0];
        if (SEQUENCE.has(type)) open = true;
        else if (type === SYNC || type === QUERY) open = false;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  // A connection that goes away mid-sequence must not hold the backend.
  const clear = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId) => {
    if (queue.lastHandlerId === handlerId) open = false;
    await clear(handlerId);
    await queue.processQueue();
  };
}

/** Startup-phase request codes that are answered and followed by another startup packet. */
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = "X".charCodeAt(0);

/**
 * Follows the frames a client sends (the startup packet, then type byte + int32 length) and
 * reports the Terminate message. Postgres closes a connection on Terminate and Neon's proxy
 * then closes the WebSocket; pglite-socket keeps it open, and the Neon driver (1.2) never closes
 * the WebSocket itself on `end()` (its socket shim drops the callback of `write(data, cb)`, so
 * the `end()` after Terminate never runs): without this every ended pool stayed connected here.
 */
function terminateWatcher() {
  let started = false;
  let rest = Buffer.alloc(0);
  return (chunk) => {
    let buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    for (;;) {
      if (!started) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const code = buffer.readInt32BE(4);
        started = code !== SSL_REQUEST && code !== GSSENC_REQUEST;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) break;
      const type = buffer[0];
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) break;
      if (type === TERMINATE) return true;
      buffer = buffer.subarray(1 + length);
    }
    rest = Buffer.from(buffer);
    return false;
  };
}

/**
 * Starts PGlite, its TCP server and the WebSocket proxy; resolves once both listen.
 *
 * @example
 * const pg = await startPgLocal({ pgPort: 5433, wsPort: 5434 });
 * // DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5433/postgres, proxy ws://127.0.0.1:5434/v2
 * await pg.close();
 */
export async function startPgLocal({
  host = "127.0.0.1",
  pgPort = 5433,
  wsPort = 5434,
  dataDir,
  // Each entry point ends its pool and the proxy closes a connection on Terminate, so a test
  // file's peak is what its own concurrent pools hold (pg-stores.test.ts: under 100).
  maxConnections = 128,
} = {}) {
  const db = await PGlite.create({ dataDir, extensions: { vector, unaccent } });
  await db.exec("CREATE EXTENSION IF NOT EXISTS vector");
  const pg = new PGLiteSocketServer({ db, host, port: pgPort, maxConnections });
  keepExtendedQueriesWhole(pg.queryQueue, db);
  await pg.start();
  const wss = new WebSocketServer({ host, port: wsPort });
  wss.on("connection", (ws, request) => {
    // The Neon driver asks for `<proxy>/v2?address=<host>:<port>`; only the local server is allowed.
    const url = new URL(request.url ?? "/", "http://proxy");
    const address = url.searchParams.get("address") ?? `${host}:${pgPort}`;
    const [, port] = address.split(":");
    if (Number(port) !== pgPort) {
      ws.close(1008, "only the local Postgres is proxied");
      return;
    }
    const tcp = connect(pgPort, host);
    const pending = [];
    tcp.on("connect", () => {
      for (const chunk of pending.splice(0)) tcp.write(chunk);
    });
    tcp.on("data", (data) => ws.send(data));
    tcp.on("close", () => ws.close());
    tcp.on("error", () => ws.close());
    const terminates = terminateWatcher();
    ws.on("message", (data) => {
      const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (tcp.connecting) pending.push(chunk);
      else tcp.write(chunk);
      // As Postgres does: the connection ends with the client's Terminate.
      if (terminates(chunk)) {
        if (tcp.connecting) tcp.once("connect", () => tcp.end());
        else tcp.end();
        ws.close();
      }
    });
    ws.on("close", () => tcp.end());
    ws.on("error", () => tcp.destroy());
  });
  await new Promise((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", reject);
  });
  return {
    databaseUrl: `postgres://postgres:postgres@${host}:${pgPort}/postgres`,
    wsProxy: `${host}:${wsPort}/v2`,
    async close() {
      await new Promise((resolve) => wss.close(resolve));
      await pg.stop();
      await db.close();
    },
  };
}
