/**
 * The LLM-free extractor (`ENHANCED_PROCESSING=false` or the `local` provider): deterministic
 * named-entity spotting by surface form — capitalised phrases, acronyms, quoted and
 * backticked terms — with a type guessed from cue words, a description made of the entity's
 * sentences, and a relation between entities that share a sentence.
 */
import type { ExtractedEntity, ExtractedRelation } from "../../storage/extractions";
import { finalizeExtraction } from "./finalize";
import { normalizeName } from "./names";
import type { ParsedExtraction } from "./parse-records";

/** Caps per chunk, like LightRAG's MAX_EXTRACTION_ENTITIES; relations are bounded the same way. */
export const MAX_BASIC_ENTITIES = 25;
export const MAX_BASIC_RELATIONS = 40;
/** Entities per sentence that are paired (keeps a long list from exploding into n² edges). */
const MAX_PAIRED_PER_SENTENCE = 5;
const MAX_SENTENCE_CHARS = 400;

const STARTERS = new Set(
  (
    "a an the this that these those it its in on at by for from to of and or but if when while with as is are was were be " +
    "there here however also then thus we you he she they i our your their his her my note see use using for each after before " +
    "since because although so such other some all any no not one two new first last example examples default returns return"
  ).split(" "),
);

const ORG_CUES =
  /\b(inc|corp|corporation|company|ltd|llc|university|institute|foundation|association|agency|council|committee|bank|group|team|club|party|ministry|department|lab|laboratory|society|academy|school|college|press|agency|board|league|union)\b/i;
const LOCATION_CUES =
  /\b(city|river|mountain|lake|island|county|state|province|country|street|valley|ocean|sea|bay|kingdom|republic)\b/i;
const EVENT_CUES =
  /\b(war|battle|festival|conference|election|olympics|championship|revolution|summit|tournament|award)\b/i;
const ARTIFACT_CUES =
  /\b(engine|machine|device|computer|system|library|language|model|algorithm|protocol|tool|compiler|api|framework|software|ship|car|book|album|film|game)\b/i;
const PERSON_TITLES = /\b(mr|mrs|ms|dr|prof|sir|lord|lady|king|queen|president|senator)\.?\s+$/i;

/** Sentences of `text`, bounded in length. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.replace(/\s+/g, " ").trim())
    .filter((sentence) => sentence.length > 1)
    .map((sentence) => sentence.slice(0, MAX_SENTENCE_CHARS));
}

interface Mention {
  name: string;
  kind: "phrase" | "acronym" | "quoted";
  before: string;
}

const MENTION =
  /"([^"\n]{2,60})"|“([^”\n]{2,60})”|`([^`\n]{2,60})`|\b([A-Z]{2,}[0-9]*s?)\b|\b([A-Z][\w'’-]*[A-Za-z0-9](?:\s+(?:of|and|the|de|von|van|for|del|la)?\s*[A-Z][\w'’-]*[A-Za-z0-9])*)/g;

function mentionsIn(sentence: string): Mention[] {
  const found: Mention[] = [];
  for (const match of sentence.matchAll(MENTION)) {
    const before = sentence.slice(0, match.index);
    const quoted = match[1] ?? match[2] ?? match[3];
    if (quoted !== undefined) {
      const name = normalizeName(quoted);
      if (name.length >= 2 && /[A-Za-z]/.test(name)) found.push({ name, kind: "quoted", before });
    } else if (match[4] !== undefined) {
      found.push({ name: match[4].replace(/s$/, ""), kind: "acronym", before });
    } else if (match[5] !== undefined) {
      const words = match[5].split(/\s+/);
      // A single capitalised word at the start of a sentence is usually just grammar.
      while (words.length > 0 && STARTERS.has((words[0] ?? "").toLowerCase())) words.shift();
      while (words.length > 0 && /^(of|and|the|de|von|van|for|del|la)$/.test(words.at(-1) ?? "")) words.pop();
      const name = normalizeName(words.join(" "));
      if (name.length < 2 || (words.length === 1 && before.trim() === "")) continue;
      found.push({ name, kind: "phrase", before });
    }
  }
  return found;
}

/** Type guess from cue words; defaults to `concept`. */
export function guessType(mention: Mention): string {
  if (mention.kind === "quoted") return "concept";
  if (ORG_CUES.test(mention.name)) return "organization";
  if (LOCATION_CUES.test(mention.name) || /\b(in|at|near|from)\s+(the\s+)?$/i.test(mention.before))
    return "location";
  if (EVENT_CUES.test(mention.name)) return "event";
  if (ARTIFACT_CUES.test(mention.name)) return "artifact";
  if (PERSON_TITLES.test(mention.before)) return "person";
  if (mention.kind === "acronym") return "organization";
  const words = mention.name.split(" ");
  if (words.length >= 2 && words.length <= 3 && words.every((word) => /^[A-Z][a-z]+$/.test(word)))
    return "person";
  return "concept";
}

