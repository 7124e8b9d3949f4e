/**
 * Description merging (LightRAG §3.3): one fragment is kept as is; fewer than
 * FORCE_LLM_SUMMARY_ON_MERGE fragments under SUMMARY_MAX_TOKENS are joined with <SEP>;
 * otherwise the LLM summarises, map-reduce style when the input exceeds SUMMARY_CONTEXT_SIZE.
 * Basic mode has no LLM: it keeps the distinct sentences that fit SUMMARY_MAX_TOKENS.
 */
import type { LlmClient } from "../../providers/types";
import { GRAPH_FIELD_SEP } from "../../storage/graph";
import { summaryPrompt } from "../extraction/prompts";
import type { Tokenizer } from "../tokenizer";
import type { RagSettings } from "../types";

export interface SummaryContext {
  llm: LlmClient;
  tokenizer: Tokenizer;
  settings: RagSettings;
  workspace: string;
}

export async function mergeDescriptions(
  context: SummaryContext,
  kind: "entity" | "relation",
  name: string,
  fragments: string[],
): Promise<{ description: string; llmCalls: number }> {
  if (fragments.length === 0) return { description: "", llmCalls: 0 };
  if (fragments.length === 1) return { description: fragments[0] as string, llmCalls: 0 };
  const { settings, tokenizer } = context;
  const tokens = fragments.reduce((sum, fragment) => sum + tokenizer.count(fragment), 0);
  if (fragments.length < settings.forceSummaryOnMerge && tokens < settings.summaryMaxTokens) {
    return { description: fragments.join(GRAPH_FIELD_SEP), llmCalls: 0 };
  }
  if (!settings.enhanced)
    return { description: extractiveSummary(fragments, settings.summaryMaxTokens * 4), llmCalls: 0 };
  let current = fragments;
  let calls = 0;
  // Map-reduce: summarise groups that fit the context until one group remains.
  while (true) {
    const groups = groupByTokens(current, tokenizer, settings.summaryContextSize);
    if (groups.length === 1) {
      calls++;
      return { description: await summarize(context, kind, name, groups[0] as string[]), llmCalls: calls };
    }
    const next: string[] = [];
    for (const group of groups) {
      if (group.length === 1) next.push(group[0] as string);
      else {
        calls++;
        next.push(await summarize(context, kind, name, group));
      }
    }
    // Guard against no progress (every group a single huge fragment).
    if (next.length >= current.length) {
      calls++;
      return { description: await summarize(context, kind, name, next.slice(0, 2)), llmCalls: calls };
    }
    current = next;
  }
}

/**
 * The LLM-free summary of basic mode: sentences of the fragments in order, repeats dropped,
 * cut at a sentence boundary before `maxChars`.
 */
export function extractiveSummary(fragments: string[], maxChars: number): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  let length = 0;
  for (const fragment of fragments) {
    for (const sentence of fragment.split(/(?<=[.!?])\s+/)) {
      const key = sentence.trim().toLowerCase();
      if (key === "" || seen.has(key)) continue;
      seen.add(key);
      if (length + sentence.length + 1 > maxChars && kept.length > 0) return kept.join(" ");
      kept.push(sentence.trim().slice(0, maxChars));
      length += sentence.length + 1;
    }
  }
  return kept.join(" ");
}

/** Groups of at least two fragments (when possible) whose tokens fit `limit`. */
function groupByTokens(fragments: string[], tokenizer: Tokenizer, limit: number): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let size = 0;
  for (const fragment of fragments) {
    const tokens = tokenizer.count(fragment);
    if (group.length >= 2 && size + tokens > limit) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(fragment);
    size += tokens;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

async function summarize(
  context: SummaryContext,
  kind: "entity" | "relation",
  name: string,
  fragments: string[],
) {
  const { settings } = context;
  const response = await context.llm.complete({
    role: "summary",
    messages: [
      {
        role: "user",
        content: summaryPrompt(kind, name, fragments, settings.summaryLengthRecommended, settings.language),
      },
    ],
    maxTokens: settings.summaryMaxTokens,
    workspace: context.workspace,
  });
  return response.text.trim();
}
