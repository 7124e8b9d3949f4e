/**
 * Answers for the offline LLM: picks the context sentences that share the most words with
 * the query and cites their reference ids, so retrieval quality shows in the answer.
 */
import { contentWords, jsonLines, readableFragments, sentences } from "./text";

/** LightRAG's `fail_response`, returned when nothing in the context matches. */
export const FAIL_RESPONSE = "Sorry, I'm not able to provide an answer to that question.[no-context]";

const MAX_SENTENCES = 3;

interface Candidate {
  text: string;
  referenceId: string;
  order: number;
  score: number;
}

/** The query is what follows LightRAG's "---User Query---" marker, else the last user message. */
export function splitQueryPrompt(system: string, user: string): { query: string; context: string } {
  const marker = /---User Query---\s*/i;
  const inUser = user.split(marker);
  if (inUser.length > 1) return { query: (inUser.at(-1) ?? "").trim(), context: `${system}\n${inUser[0]}` };
  return { query: user.trim(), context: system };
}

function candidates(context: string): Candidate[] {
  const pieces: { text: string; referenceId: string }[] = [];
  const records = jsonLines(context);
  for (const record of records) {
    const referenceId = typeof record.reference_id === "string" ? record.reference_id : "";
    if (typeof record.content === "string") {
      for (const sentence of sentences(record.content)) pieces.push({ text: sentence, referenceId });
    } else if (typeof record.description === "string") {
      // Merged graph descriptions are `<SEP>`-joined fragments: each one is its own sentence.
      for (const fragment of readableFragments(record.description))
        for (const sentence of sentences(fragment)) pieces.push({ text: sentence, referenceId });
    }
  }
  if (records.length === 0)
    for (const sentence of sentences(context)) pieces.push({ text: sentence, referenceId: "" });
  return pieces.map((piece, order) => ({ ...piece, order, score: 0 }));
}

function referenceTitles(context: string): Map<string, string> {
  const titles = new Map<string, string>();
  for (const match of context.matchAll(/^\s*\[(\d+)\]\s+(.+)$/gmu))
    titles.set(match[1] ?? "", (match[2] ?? "").trim());
  return titles;
}

/**
 * Builds a deterministic answer from `context` for `query`.
 *
 * @example
 * answerFromContext("Who founded Acme?", '{"reference_id":"1","content":"Acme was founded by Ada."}')
 * // "Acme was founded by Ada. [1]\n\n### References\n..."
 */
export function answerFromContext(query: string, context: string): string {
  const terms = new Set(contentWords(query));
  const scored = candidates(context)
    .map((candidate) => {
      const present = new Set(contentWords(candidate.text));
      let score = 0;
      for (const term of terms) if (present.has(term)) score++;
      return { ...candidate, score };
    })
    .filter((candidate) => candidate.score > 0);
  if (scored.length === 0) return FAIL_RESPONSE;
  const seen = new Set<string>();
  const best = scored
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .filter((candidate) => !seen.has(candidate.text) && seen.add(candidate.text))
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.order - b.order);
  const body = best.map((c) => (c.referenceId ? `${c.text} [${c.referenceId}]` : c.text)).join(" ");
  const titles = referenceTitles(context);
  const cited = [...new Set(best.map((c) => c.referenceId).filter((id) => id !== ""))].slice(0, 5);
  if (cited.length === 0) return body;
  const lines = cited.map((id) => `- [${id}] ${titles.get(id) ?? `Document ${id}`}`);
  return `${body}\n\n### References\n\n${lines.join("\n")}`;
}
