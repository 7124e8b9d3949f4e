/**
 * Who may reach the Ollama-compatible API and `/documents/scan` with accounts on: the model
 * list and chat need a signed-in caller (any role: they only read), the scan needs an editor.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/rag/query/tokens";
import { call, json, session } from "./helpers";

const CHAT = {
  model: "lightrag:latest",
  messages: [{ role: "user", content: "/bypass Hello there" }],
  stream: false,
};

// The answer's token counts use the tokenizer, built once per isolate (seconds under the test pool).
beforeAll(() => loadTokenizer(), 60_000);

describe("Ollama API and scan access (auth on)", { timeout: 30_000 }, () => {
  it("refuses anonymous callers with 401", async () => {
    expect((await call("/api/tags")).status).toBe(401);
    expect((await call("/api/chat", json(CHAT))).status).toBe(401);
    expect((await call("/documents/scan", { method: "POST" })).status).toBe(401);
  });

  it("lets a viewer list the model and chat, but not scan", async () => {
    const { headers } = await session("viewer");
    const tags = await call("/api/tags", { headers });
    expect(tags.status).toBe(200);
    const chat = await call("/api/chat", json(CHAT, headers));
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { done: boolean }).done).toBe(true);
    expect((await call("/documents/scan", { method: "POST", headers })).status).toBe(403);
  });

  it("lets an editor scan", async () => {
    const { headers } = await session("user");
    const res = await call("/documents/scan", { method: "POST", headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("scanning_started");
  });
});
