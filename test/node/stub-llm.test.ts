/** The stub LLM server itself (tools/stub-llm): its wire formats, fault injection and CLI. */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StubServer, startStubServer } from "../../tools/stub-llm/server.mjs";

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer({ port: 0 });
});
afterAll(() => stub.close());

function post(pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stub.url}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k", ...headers },
    body: JSON.stringify(body),
  });
}

const extraction = {
  model: "m",
  messages: [
    { role: "system", content: "Output records with <|#|> and end with <|COMPLETE|>." },
    { role: "user", content: "---Input Text---\n```\nMarie Curie worked at the University of Paris.\n```" },
  ],
};

describe("stub LLM server", () => {
  it("answers extraction prompts in LightRAG's record format", async () => {
    const body = (await (await post("/v1/chat/completions", extraction)).json()) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number };
    };
    const text = body.choices[0]?.message.content ?? "";
    expect(text.split("\n")).toEqual([
      "entity<|#|>Marie Curie<|#|>Person<|#|>Marie Curie worked at the University of Paris.",
      "entity<|#|>University of Paris<|#|>Organization<|#|>Marie Curie worked at the University of Paris.",
      "relation<|#|>Marie Curie<|#|>University of Paris<|#|>worked<|#|>Marie Curie worked at the University of Paris.",
      "<|COMPLETE|>",
    ]);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("ends a gleaning turn (assistant history present) with only the completion delimiter", async () => {
    const messages = [
      ...extraction.messages,
      { role: "assistant", content: "x" },
      { role: "user", content: "more?" },
    ];
    const body = (await (await post("/v1/chat/completions", { model: "m", messages })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(body.choices[0]?.message.content).toBe("<|COMPLETE|>");
  });

  it("refuses OpenAI and Anthropic calls without a key, and unknown routes", async () => {
    expect((await post("/v1/chat/completions", extraction, { authorization: "" })).status).toBe(401);
    expect((await post("/v2/unknown", {})).status).toBe(404);
    const raw = await fetch(`${stub.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "k" },
      body: "{",
    });
    expect(raw.status).toBe(400);
  });

  it("injects faults from request headers: 429 with Retry-After, latency", async () => {
    const limited = await post("/v1/chat/completions", extraction, {
      "x-stub-fault": "429",
      "x-stub-retry-after": "7",
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    const started = Date.now();
    await post("/v1/chat/completions", extraction, { "x-stub-latency-ms": "150" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("queues faults per scope and keeps a request log per scope", async () => {
    await fetch(`${stub.url}/s/a/__stub/faults`, {
      method: "POST",
      body: JSON.stringify({ faults: [{ kind: "503", times: 2 }] }),
    });
    expect((await post("/s/b/v1/chat/completions", extraction)).status).toBe(200);
    expect((await post("/s/a/v1/chat/completions", extraction)).status).toBe(503);
    expect((await post("/s/a/v1/chat/completions", extraction)).status).toBe(503);
    expect((await post("/s/a/v1/chat/completions", extraction)).status).toBe(200);
    const log = (await (await fetch(`${stub.url}/s/a/__stub/requests`)).json()) as {
      requests: { fault?: string }[];
    };
    expect(log.requests.map((r) => r.fault ?? "ok")).toEqual(["503", "503", "ok"]);
    await fetch(`${stub.url}/s/a/__stub/reset`, { method: "POST" });
    expect(
      ((await (await fetch(`${stub.url}/s/a/__stub/requests`)).json()) as { requests: unknown[] }).requests,
    ).toEqual([]);
  });

  it("streams Anthropic server-sent events with usage", async () => {
    const response = await post(
      "/v1/messages",
      {
        model: "c",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "User Query: Who is Marie Curie?" }],
        system: "Respond with a single valid JSON object and nothing else.",
      },
      { "x-api-key": "k" },
    );
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe("message_start");
    expect(events).toContain("content_block_delta");
    expect(events.at(-2)).toBe("message_delta");
    expect(events.at(-1)).toBe("message_stop");
  });

  it("starts from the CLI on the given port", async () => {
    const cli = spawn(
      process.execPath,
      [path.join("tools", "stub-llm", "cli.mjs"), "--port", "0", "--latency-ms", "5"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        cli.stdout.on("data", (chunk: Buffer) => resolve(chunk.toString()));
        cli.on("exit", (code) => reject(new Error(`cli exited ${code}`)));
      });
      const url = /listening on (\S+)/.exec(line)?.[1] ?? "";
      const response = await fetch(`${url}/v1/embeddings`, {
        method: "POST",
        headers: { authorization: "Bearer k" },
        body: JSON.stringify({ input: ["a"], dimensions: 8 }),
      });
      const body = (await response.json()) as { data: { embedding: number[] }[] };
      expect(body.data[0]?.embedding).toHaveLength(8);
    } finally {
      cli.kill("SIGTERM");
    }
  });
});
