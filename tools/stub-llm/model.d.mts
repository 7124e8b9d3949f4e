/** Types of the parts of model.mjs that TypeScript callers (bench/parity-scores.ts) use. */

/** LightRAG keyword JSON (`high_level_keywords`, `low_level_keywords`) for the query in `prompt`. */
export function keywordOutput(prompt: string): string;
