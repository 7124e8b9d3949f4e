/** `POST /query/stream`: NDJSON line by line, as LightRAG writes it. */
import { beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/rag/query/tokens";
import { seedCorpus } from "./corpus";
import { post } from "./helpers";

const WS = "q_stream";

beforeAll(async () => {
  await seedCorpus(WS);
  await loadTokenizer();
}, 60_000);

async function lines(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const QUESTION = {
  query: "Who founded Acme Corporation?",
  mode: "local",
  ll_keywords: ["Ada Lovelace"],
  top_k: 1,
};

describe("POST /query/stream", () => {
  it("sends references first, then response deltas that add up to the answer", async () => {
    const response = await post("/query/stream", QUESTION, WS);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    const [first, ...rest] = await lines(response);
    expect(first).toEqual({ references: [{ reference_id: "1", file_path: "acme.md" }] });
    expect(rest.length).toBeGreaterThan(1);
    for (const line of rest) expect(Object.keys(line)).toEqual(["response"]);
    const answer = rest.map((line) => line.response).join("");
    const whole = (await (await post("/query", QUESTION, WS)).json()) as { response: string };
    expect(answer).toBe(whole.response);
    expect(answer).toContain("Ada Lovelace");
  });

  it("stream=false gives one line with response and references", async () => {
    const all = await lines(await post("/query/stream", { ...QUESTION, stream: false }, WS));
    expect(all).toHaveLength(1);
    expect(Object.keys(all[0] ?? {}).sort()).toEqual(["references", "response"]);
  });

  it("include_references=false leaves the references out", async () => {
    const all = await lines(await post("/query/stream", { ...QUESTION, include_references: false }, WS));
    for (const line of all) expect(Object.keys(line)).toEqual(["response"]);
  });

  it("include_progress puts progress lines first and ends with response_time", async () => {
    const all = await lines(
      await post("/query/stream", { ...QUESTION, ll_keywords: [], include_progress: true }, WS),
    );
    const progress = all.filter((line) => "progress" in line).map((line) => line.progress);
    expect(progress).toEqual([
      "extracting_keywords",
      "retrieving_entities",
      "retrieving_relations",
      "retrieving_chunks",
      "generating_response",
    ]);
    const firstOther = all.findIndex((line) => !("progress" in line));
    expect(all.slice(firstOther).some((line) => "progress" in line)).toBe(false);
    expect(all[firstOther]).toHaveProperty("references");
    expect(Object.keys(all.at(-1) ?? {})).toEqual(["response_time"]);
  });

  it("only_need_context streams the context as one line", async () => {
    const all = await lines(await post("/query/stream", { ...QUESTION, only_need_context: true }, WS));
    expect(all).toHaveLength(1);
    expect(String(all[0]?.response)).toContain("Knowledge Graph Data (Entity)");
  });

  it("rejects a bad body before streaming", async () => {
    const response = await post("/query/stream", { query: "hi" }, WS);
    expect(response.status).toBe(422);
  });
});
