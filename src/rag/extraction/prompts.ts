/** Extraction and summary prompts in LightRAG's format (record delimiters, JSON mode, gleaning). */

export const TUPLE_DELIMITER = "<|#|>";
export const COMPLETION_DELIMITER = "<|COMPLETE|>";

export interface PromptOptions {
  entityTypes: string[];
  language: string;
  json: boolean;
}

/** System prompt of an extraction call. */
export function extractionSystemPrompt(options: PromptOptions): string {
  const types = [...options.entityTypes, "Other"].join(", ");
  const common = `---Role---
You are a Knowledge Graph Specialist responsible for extracting entities and relationships from the input text.

---Instructions---
1. Identify clearly defined and meaningful entities. For each: entity_name (title case, consistent naming), entity_type (one of: ${types}; use Other if none applies), entity_description (a concise description based only on the input text).
2. Identify direct, clearly stated relationships between the extracted entities. For each: source_entity, target_entity (both must be extracted entities), relationship_keywords (high-level keywords, comma-separated), relationship_description.
3. Write in the third person; avoid pronouns such as "this article" or "I".
4. Output in ${options.language}. Keep proper nouns in their original language.
5. At most 40 entities and 100 records in total.`;
  if (options.json) {
    return `${common}
6. Output one JSON object: {"entities":[{"name":"","type":"","description":""}],"relationships":[{"source":"","target":"","keywords":"","description":""}]}. Output JSON only.`;
  }
  return `${common}
6. Output one record per line, entities first, then relationships:
entity${TUPLE_DELIMITER}entity_name${TUPLE_DELIMITER}entity_type${TUPLE_DELIMITER}entity_description
relation${TUPLE_DELIMITER}source_entity${TUPLE_DELIMITER}target_entity${TUPLE_DELIMITER}relationship_keywords${TUPLE_DELIMITER}relationship_description
7. End with a line containing only ${COMPLETION_DELIMITER}.`;
}

/** User prompt wrapping one chunk. */
export function extractionUserPrompt(chunk: string, options: PromptOptions): string {
  const output = options.json ? "the JSON object" : `the records, then ${COMPLETION_DELIMITER}`;
  return `---Task---
Extract entities and relationships from the input text below, and output ${output}.

---Input Text---
\`\`\`
${chunk}
\`\`\`

---Output---`;
}

/** The gleaning turn: asks for what the first answer missed. */
export function gleaningPrompt(options: PromptOptions): string {
  const output = options.json
    ? "the same JSON format"
    : `the same record format, ending with ${COMPLETION_DELIMITER}`;
  return `---Task---
Some entities or relationships may have been missed or malformed in the last extraction. Output only the missed or corrected ones, in ${output}. Do not repeat correct ones.

---Output---`;
}

/** LightRAG's summary prompt: descriptions as JSON lines, a target length and a language. */
export function summaryPrompt(
  kind: "entity" | "relation",
  name: string,
  descriptions: string[],
  lengthTokens: number,
  language: string,
): string {
  const lines = descriptions.map((description) => JSON.stringify({ description })).join("\n");
  return `---Role---
You are a Knowledge Graph Specialist, proficient in data curation and synthesis.

---Task---
Merge the descriptions of the ${kind === "entity" ? "entity" : "relationship"} "${name}" below into one comprehensive, coherent summary in the third person, in ${language}, of about ${lengthTokens} tokens. Keep every distinct fact; resolve contradictions by mentioning both.

---Descriptions---
${lines}

---Output---`;
}
