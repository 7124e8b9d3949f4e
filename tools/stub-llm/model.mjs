/**
 * The stub model: deterministic outputs in LightRAG's formats (extraction records, keyword
 * JSON, description summaries, answers), chosen by what the prompt asks for. Plain JS so the
 * stub runs on Node 20 with no build step.
 */

const STOP = new Set(
  (
    "a an the and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our she he they them their there these this those to was we were what when where which " +
    "who whom whose why will with would you your about after all also any because before between both each few " +
    "more most other over same so some such than that then through under until up very just tell explain describe"
  ).split(" "),
);
const SENTENCE_STARTERS = new Set([
  "The",
  "A",
  "An",
  "In",
  "On",
  "At",
  "It",
  "This",
  "That",
  "These",
  "Those",
  "He",
  "She",
  "They",
  "We",
  "I",
  "But",
  "And",
  "For",
  "When",
  "After",
  "Before",
  "Who",
  "What",
  "How",
  "Why",
  "Where",
  "Which",
]);
const ORG = /\b(Inc|Corp|Corporation|Company|University|Institute|Society|Agency|Bank|Group|Ltd)\b/;
const PLACE = /\b(City|River|Mountain|Lake|Island|Street|County|Valley|Ocean|Sea)\b/;

export const TUPLE = "<|#|>";
export const COMPLETE = "<|COMPLETE|>";

/** Lower-cased content words of `text`. */
export function terms(text) {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w));
}

/** Sentences of `text`, trimmed. */
export function sentences(text) {
  return (text.match(/[^.!?\n]+(?:[.!?]+|$)/gu) ?? []).map((s) => s.trim()).filter(Boolean);
}

/** Rough token count, four characters a token. */
export function tokens(text) {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

function entityType(name, sentence) {
  if (ORG.test(name)) return "Organization";
  if (PLACE.test(name) || new RegExp(`\\b(in|at|near) ${name}`).test(sentence)) return "Location";
  if (/^\d/.test(name)) return "Data";
  return name.includes(" ") ? "Person" : "Concept";
}

/** Capitalised runs, minus a sentence-initial function word. */
function namesIn(sentence) {
  const found = sentence.match(/\p{Lu}[\p{L}\p{N}-]*(?:\s+(?:of\s+)?\p{Lu}[\p{L}\p{N}-]*)*/gu) ?? [];
  return found
    .map((name) => {
      const parts = name.split(/\s+/);
      while (parts.length > 0 && SENTENCE_STARTERS.has(parts[0])) parts.shift();
      return parts.join(" ");
    })
    .filter((name) => name.length > 1);
}

/** The text inside LightRAG's `---Input Text---` fence, else the whole prompt. */
function inputText(prompt) {
  const match =
    /---Input Text---\s*```(?:\w*\n)?([\s\S]*?)```/i.exec(prompt) ??
    /---Input Text---\s*([\s\S]*)$/i.exec(prompt);
  return (match?.[1] ?? prompt).trim();
}

/**
 * Extraction records for `prompt` in LightRAG's delimiter format, ending with `<|COMPLETE|>`.
 * Entities are capitalised names; relations link names that share a sentence.
 */
export function extractionOutput(prompt) {
  const text = inputText(prompt);
  const entities = new Map();
  const relations = new Map();
  for (const sentence of sentences(text)) {
    const names = [...new Set(namesIn(sentence))];
    for (const name of names) {
      if (!entities.has(name) && entities.size < 40)
        entities.set(name, { type: entityType(name, sentence), description: sentence });
    }
    for (let i = 1; i < names.length; i++) {
      const [src, tgt] = [names[i - 1], names[i]];
      const key = `${src}\u0000${tgt}`;
      if (!entities.has(src) || !entities.has(tgt) || relations.has(key)) continue;
      const nameWords = new Set(terms(`${src} ${tgt}`));
      const keywords = [...new Set(terms(sentence).filter((w) => !nameWords.has(w)))].slice(0, 3);
      relations.set(key, { src, tgt, keywords: keywords.join(", ") || "related", description: sentence });
    }
  }
  const lines = [];
  for (const [name, e] of entities) lines.push(["entity", name, e.type, e.description].join(TUPLE));
  for (const r of relations.values()) {
    if (lines.length >= 100) break;
    lines.push(["relation", r.src, r.tgt, r.keywords, r.description].join(TUPLE));
  }
  lines.push(COMPLETE);
  return lines.join("\n");
}

/** The same extraction in LightRAG's JSON mode (`ENTITY_EXTRACTION_USE_JSON=true`). */
export function jsonExtractionOutput(prompt) {
  const entities = [];
  const relationships = [];
  for (const line of extractionOutput(prompt).split("\n")) {
    const fields = line.split(TUPLE);
    if (fields[0] === "entity") entities.push({ name: fields[1], type: fields[2], description: fields[3] });
    if (fields[0] === "relation") {
      relationships.push({
        source: fields[1],
        target: fields[2],
        keywords: fields[3],
        description: fields[4],
      });
    }
  }
  return JSON.stringify({ entities, relationships });
}

/** LightRAG keyword JSON for the query in the prompt ("User Query: …" or the last line). */
export function keywordOutput(prompt) {
  const query = (
    /User Query:\s*([^\n]+)/i.exec(prompt)?.[1] ??
    prompt.trim().split("\n").at(-1) ??
    ""
  ).trim();
  const low = [...new Set([...namesIn(query), ...terms(query)])].slice(0, 8);
  const words = terms(query);
  const high = [];
  for (let i = 1; i < words.length && high.length < 5; i++) high.push(`${words[i - 1]} ${words[i]}`);
  if (high.length === 0 && words[0]) high.push(words[0]);
  return JSON.stringify({ high_level_keywords: high, low_level_keywords: low });
}

/** Merges the descriptions of a summary prompt (JSON lines or `<SEP>`-joined), de-duplicated. */
export function summaryOutput(prompt) {
  const fragments = [];
  for (const line of prompt.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      const value = JSON.parse(trimmed);
      if (typeof value.description === "string") fragments.push(value.description);
    } catch {
      // not a JSON line
    }
  }
  if (fragments.length === 0) fragments.push(...prompt.split(/<SEP>/));
  const seen = new Set();
  const kept = [];
  for (const fragment of fragments) {
    for (const s of sentences(fragment)) {
      if (seen.has(s.toLowerCase())) continue;
      seen.add(s.toLowerCase());
      kept.push(s);
    }
  }
  return kept.join(" ").slice(0, 2400);
}