/** Lower-case content words of a sentence, for relation keywords. */
function keywordsOf(sentence: string, exclude: Set<string>): string {
  const words = sentence.toLowerCase().match(/[a-z][a-z-]{3,}/g) ?? [];
  const picked: string[] = [];
  for (const word of words) {
    if (STARTERS.has(word) || exclude.has(word) || picked.includes(word)) continue;
    picked.push(word);
    if (picked.length === 3) break;
  }
  return picked.join(",");
}

/**
 * Extracts entities and co-occurrence relations from one chunk.
 *
 * @example
 * basicExtract("Ada Lovelace worked with Charles Babbage in London.").relations[0];
 * // { source: "Ada Lovelace", target: "Charles Babbage", … }
 */
export function basicExtract(text: string): ParsedExtraction {
  const sentences = sentencesOf(text);
  const stats = new Map<string, { count: number; first: number; type: string; sentences: string[] }>();
  const perSentence: string[][] = [];
  let position = 0;
  sentences.forEach((sentence) => {
    const names: string[] = [];
    for (const mention of mentionsIn(sentence)) {
      const entry = stats.get(mention.name) ?? {
        count: 0,
        first: position++,
        type: guessType(mention),
        sentences: [],
      };
      entry.count++;
      if (entry.sentences.length < 2 && !entry.sentences.includes(sentence)) entry.sentences.push(sentence);
      stats.set(mention.name, entry);
      if (!names.includes(mention.name)) names.push(mention.name);
    }
    perSentence.push(names);
  });
  const kept = [...stats.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].first - b[1].first)
    .slice(0, MAX_BASIC_ENTITIES);
  const keptNames = new Set(kept.map(([name]) => name));
  const entities: ExtractedEntity[] = kept.map(([name, entry]) => ({
    name,
    type: entry.type,
    description: entry.sentences.join(" "),
  }));
  const relations: ExtractedRelation[] = [];
  const seen = new Set<string>();
  perSentence.forEach((names, index) => {
    const present = names.filter((name) => keptNames.has(name)).slice(0, MAX_PAIRED_PER_SENTENCE);
    const sentence = sentences[index] ?? "";
    const exclude = new Set(present.flatMap((name) => name.toLowerCase().split(" ")));
    for (let i = 0; i < present.length; i++) {
      for (let j = i + 1; j < present.length; j++) {
        const [a, b] = [present[i] as string, present[j] as string].sort();
        const key = `${a}\u0000${b}`;
        if (a === b || seen.has(key) || relations.length >= MAX_BASIC_RELATIONS) continue;
        seen.add(key);
        relations.push({
          source: a as string,
          target: b as string,
          keywords: keywordsOf(sentence, exclude),
          description: sentence,
          weight: 1,
        });
      }
    }
  });
  return finalizeExtraction([{ entities, relations }]);
}
