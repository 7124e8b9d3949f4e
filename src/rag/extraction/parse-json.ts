/** Parser of the JSON extraction mode (`ENTITY_EXTRACTION_USE_JSON=true`), tolerant of fences and prose. */
import { z } from "zod";
import { normalizeKeywords, normalizeName, normalizeType } from "./names";
import type { ParsedExtraction } from "./parse-records";

const text = z
  .unknown()
  .transform((value) => (typeof value === "string" ? value : value == null ? "" : String(value)));
const keywords = z
  .unknown()
  .transform((value) =>
    Array.isArray(value) ? value.map(String).join(",") : typeof value === "string" ? value : "",
  );

const answer = z.object({
  entities: z
    .array(z.object({ name: text, type: text.optional(), description: text.optional() }).passthrough())
    .catch([])
    .default([]),
  relationships: z
    .array(
      z
        .object({ source: text, target: text, keywords: keywords.optional(), description: text.optional() })
        .passthrough(),
    )
    .catch([])
    .default([]),
});

/** The outermost `{…}` of `raw`, or null. */
function jsonObject(raw: string): unknown {
  const start = raw.indexOf("{");
  const end = raw.lastIndexOf("}");
  if (start < 0 || end <= start) return null;
  try {
    return JSON.parse(raw.slice(start, end + 1));
  } catch {
    return null;
  }
}

/** Parses a JSON-mode answer; anything unparseable yields nothing rather than an error. */
export function parseJsonExtraction(raw: string): ParsedExtraction {
  const parsed = answer.safeParse(jsonObject(raw) ?? {});
  if (!parsed.success) return { entities: [], relations: [] };
  const result: ParsedExtraction = { entities: [], relations: [] };
  for (const item of parsed.data.entities) {
    const name = normalizeName(item.name);
    const type = normalizeType(item.type ?? "");
    const description = (item.description ?? "").trim();
    if (name && type !== null && description) result.entities.push({ name, type, description });
  }
  for (const item of parsed.data.relationships) {
    const source = normalizeName(item.source);
    const target = normalizeName(item.target);
    const description = (item.description ?? "").trim();
    if (!source || !target || source === target || !description) continue;
    result.relations.push({
      source,
      target,
      keywords: normalizeKeywords(item.keywords ?? ""),
      description,
      weight: 1,
    });
  }
  return result;
}
