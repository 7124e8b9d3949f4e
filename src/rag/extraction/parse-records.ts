/**
 * Parser of LightRAG's record format (`entity<|#|>…`, `relation<|#|>…`, `<|COMPLETE|>`),
 * as forgiving as LightRAG's `_process_extraction_result`: mangled delimiters are repaired,
 * records glued on one line are split, `relationship` is accepted for `relation`, a
 * five-field `entity` row is read as a relation, self-loops and unusable rows are dropped.
 */
import type { ExtractedEntity, ExtractedRelation } from "../../storage/extractions";
import { normalizeKeywords, normalizeName, normalizeType } from "./names";
import { COMPLETION_DELIMITER, TUPLE_DELIMITER } from "./prompts";

export interface ParsedExtraction {
  entities: ExtractedEntity[];
  relations: ExtractedRelation[];
}

/** Delimiter variants small models produce: `<|##|>`, `<#|>`, `<|#>`, `<| # |>`, `<|\#|>`. */
const MANGLED_TUPLE = /<\s*\|*\s*\\?#+\s*\|*\s*>/g;
const MANGLED_COMPLETE = /<\s*\|*\s*COMPLETE\s*\|*\s*>/gi;
const RECORD_KINDS = new Set(["entity", "relation", "relationship"]);

function kindOf(field: string): string {
  return field
    .trim()
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

/** Splits the answer into records (arrays of fields), repairing delimiters and glued records. */
export function splitRecords(text: string): string[][] {
  const repaired = text
    .replace(MANGLED_COMPLETE, COMPLETION_DELIMITER)
    .replace(MANGLED_TUPLE, TUPLE_DELIMITER);
  const records: string[][] = [];
  for (const line of repaired.split(/\r?\n|<\|COMPLETE\|>/)) {
    if (!line.includes(TUPLE_DELIMITER)) continue;
    let current: string[] | null = null;
    for (const field of line.split(TUPLE_DELIMITER)) {
      // A kind word after a complete record starts the next one (records glued on one line).
      if (RECORD_KINDS.has(kindOf(field)) && (current === null || current.length >= 4)) {
        if (current) records.push(current);
        current = [kindOf(field)];
      } else if (current) {
        current.push(field);
      }
    }
    if (current) records.push(current);
  }
  return records;
}

function toEntity(fields: string[]): ExtractedEntity | null {
  const name = normalizeName(fields[1] ?? "");
  const type = normalizeType(fields[2] ?? "");
  const description = (fields[3] ?? "").trim();
  if (!name || type === null || !description) return null;
  return { name, type, description };
}

function toRelation(fields: string[]): ExtractedRelation | null {
  const source = normalizeName(fields[1] ?? "");
  const target = normalizeName(fields[2] ?? "");
  // Older LightRAG prompts wrote description before keywords and a strength last (6 fields).
  const legacy = fields.length >= 6;
  const keywords = normalizeKeywords((legacy ? fields[4] : fields[3]) ?? "");
  const description = ((legacy ? fields[3] : fields[4]) ?? "").trim();
  if (!source || !target || source === target || !description) return null;
  return { source, target, keywords, description, weight: 1 };
}

/**
 * Parses one extraction answer.
 *
 * @example
 * parseRecords("entity<|#|>Ada<|#|>person<|#|>A mathematician.\n<|COMPLETE|>");
 * // { entities: [{ name: "Ada", type: "person", description: "A mathematician." }], relations: [] }
 */
export function parseRecords(text: string): ParsedExtraction {
  const entities: ExtractedEntity[] = [];
  const relations: ExtractedRelation[] = [];
  for (const fields of splitRecords(text)) {
    const kind = fields[0];
    if (kind === "entity" && fields.length === 4) {
      const entity = toEntity(fields);
      if (entity) entities.push(entity);
    } else if (
      (kind === "entity" && fields.length === 5) ||
      ((kind === "relation" || kind === "relationship") && fields.length >= 5)
    ) {
      const relation = toRelation(fields);
      if (relation) relations.push(relation);
    }
  }
  return { entities, relations };
}
