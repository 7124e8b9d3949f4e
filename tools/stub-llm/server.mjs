/**
 * A stub OpenAI-, Azure-, Anthropic- and Ollama-compatible LLM server for tests and benchmarks,
 * with Cohere/Jina (`/v1/rerank`, `/v2/rerank`) and Aliyun (`/api/v1/services/rerank/…`) rerankers.
 * Real HTTP on 127.0.0.1; deterministic outputs (model.mjs); configurable latency; injectable
 * faults per scope (429 with Retry-After, 5xx, hang, malformed output, cut streams).
 *
 * Scopes keep parallel tests apart: a base URL of `http://127.0.0.1:PORT/s/<scope>` gives a
 * scope its own fault queue, latency and request log.
 */
import http from "node:http";
import { embed, rerankScores, respond, tokens } from "./model.mjs";

const MALFORMED = {
  extract: "entity<|#|>Broken\nrelation<|#|>only-two\nthis line has no delimiters at all",
  other: "{not json at all",
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drops the connection mid-stream, after what was written has had time to reach the client. */
async function cutAfterFlush(res) {
  await sleep(100);
  res.destroy();
}

/** Text of an OpenAI/Anthropic content field, which may be a string or a list of parts. */
function textOf(content) {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("");
  return "";
}

/**
 * Starts the stub. Resolves once it listens; `port: 0` picks a free port.
 *
 * @param {{ port?: number, host?: string, latencyMs?: number, requireKey?: boolean }} [options]
 */
export async function startStubServer(options = {}) {
  const scopes = new Map();
  const sockets = new Set();
  const scopeOf = (name) => {
    let scope = scopes.get(name);
    if (!scope) {
      scope = { faults: [], latencyMs: undefined, requests: [] };
      scopes.set(name, scope);
    }
    return scope;
  };
  const defaults = { latencyMs: options.latencyMs ?? 0, requireKey: options.requireKey ?? true };

  function nextFault(scope, req) {
    const header = req.headers["x-stub-fault"];
    if (typeof header === "string" && header !== "") {
      return { kind: header, retryAfter: req.headers["x-stub-retry-after"] };
    }
    const fault = scope.faults[0];
    if (!fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) scope.faults.shift();
    return fault;
  }

  async function admin(req, res, path, name) {
    const scope = scopeOf(name);
    if (req.method === "POST" && path === "/__stub/faults") {
      const body = JSON.parse((await readBody(req)) || "{}");
      scope.faults.push(...(body.faults ?? []));
      return sendJson(res, 200, { scope: name, queued: scope.faults.length });
    }
    // The storm is over: faults not yet served are dropped (requests seen so far are kept).
    if (req.method === "DELETE" && path === "/__stub/faults") {
      const dropped = scope.faults.length;
      scope.faults = [];
      return sendJson(res, 200, { scope: name, dropped });
    }
    if (req.method === "POST" && path === "/__stub/config") {
      const body = JSON.parse((await readBody(req)) || "{}");
      if (body.latencyMs !== undefined) scope.latencyMs = Number(body.latencyMs);
      return sendJson(res, 200, { scope: name, latencyMs: scope.latencyMs ?? defaults.latencyMs });
    }
    if (req.method === "GET" && path === "/__stub/requests")
      return sendJson(res, 200, { requests: scope.requests });
    if (req.method === "POST" && path === "/__stub/reset") {
      scopes.delete(name);
      return sendJson(res, 200, { scope: name, reset: true });
    }
    return sendJson(res, 404, { error: "unknown stub admin route" });
  }

  /** Writes a fault response; returns true when the request is handled. */
  async function applyFault(fault, res, flavour) {
    if (!fault) return false;
    const kind = String(fault.kind);
    if (kind === "hang") {
      await new Promise((resolve) => res.on("close", resolve));
      return true;
    }
    if (/^\d{3}$/.test(kind)) {
      const headers = fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
      const body =
        flavour === "anthropic"
          ? {
              type: "error",
              error: {
                type: kind === "429" ? "rate_limit_error" : "api_error",
                message: `stub fault ${kind}`,
              },
            }
          : { error: { message: `stub fault ${kind}`, type: "stub_fault", code: kind } };
      sendJson(res, Number(kind), body, headers);
      return true;
    }
    if (kind === "bad_json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{ this is not json");
      return true;
    }
    return false;
  }

  async function chat(req, res, flavour, scope, body) {
    const fault = nextFault(scope, req);
    const system =
      flavour === "anthropic"
        ? textOf(body.system)
        : textOf((body.messages ?? []).find((m) => m.role === "system")?.content);
    const messages = (body.messages ?? [])
      .filter((m) => m.role !== "system")
      .map((m) => ({ role: m.role, content: textOf(m.content) }));
    const json = body.response_format?.type === "json_object" || body.format === "json";
    scope.requests.at(-1).fault = fault?.kind;
    if (await applyFault(fault, res, flavour)) return;
    let text = respond({ system, messages, json });
    if (fault?.kind === "malformed")
      text = text.includes("<|COMPLETE|>") ? MALFORMED.extract : MALFORMED.other;
    const usage = {
      prompt: tokens(system + messages.map((m) => m.content).join("\n")),
      completion: tokens(text),
    };
    const model = body.model ?? "stub";
    if (body.stream) return streamChat(res, flavour, model, text, usage, fault?.kind === "stream_cut", body);
    if (flavour === "anthropic") {
      return sendJson(res, 200, {
        id: "msg_stub",
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        usage: { input_tokens: usage.prompt, output_tokens: usage.completion },
      });
    }
    if (flavour === "ollama") {
      return sendJson(res, 200, {
        model,
        created_at: new Date(0).toISOString(),
        message: { role: "assistant", content: text },
        done: true,
        done_reason: "stop",
        prompt_eval_count: usage.prompt,
        eval_count: usage.completion,
      });
    }
    return sendJson(res, 200, {
      id: "chatcmpl-stub",
      object: "chat.completion",
      created: 0,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    });
  }

  async function streamChat(res, flavour, model, text, usage, cut, body) {
    const pieces = text.match(/\S+\s*|\s+/gu) ?? [""];
    if (flavour === "ollama") {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      for (const [i, piece] of pieces.entries()) {
        if (cut && i === 2) return cutAfterFlush(res);
        res.write(
          `${JSON.stringify({ model, message: { role: "assistant", content: piece }, done: false })}\n`,
        );
      }
      res.end(
        `${JSON.stringify({ model, message: { role: "assistant", content: "" }, done: true, prompt_eval_count: usage.prompt, eval_count: usage.completion })}\n`,
      );
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const event = (name, data) =>
      res.write(`${name ? `event: ${name}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
    if (flavour === "anthropic") {
      event("message_start", {
        type: "message_start",
        message: { id: "msg_stub", model, usage: { input_tokens: usage.prompt, output_tokens: 0 } },
      });
      event("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      });
      for (const [i, piece] of pieces.entries()) {
        if (cut && i === 2) return cutAfterFlush(res);
        event("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: piece },
        });
      }
      event("content_block_stop", { type: "content_block_stop", index: 0 });
      event("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: { output_tokens: usage.completion },
      });
      event("message_stop", { type: "message_stop" });
      return res.end();
    }
    for (const [i, piece] of pieces.entries()) {
      if (cut && i === 2) return cutAfterFlush(res);
      event(undefined, {
        id: "chatcmpl-stub",
        object: "chat.completion.chunk",
        model,
        choices: [{ index: 0, delta: { content: piece }, finish_reason: null }],
      });
    }
    event(undefined, {
      id: "chatcmpl-stub",
      object: "chat.completion.chunk",
      model,
      choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
    });
    if (body.stream_options?.include_usage) {
      event(undefined, {
        id: "chatcmpl-stub",
        object: "chat.completion.chunk",
        model,
        choices: [],
        usage: {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.completion,
          total_tokens: usage.prompt + usage.completion,
        },
      });
    }
    res.end("data: [DONE]\n\n");
  }

  async function embeddings(req, res, flavour, scope, body) {
    const fault = nextFault(scope, req);
    scope.requests.at(-1).fault = fault?.kind;
    if (await applyFault(fault, res, flavour)) return;
    const texts = Array.isArray(body.input) ? body.input : [String(body.input ?? "")];
    const dimension = Number(body.dimensions) > 0 ? Number(body.dimensions) : 384;
    const vectors = texts.map((text) => embed(String(text), dimension));
    if (fault?.kind === "malformed") vectors.pop();
    const promptTokens = tokens(texts.join(" "));
    if (flavour === "ollama")
      return sendJson(res, 200, { model: body.model, embeddings: vectors, prompt_eval_count: promptTokens });
    return sendJson(res, 200, {
      object: "list",
      model: body.model ?? "stub-embed",
      data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  async function rerank(req, res, flavour, scope, body) {
    const fault = nextFault(scope, req);
    scope.requests.at(-1).fault = fault?.kind;
    if (await applyFault(fault, res, flavour)) return;
    const aliyun = flavour === "aliyun";
    const query = String((aliyun ? body.input?.query : body.query) ?? "");
    const documents = (aliyun ? body.input?.documents : body.documents) ?? [];
    const topN = Number(aliyun ? body.parameters?.top_n : body.top_n);
    const texts = documents.map((d) => (typeof d === "string" ? d : String(d?.text ?? "")));
    const ranked = rerankScores(query, texts)
      .map((relevance_score, index) => ({ index, relevance_score }))
      .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index)
      .slice(0, topN > 0 ? topN : texts.length);
    if (fault?.kind === "malformed") return sendJson(res, 200, { results: "not a list" });
    if (aliyun)
      return sendJson(res, 200, {
        output: { results: ranked },
        usage: { total_tokens: tokens(texts.join(" ")) },
      });
    return sendJson(res, 200, {
      id: "stub-rerank",
      results: ranked,
      meta: { billed_units: { search_units: 1 } },
    });
  }

  const routes = [
    [/^\/v[12]\/rerank$/, rerank, "rerank"],
    [/^\/api\/v1\/services\/rerank\/text-rerank\/text-rerank$/, rerank, "aliyun"],
    [/^\/v1\/chat\/completions$/, chat, "openai"],
    [/^\/openai\/deployments\/[^/]+\/chat\/completions$/, chat, "openai"],
    [/^\/v1\/messages$/, chat, "anthropic"],
    [/^\/api\/chat$/, chat, "ollama"],
    [/^\/v1\/embeddings$/, embeddings, "openai"],
    [/^\/openai\/deployments\/[^/]+\/embeddings$/, embeddings, "openai"],
    [/^\/api\/embed$/, embeddings, "ollama"],
  ];

  async function handle(req, res) {
    const url = new URL(req.url ?? "/", "http://stub");
    let path = url.pathname;
    let name = "default";
    const scoped = /^\/s\/([^/]+)(\/.*)$/.exec(path);
    if (scoped) [, name, path] = scoped;
    if (path.startsWith("/__stub/")) return admin(req, res, path, url.searchParams.get("scope") ?? name);
    const route = routes.find(([pattern]) => pattern.test(path));
    if (!route || req.method !== "POST")
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    const [, handler, flavour] = route;
    const scope = scopeOf(name);
    const authorized = Boolean(
      req.headers.authorization || req.headers["x-api-key"] || req.headers["api-key"],
    );
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { error: { message: "request body is not JSON" } });
    }
    scope.requests.push({
      path,
      model: body.model,
      stream: Boolean(body.stream),
      at: Date.now(),
      authorized,
    });
    const latency = Number(req.headers["x-stub-latency-ms"] ?? scope.latencyMs ?? defaults.latencyMs);
    if (latency > 0) await sleep(latency);
    if (defaults.requireKey && flavour !== "ollama" && !authorized) {
      return sendJson(res, 401, { error: { message: "missing API key", type: "invalid_request_error" } });
    }
    return handler(req, res, flavour, scope, body);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error?.message ?? error) } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
