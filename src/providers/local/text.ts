/** Text helpers shared by the offline provider: tokenising, stop words, sentences, token estimates. */

const STOP_WORDS = new Set(
  (
    "a an the and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our she he they them their there these this those to was we were what when where which " +
    "who whom whose why will with would you your about after all also any because before between both each few " +
    "more most other over same so some such than that then through under until up very just tell explain describe " +
    "please give list show"
  ).split(" "),
);

/** Lower-cased word tokens (letters and digits of any script), with a light plural fold. */
export function words(text: string): string[] {
  const found = text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  return found.map(fold);
}

function fold(word: string): string {
  const base = word.replace(/['’]s$/u, "");
  if (base.length > 3 && base.endsWith("s") && !base.endsWith("ss")) return base.slice(0, -1);
  return base;
}

/** Words that carry meaning: no stop words, no one-letter tokens. */
export function contentWords(text: string): string[] {
  return words(text).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** Splits prose into trimmed sentences, keeping their final punctuation. */
export function sentences(text: string): string[] {
  return (text.match(/[^.!?\n]+(?:[.!?]+|$)/gu) ?? [])
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/** LightRAG's separator of merged graph fields (`GRAPH_FIELD_SEP`). */
const FIELD_SEP = "<SEP>";

/**
 * The fragments of a `<SEP>`-joined description as readable prose: each fragment trimmed and
 * ended with a full stop when it has no final punctuation, so the separator never reaches an
 * answer and the fragments read as separate sentences.
 *
 * @example
 * readableFragments("Ada wrote code<SEP>She met Babbage."); // ["Ada wrote code.", "She met Babbage."]
 */
export function readableFragments(text: string): string[] {
  return text
    .split(FIELD_SEP)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => (/[.!?]$/u.test(part) ? part : `${part}.`));
}

/** Rough token count (four characters a token), used where the provider reports no usage. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Parses every line of `text` that is a JSON object; other lines are ignored. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) continue;
    try {
      const value: unknown = JSON.parse(trimmed);
      if (value && typeof value === "object" && !Array.isArray(value))
        records.push(value as Record<string, unknown>);
    } catch {
      // Not JSON after all: prose that happens to start with a brace.
    }
  }
  return records;
}
