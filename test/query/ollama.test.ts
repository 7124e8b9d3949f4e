/**
 * The Ollama-compatible API through the app: model listing, chat with LightRAG's prefixes
 * (answers identical to `/query` in the same mode), `/context`, `/bypass`, generate, NDJSON
 * streams ending in Ollama's `done: true` line, and errors in the JSON envelope.
 */
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { parseChatQuery } from "../../src/http/routes/ollama-prefix";
import {
  ollamaChatChunkSchema,
  ollamaChatResponseSchema,
  ollamaGenerateChunkSchema,
  ollamaGenerateResponseSchema,
  ollamaPsResponseSchema,
  ollamaTagsResponseSchema,
  ollamaVersionResponseSchema,
} from "../../src/http/routes/ollama-schemas";
import { loadTokenizer } from "../../src/rag/query/tokens";
import { seedCorpus } from "./corpus";
import { get, post } from "./helpers";

const WS = "q_ollama";
const QUESTION = "Who founded Acme Corporation?";

beforeAll(async () => {
  await seedCorpus(WS);
  await loadTokenizer();
}, 60_000);

function chat(content: string, extra: Record<string, unknown> = {}) {
  return post("/api/chat", { model: "lightrag:latest", messages: [{ role: "user", content }], ...extra }, WS);
}

