/**
 * The Ollama-compatible API (LightRAG's ollama_api.py), so Open WebUI and other Ollama clients
 * use the knowledge base as a model named `lightrag:latest`: `/api/version`, `/api/tags`,
 * `/api/ps`, `/api/chat` (a query, with LightRAG's `/mode` prefixes) and `/api/generate`
 * (straight to the query LLM, as LightRAG). Queries run through the same engine as `/query`.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { Config } from "../../config";
import { runQuery } from "../../rag/query/engine";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { readJsonBody } from "../json-body";
import { requestWorkspace } from "../workspace";
import { OPEN_WEBUI_TASK_MARKER, parseChatQuery } from "./ollama-prefix";
import { type DoneStats, ollamaReply, type ReplyShape } from "./ollama-reply";
import {
  type OllamaChatRequest,
  ollamaChatRequestSchema,
  ollamaGenerateRequestSchema,
} from "./ollama-schemas";
import { queryRequestSchema, toQueryParams } from "./query-request";
import { queryDeps, recordQuery } from "./query-service";

/** Ollama's version LightRAG reports; clients check it against their minimum. */
const OLLAMA_VERSION = "0.9.3";
/** LightRAG's fixed model facts (size and digest mean nothing here, but clients show them). */
const MODEL_CREATED_AT = "2024-01-15T00:00:00Z";
const MODEL_SIZE = 7_365_960_935;
const MODEL_DIGEST = "sha256:lightrag";

function modelName(config: Config): string {
  return `${config.OLLAMA_EMULATING_MODEL_NAME}:${config.OLLAMA_EMULATING_MODEL_TAG}`;
}

function modelDetails(family: string, parameterSize: string) {
  return {
    parent_model: "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: parameterSize,
    quantization_level: "Q4_0",
  };
}

const chatShape = (model: string): ReplyShape => ({
  chunk: (text) => ({
    model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: text, images: null },
    done: false,
  }),
  done: (text: string, stats: DoneStats) => ({
    model,
    created_at: new Date().toISOString(),
    message: { role: "assistant", content: text, images: null },
    done: true,
    ...stats,
  }),
});

const generateShape = (model: string): ReplyShape => ({
  chunk: (text) => ({ model, created_at: new Date().toISOString(), response: text, done: false }),
  done: (text: string, stats: DoneStats) => ({
    model,
    created_at: new Date().toISOString(),
    response: text,
    done: true,
    context: [],
    ...stats,
  }),
});

/** Earlier messages become LightRAG's `conversation_history` (sent to the LLM, never retrieved on). */
function chatHistory(body: OllamaChatRequest): { role: string; content: string }[] {
  const earlier = body.messages.slice(0, -1).map(({ role, content }) => ({ role, content }));
  return body.system ? [{ role: "system", content: body.system }, ...earlier] : earlier;
}

/** The chat's last user message as a LightRAG query request (same limits as `/query`). */
function chatQuery(body: OllamaChatRequest) {
  const last = body.messages.at(-1);
  if (last?.role !== "user") {
    throw new AppError(400, "bad_request", "The last message must have the role user");
  }
  const parsed = parseChatQuery(last.content);
  // Open WebUI's housekeeping (titles, tags) needs the model, not the knowledge base.
  const task = !body.stream && last.content.includes(OPEN_WEBUI_TASK_MARKER);
  const request = queryRequestSchema.safeParse({
    query: parsed.query,
    mode: task ? "bypass" : parsed.mode,
    only_need_context: parsed.onlyNeedContext,
    user_prompt: parsed.userPrompt,
    conversation_history: chatHistory(body),
    include_references: false,
  });
  if (!request.success) {
    throw new AppError(422, "validation_error", "Invalid chat request", {
      details: request.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  return request.data;
}

async function chat(c: Context<AppEnv>) {
  const started = performance.now();
  const body = await readJsonBody(c, ollamaChatRequestSchema);
  const request = chatQuery(body);
  const config = c.get("config");
  const workspace = requestWorkspace(c);
  const params = toQueryParams(request, config, body.stream);
  const run = await runQuery(queryDeps(c), workspace, request.query, params);
  recordQuery(c, workspace, params.mode, run.cacheHit);
  const prompt = body.messages.map((message) => message.content).join("\n");
  return ollamaReply(
    c,
    { stream: body.stream, response: run.response, prompt, started },
    chatShape(modelName(config)),
  );
}

async function generate(c: Context<AppEnv>) {
  const started = performance.now();
  const body = await readJsonBody(c, ollamaGenerateRequestSchema);
  const config = c.get("config");
  const workspace = requestWorkspace(c);
  const { llm } = queryDeps(c);
  const request = {
    role: "query" as const,
    system: body.system ?? undefined,
    messages: [{ role: "user" as const, content: body.prompt }],
    workspace,
  };
  const response = body.stream ? llm.stream(request) : (await llm.complete(request)).text;
  recordQuery(c, workspace, "bypass", false);
  return ollamaReply(
    c,
    { stream: body.stream, response, prompt: `${body.system ?? ""}\n${body.prompt}`, started },
    generateShape(modelName(config)),
  );
}

export const ollamaRoutes = new Hono<AppEnv>();

ollamaRoutes.get("/api/version", (c) => c.json({ version: OLLAMA_VERSION }));

ollamaRoutes.get("/api/tags", (c) => {
  const name = modelName(c.get("config"));
  const family = c.get("config").OLLAMA_EMULATING_MODEL_NAME;
  return c.json({
    models: [
      {
        name,
        model: name,
        modified_at: MODEL_CREATED_AT,
        size: MODEL_SIZE,
        digest: MODEL_DIGEST,
        details: modelDetails(family, "13B"),
      },
    ],
  });
});

ollamaRoutes.get("/api/ps", (c) => {
  const name = modelName(c.get("config"));
  return c.json({
    models: [
      {
        name,
        model: name,
        size: MODEL_SIZE,
        digest: MODEL_DIGEST,
        details: modelDetails("llama", "7.2B"),
        expires_at: "2050-12-31T14:38:31.83753-07:00",
        size_vram: MODEL_SIZE,
      },
    ],
  });
});

ollamaRoutes.post("/api/chat", chat);
ollamaRoutes.post("/api/generate", generate);
