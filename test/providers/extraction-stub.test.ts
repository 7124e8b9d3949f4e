/**
 * The engine's LLM extractor (src/rag/extraction) through the openai provider and the stub over
 * real HTTP: the stub understands the engine's prompts, and malformed answers parse to nothing
 * instead of throwing.
 */

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { buildProviders } from "../../src/providers";
import { extractWithLlm } from "../../src/rag/extraction/llm-extractor";
import { loadTokenizer, type Tokenizer } from "../../src/rag/tokenizer";
import { ragSettings } from "../../src/runtime/settings";
import { configWith, StubScope, workspaceId } from "./helpers";

const TEXT =
  "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.";

let tokenizer: Tokenizer;
// Building the tiktoken encoder takes a few seconds of CPU once.
beforeAll(async () => {
  tokenizer = await loadTokenizer();
}, 60_000);

async function extract(scope: StubScope, vars: Record<string, string> = {}) {
  const config = configWith({
    LLM_BINDING: "openai",
    LLM_BINDING_HOST: scope.v1,
    LLM_BINDING_API_KEY: "k",
    ENABLE_LLM_CACHE_FOR_EXTRACT: "false",
    ...vars,
  });
  const { llm } = buildProviders(env, config);
  return extractWithLlm({
    llm,
    tokenizer,
    settings: ragSettings(config),
    workspace: workspaceId("ex"),
    content: TEXT,
  });
}

describe("engine extraction over the stub", () => {
  it("parses the stub's record-format answer, with one gleaning turn", async () => {
    const scope = new StubScope("ex-records");
    const { result, calls } = await extract(scope, { MAX_GLEANING: "1" });
    expect(calls).toBe(2);
    const names = result.entities.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining(["Ada Lovelace", "Charles Babbage", "London", "Analytical Engine"]),
    );
    expect(result.relations.length).toBeGreaterThanOrEqual(2);
  });

  it("parses the JSON-mode answer when ENTITY_EXTRACTION_USE_JSON=true", async () => {
    const scope = new StubScope("ex-json");
    const { result } = await extract(scope, { ENTITY_EXTRACTION_USE_JSON: "true", MAX_GLEANING: "0" });
    expect(result.entities.map((e) => e.name)).toContain("Charles Babbage");
  });

  it("copes with malformed output: unusable rows are dropped, nothing throws", async () => {
    const scope = new StubScope("ex-bad");
    await scope.faults({ kind: "malformed" });
    const { result } = await extract(scope, { MAX_GLEANING: "0" });
    expect(result.entities).toEqual([]);
    expect(result.relations).toEqual([]);
  });
});