async function lines(response: Response): Promise<Record<string, unknown>[]> {
  expect(response.headers.get("content-type")).toBe("application/x-ndjson");
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function queryAnswer(body: Record<string, unknown>): Promise<string> {
  const response = await post("/query", { query: QUESTION, ...body }, WS);
  return ((await response.json()) as { response: string }).response;
}

describe("parseChatQuery", () => {
  it("reads LightRAG's prefixes and bracketed user prompts", () => {
    expect(parseChatQuery("/local  Who?")).toEqual({
      query: "Who?",
      mode: "local",
      onlyNeedContext: false,
      userPrompt: null,
    });
    expect(parseChatQuery("/global[use a table] Who?")).toMatchObject({
      query: "Who?",
      mode: "global",
      userPrompt: "use a table",
    });
    expect(parseChatQuery("/[be brief] Who?")).toMatchObject({
      query: "Who?",
      mode: "mix",
      userPrompt: "be brief",
    });
    expect(parseChatQuery("/context Who?")).toMatchObject({ mode: "mix", onlyNeedContext: true });
    expect(parseChatQuery("/naivecontext Who?")).toMatchObject({ mode: "naive", onlyNeedContext: true });
    expect(parseChatQuery("/bypass Hi there")).toMatchObject({ query: "Hi there", mode: "bypass" });
    expect(parseChatQuery("/localish Who?")).toMatchObject({ query: "/localish Who?", mode: "mix" });
  });
});

describe("Ollama model listing", () => {
  it("GET /api/version, /api/tags and /api/ps answer Ollama's shapes with lightrag:latest", async () => {
    const version = await get("/api/version", WS);
    expect(version.status).toBe(200);
    expect(ollamaVersionResponseSchema.parse(await version.json())).toEqual({ version: "0.9.3" });
    const tags = ollamaTagsResponseSchema.parse(await (await get("/api/tags", WS)).json());
    expect(tags.models.map((model) => model.name)).toEqual(["lightrag:latest"]);
    expect(tags.models[0]?.details.family).toBe("lightrag");
    const ps = ollamaPsResponseSchema.parse(await (await get("/api/ps", WS)).json());
    expect(ps.models[0]?.model).toBe("lightrag:latest");
  });
});

describe("POST /api/chat", () => {
  for (const mode of ["local", "global", "hybrid", "naive", "mix"] as const) {
    it(`/${mode} answers as /query does in mode ${mode}`, async () => {
      const response = await chat(`/${mode} ${QUESTION}`, { stream: false });
      expect(response.status).toBe(200);
      const body = ollamaChatResponseSchema.parse(await response.json());
      expect(body.model).toBe("lightrag:latest");
      expect(body.message.content).toBe(await queryAnswer({ mode }));
      expect(body.message.content).toContain("Acme");
    });
  }

  it("no prefix means mix; [..] is the user prompt", async () => {
    const plain = ollamaChatResponseSchema.parse(await (await chat(QUESTION, { stream: false })).json());
    expect(plain.message.content).toBe(await queryAnswer({ mode: "mix" }));
    const prompted = ollamaChatResponseSchema.parse(
      await (await chat(`/naive[answer briefly] ${QUESTION}`, { stream: false })).json(),
    );
    expect(prompted.message.content).toBe(
      await queryAnswer({ mode: "naive", user_prompt: "answer briefly" }),
    );
  });

  it("/context returns the retrieved context only", async () => {
    const body = ollamaChatResponseSchema.parse(
      await (await chat(`/context ${QUESTION}`, { stream: false })).json(),
    );
    expect(body.message.content).toContain("Knowledge Graph Data (Entity)");
    expect(body.message.content).toBe(await queryAnswer({ mode: "mix", only_need_context: true }));
    const naive = ollamaChatResponseSchema.parse(
      await (await chat(`/naivecontext ${QUESTION}`, { stream: false })).json(),
    );
    expect(naive.message.content).not.toContain("Knowledge Graph Data (Entity)");
  });

  it("/bypass goes to the LLM directly, with the earlier messages as history", async () => {
    const messages = [
      { role: "user", content: "Remember the word heliotrope." },
      { role: "assistant", content: "Noted: heliotrope." },
      { role: "user", content: `/bypass ${QUESTION}` },
    ];
    const response = await post("/api/chat", { model: "lightrag:latest", messages, stream: false }, WS);
    const body = ollamaChatResponseSchema.parse(await response.json());
    const direct = await post(
      "/query",
      { query: QUESTION, mode: "bypass", conversation_history: messages.slice(0, 2) },
      WS,
    );
    expect(body.message.content).toBe(((await direct.json()) as { response: string }).response);
    expect(body.message.content).not.toBe(await queryAnswer({ mode: "mix" }));
  });

  it("streams NDJSON message deltas, then done: true with Ollama's timings", async () => {
    const response = await chat(`/local ${QUESTION}`);
    expect(response.status).toBe(200);
    const all = await lines(response);
    const last = ollamaChatResponseSchema.parse(all.at(-1));
    expect(last.message.content).toBe("");
    expect(last.eval_count).toBeGreaterThan(0);
    expect(last.prompt_eval_count).toBeGreaterThan(0);
    expect(last.total_duration).toBeGreaterThanOrEqual(last.eval_duration);
    const chunks = all.slice(0, -1).map((line) => ollamaChatChunkSchema.parse(line));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.message.content).join("")).toBe(await queryAnswer({ mode: "local" }));
  });

  it("streams a context-only answer as one line and the done line", async () => {
    const all = await lines(await chat(`/context ${QUESTION}`));
    expect(all).toHaveLength(2);
    expect(ollamaChatChunkSchema.parse(all[0]).message.content).toContain("Knowledge Graph Data");
    expect(ollamaChatResponseSchema.parse(all[1]).done).toBe(true);
  });

  it("refuses a bad body with the error envelope", async () => {
    const noMessages = await post("/api/chat", { model: "lightrag:latest", messages: [] }, WS);
    expect(noMessages.status).toBe(422);
    expect(((await noMessages.json()) as { error: { code: string } }).error.code).toBe("validation_error");
    const assistantLast = await post(
      "/api/chat",
      { model: "lightrag:latest", messages: [{ role: "assistant", content: "hello there" }] },
      WS,
    );
    expect(assistantLast.status).toBe(400);
    expect(((await assistantLast.json()) as { error: { code: string } }).error.code).toBe("bad_request");
    const tooShort = await chat("/local ab", { stream: false });
    expect(tooShort.status).toBe(422);
    const broken = await SELF.fetch("https://example.com/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "LIGHTRAG-WORKSPACE": WS },
      body: "{not json",
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
  });
});

describe("POST /api/generate", () => {
  it("answers from the LLM directly, whole when stream is false (its default)", async () => {
    const response = await post("/api/generate", { model: "lightrag:latest", prompt: QUESTION }, WS);
    expect(response.status).toBe(200);
    const body = ollamaGenerateResponseSchema.parse(await response.json());
    expect(body.response).toBe(await queryAnswer({ mode: "bypass" }));
    expect(body.context).toEqual([]);
    expect(body.done_reason).toBe("stop");
  });

  it("streams response deltas and a final done line", async () => {
    const all = await lines(
      await post("/api/generate", { model: "lightrag:latest", prompt: QUESTION, stream: true }, WS),
    );
    const last = ollamaGenerateResponseSchema.parse(all.at(-1));
    expect(last.response).toBe("");
    const chunks = all.slice(0, -1).map((line) => ollamaGenerateChunkSchema.parse(line));
    expect(chunks.map((chunk) => chunk.response).join("")).toBe(await queryAnswer({ mode: "bypass" }));
  });

  it("refuses a missing prompt with 422", async () => {
    const response = await post("/api/generate", { model: "lightrag:latest" }, WS);
    expect(response.status).toBe(422);
  });
});
