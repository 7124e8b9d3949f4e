/** Description summaries for the offline LLM: a de-duplicated, trimmed merge of the fragments. */
import { jsonLines, readableFragments, sentences } from "./text";

/** Default length cap in characters when the caller gives no `maxTokens` (about 600 tokens). */
const DEFAULT_MAX_CHARS = 2400;

/** Description fragments: LightRAG's JSON lines `{"description": …}`, else `<SEP>`- or line-separated text. */
export function descriptionsFromPrompt(prompt: string): string[] {
  const fromJson = jsonLines(prompt)
    .map((record) => record.description)
    .filter((value): value is string => typeof value === "string")
    .flatMap(readableFragments);
  if (fromJson.length > 0) return fromJson;
  return prompt
    .split(/<SEP>|\n/u)
    .map((part) => part.trim())
    .filter((part) => part.length > 0 && !part.startsWith("---"));
}

/**
 * Merges fragments sentence by sentence, dropping repeats, and stops at a sentence boundary
 * before `maxChars`.
 *
 * @example
 * summarize(["Ada is a mathematician.", "Ada is a mathematician. She wrote notes."]) // "Ada is a mathematician. She wrote notes."
 */
export function summarize(fragments: string[], maxChars = DEFAULT_MAX_CHARS): string {
  const seen = new Set<string>();
  const kept: string[] = [];
  let length = 0;
  for (const fragment of fragments) {
    for (const sentence of sentences(fragment)) {
      const key = sentence.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (length + sentence.length + 1 > maxChars && kept.length > 0) return kept.join(" ");
      kept.push(sentence.slice(0, maxChars));
      length += sentence.length + 1;
    }
  }
  return kept.join(" ");
}