/** An answer made of the context sentences that best match the query, citing reference ids. */
export function answerOutput(system, user) {
  const parts = user.split(/---User Query---\s*/i);
  const query = (parts.at(-1) ?? "").trim();
  const context = `${system}\n${parts.length > 1 ? parts[0] : ""}`;
  const wanted = new Set(terms(query));
  const scored = [];
  let order = 0;
  for (const line of context.split("\n")) {
    let text = line;
    let ref = "";
    try {
      const value = JSON.parse(line);
      text =
        typeof value.content === "string"
          ? value.content
          : typeof value.description === "string"
            ? value.description
            : "";
      ref = typeof value.reference_id === "string" ? value.reference_id : "";
    } catch {
      // prose line
    }
    for (const s of sentences(text)) {
      const score = terms(s).filter((w) => wanted.has(w)).length;
      if (score > 0) scored.push({ s, ref, score, order: order++ });
    }
  }
  if (scored.length === 0) return "Sorry, I'm not able to provide an answer to that question.[no-context]";
  const best = scored
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, 3)
    .sort((a, b) => a.order - b.order);
  return best.map((b) => (b.ref ? `${b.s} [${b.ref}]` : b.s)).join(" ");
}

/**
 * What the stub answers for a chat: extraction, keywords, summary or an answer, decided from
 * the prompt the way a real model would read the instructions.
 */
export function respond({ system = "", messages = [], json = false }) {
  const user = messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const all = `${system}\n${messages.map((m) => m.content).join("\n")}`;
  const hasHistory = messages.some((m) => m.role === "assistant");
  if (all.includes(TUPLE) || /---Input Text---/i.test(all)) {
    if (json) return hasHistory ? '{"entities":[],"relationships":[]}' : jsonExtractionOutput(user || all);
    return hasHistory ? COMPLETE : extractionOutput(user || all);
  }
  if (json || /high_level_keywords|single valid JSON object/i.test(all)) return keywordOutput(all);
  if (/summar/i.test(system || user) && /description/i.test(all)) return summaryOutput(user || all);
  return answerOutput(system, user);
}

/** A deterministic unit vector for `text` (feature hashing of words), `dimension` long. */
export function embed(text, dimension) {
  const vector = new Array(dimension).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? ["<empty>"];
  for (const word of words) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0;
    vector[h % dimension] += h & 0x80000000 ? -1 : 1;
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

/**
 * Relevance of each document to `query`: the share of the query's content words the document
 * holds, in [0, 1] (the stub rerankers' score).
 */
export function rerankScores(query, documents) {
  const wanted = [...new Set(terms(query))];
  return documents.map((text) => {
    if (wanted.length === 0) return 0;
    const have = new Set(terms(text));
    return wanted.filter((word) => have.has(word)).length / wanted.length;
  });
}
