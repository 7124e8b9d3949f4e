/**
 * Prompt texts of the query side, with LightRAG's structure and placeholders: the keyword
 * extraction prompt (JSON answer), the KG and naive answer prompts, the context templates and
 * the fail response. Wording is ours; section markers match what LightRAG clients expect.
 */

/** LightRAG's `fail_response`: returned when retrieval finds nothing. */
export const FAIL_RESPONSE = "Sorry, I'm not able to provide an answer to that question.[no-context]";

/** What `/query` answers when the LLM returns an empty text. */
export const EMPTY_RESPONSE = "No relevant context found for the query.";

/** Marker between the system prompt and the query in `only_need_prompt` answers. */
export const USER_QUERY_MARKER = "\n\n---User Query---\n\n";

export const KEYWORDS_SYSTEM = `---Role---
You are an expert keyword extractor for a Retrieval-Augmented Generation (RAG) system.

---Goal---
Given a user query, list two kinds of keywords:
1. high_level_keywords: overarching concepts, themes or intents of the query;
2. low_level_keywords: specific entities, proper nouns, technical terms or concrete items.

---Instructions---
- Answer with one valid JSON object and nothing else (no markdown fences, no prose).
- The object has exactly two keys: "high_level_keywords" and "low_level_keywords", each a list of strings.
- Keep multi-word names together ("Alice Smith", not "Alice" and "Smith").
- For a vague or meaningless query, answer with two empty lists.
- Write the keywords in the language of the query.`;

/** The user message of the keyword call; the local provider reads the query after "User Query:". */
export function keywordsUser(query: string): string {
  return `---Real Data---\nUser Query: ${query}\n\nOutput:`;
}

function answerRules(responseType: string, userPrompt: string): string {
  return `---Instructions---
1. Answer only from the Context below; do not invent facts. If the Context does not hold the answer, say so.
2. Track the reference_id of every Document Chunk you use and cite it as [n].
3. Format: markdown, in the style of "${responseType}", in the language of the query.
4. End with a "### References" section of at most 5 lines, each "- [n] Document Title", taken from the Reference Document List.

---Additional Instructions---
${userPrompt || "n/a"}`;
}

/** System prompt of KG modes (`rag_response`), with the context inlined. */
export function ragResponsePrompt(context: string, responseType: string, userPrompt: string): string {
  return `---Role---
You are an expert assistant answering questions from a knowledge graph and document chunks given in the Context.

---Goal---
Write a complete answer that combines the relevant entities, relationships and chunks.

${answerRules(responseType, userPrompt)}

---Context---
${context}`;
}

/** System prompt of the naive mode (`naive_rag_response`). */
export function naiveResponsePrompt(context: string, responseType: string, userPrompt: string): string {
  return `---Role---
You are an expert assistant answering questions from the document chunks given in the Context.

---Goal---
Write a complete answer from the relevant chunks.

${answerRules(responseType, userPrompt)}

---Context---
${context}`;
}

function fenced(lines: string[]): string {
  return `\`\`\`json\n${lines.join("\n")}\n\`\`\``;
}

function referenceList(lines: string[]): string {
  return `Reference Document List (Each entry starts with a [reference_id] that corresponds to entries in the Document Chunks):

\`\`\`
${lines.join("\n")}
\`\`\``;
}

/** LightRAG's `kg_query_context`: entities, relations, chunks (JSON lines) and the reference list. */
export function kgContext(
  entities: string[],
  relations: string[],
  chunks: string[],
  references: string[],
): string {
  return `Knowledge Graph Data (Entity):

${fenced(entities)}

Knowledge Graph Data (Relationship):

${fenced(relations)}

Document Chunks (Each entry has a reference_id refer to the \`Reference Document List\`):

${fenced(chunks)}

${referenceList(references)}
`;
}

/** LightRAG's `naive_query_context`: chunks and the reference list. */
export function naiveContext(chunks: string[], references: string[]): string {
  return `Document Chunks (Each entry has a reference_id refer to the \`Reference Document List\`):

${fenced(chunks)}

${referenceList(references)}
`;
}
