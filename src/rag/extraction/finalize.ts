/**
 * Turns raw records of one chunk into its canonical extraction: one entry per name and per
 * pair (the longer description wins, as in LightRAG's gleaning), endpoints that were not
 * extracted as entities added as `UNKNOWN`, everything sorted so results are deterministic.
 */
import type { ExtractedEntity, ExtractedRelation } from "../../storage/extractions";
import { edgeKey } from "../../storage/graph";
import type { ParsedExtraction } from "./parse-records";

/** LightRAG's type for an endpoint that was never described as an entity. */
export const UNKNOWN_TYPE = "UNKNOWN";

export function finalizeExtraction(parts: ParsedExtraction[]): ParsedExtraction {
  const entities = new Map<string, ExtractedEntity>();
  const relations = new Map<string, ExtractedRelation>();
  for (const part of parts) {
    for (const entity of part.entities) {
      const known = entities.get(entity.name);
      if (!known || entity.description.length > known.description.length) {
        entities.set(entity.name, { ...entity, type: known?.type ?? entity.type });
      }
    }
    for (const relation of part.relations) {
      const { src, tgt } = edgeKey(relation.source, relation.target);
      const key = `${src}\u0000${tgt}`;
      const known = relations.get(key);
      const keywords = [...new Set([...(known?.keywords.split(",") ?? []), ...relation.keywords.split(",")])]
        .filter(Boolean)
        .join(",");
      const description =
        known && known.description.length >= relation.description.length
          ? known.description
          : relation.description;
      relations.set(key, {
        source: src,
        target: tgt,
        keywords,
        description,
        weight: Math.max(known?.weight ?? 0, relation.weight),
      });
    }
  }
  for (const relation of relations.values()) {
    for (const name of [relation.source, relation.target]) {
      if (!entities.has(name))
        entities.set(name, { name, type: UNKNOWN_TYPE, description: relation.description });
    }
  }
  const byName = (a: ExtractedEntity, b: ExtractedEntity) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const byPair = (a: ExtractedRelation, b: ExtractedRelation) =>
    a.source === b.source ? (a.target < b.target ? -1 : 1) : a.source < b.source ? -1 : 1;
  return { entities: [...entities.values()].sort(byName), relations: [...relations.values()].sort(byPair) };
}
