/** Clean-up of names, types and keywords the way LightRAG's parser does it. */

/** LightRAG's name cap. */
export const MAX_NAME_LENGTH = 256;

const FULL_WIDTH: Record<string, string> = {
  "（": "(",
  "）": ")",
  "，": ",",
  "。": ".",
  "：": ":",
  "；": ";",
  "！": "!",
  "？": "?",
  "“": '"',
  "”": '"',
  "‘": "'",
  "’": "'",
  "《": "<",
  "》": ">",
  "【": "[",
  "】": "]",
  "、": ",",
};

/** Replaces CJK punctuation with ASCII. */
export function asciiPunctuation(text: string): string {
  return text.replace(/[（），。：；！？“”‘’《》【】、]/g, (c) => FULL_WIDTH[c] ?? c);
}

/** Strips wrapping quotes, brackets and markdown emphasis from a field. */
export function cleanField(text: string): string {
  let value = asciiPunctuation(text).trim();
  for (let i = 0; i < 3; i++) {
    const before = value;
    value = value.replace(/^[\s"'`*<>([{]+/, "").replace(/[\s"'`*<>)\]}]+$/, "");
    if (value === before) break;
  }
  return value.trim();
}

/** An entity name: cleaned, inner whitespace collapsed, capped; empty when unusable. */
export function normalizeName(text: string): string {
  return cleanField(text).replace(/\s+/g, " ").slice(0, MAX_NAME_LENGTH).trim();
}

/** First comma-separated token, spaces removed, lower case; null when it has forbidden characters. */
export function normalizeType(text: string): string | null {
  const first = cleanField(text).split(",")[0] ?? "";
  const type = first.replace(/\s+/g, "").toLowerCase();
  if (/['()<>|/\\]/.test(type)) return null;
  return type === "" ? "other" : type;
}

/** Comma-separated keywords, trimmed, deduplicated, in order. */
export function normalizeKeywords(text: string): string {
  const seen = new Set<string>();
  for (const part of asciiPunctuation(text).split(",")) {
    const keyword = cleanField(part);
    if (keyword) seen.add(keyword);
  }
  return [...seen].join(",");
}
