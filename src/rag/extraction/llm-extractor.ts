/** Extraction of one chunk by the LLM: one call, then up to MAX_GLEANING "what did you miss" turns. */
import type { ChatMessage, LlmClient } from "../../providers/types";
import type { Tokenizer } from "../tokenizer";
import type { RagSettings } from "../types";
import { finalizeExtraction } from "./finalize";
import { parseJsonExtraction } from "./parse-json";
import { type ParsedExtraction, parseRecords } from "./parse-records";
import { extractionSystemPrompt, extractionUserPrompt, gleaningPrompt, type PromptOptions } from "./prompts";

export interface LlmExtractionInput {
  llm: LlmClient;
  tokenizer: Tokenizer;
  settings: RagSettings;
  workspace: string;
  content: string;
  signal?: AbortSignal;
}

/** Returns the finalized extraction and the number of LLM calls it took. */
export async function extractWithLlm(
  input: LlmExtractionInput,
): Promise<{ result: ParsedExtraction; calls: number }> {
  const { llm, settings } = input;
  const options: PromptOptions = {
    entityTypes: settings.entityTypes,
    language: settings.language,
    json: settings.useJson,
  };
  const system = extractionSystemPrompt(options);
  const parse = settings.useJson ? parseJsonExtraction : parseRecords;
  const messages: ChatMessage[] = [{ role: "user", content: extractionUserPrompt(input.content, options) }];
  const ask = async () =>
    (
      await llm.complete({
        role: "extract",
        system,
        messages,
        json: settings.useJson,
        workspace: input.workspace,
        signal: input.signal,
      })
    ).text;
  const first = await ask();
  const parts = [parse(first)];
  let calls = 1;
  // Gleaning re-sends the whole conversation; LightRAG skips it when that would be too long.
  const inputTokens = input.tokenizer.count(system) + input.tokenizer.count(messages[0]?.content ?? "");
  if (inputTokens <= settings.maxExtractInputTokens) {
    let last = first;
    for (let round = 0; round < settings.maxGleaning; round++) {
      messages.push({ role: "assistant", content: last }, { role: "user", content: gleaningPrompt(options) });
      last = await ask();
      calls++;
      parts.push(parse(last));
    }
  }
  return { result: finalizeExtraction(parts), calls };
}
