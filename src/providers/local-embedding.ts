/**
 * The offline embedder: signed feature hashing of word unigrams and bigrams into an
 * L2-normalised vector, so texts sharing words get a high cosine similarity. Deterministic,
 * no model, no network — the default for development and tests.
 */
import { words } from "./local/text";
import type { EmbeddingClient, EmbeddingRequest } from "./types";

/** Bigrams count half as much as words: they sharpen phrase matches without drowning them. */
const BIGRAM_WEIGHT = 0.5;

/** FNV-1a over UTF-16 code units, then a final avalanche so low bits are well mixed. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function addFeature(vector: Float32Array, feature: string, weight: number): void {
  const h = hash32(feature, 0);
  const sign = hash32(feature, 0x9e3779b9) & 1 ? 1 : -1;
  const index = h % vector.length;
  vector[index] = (vector[index] ?? 0) + sign * weight;
}

/**
 * Embeds one text into `dimension` floats of unit length.
 *
 * @example
 * const a = hashEmbedding("graph retrieval", 384);
 */
export function hashEmbedding(text: string, dimension: number): Float32Array {
  const vector = new Float32Array(dimension);
  const tokens = words(text);
  for (let i = 0; i < tokens.length; i++) {
    addFeature(vector, `w:${tokens[i]}`, 1);
    if (i > 0) addFeature(vector, `b:${tokens[i - 1]} ${tokens[i]}`, BIGRAM_WEIGHT);
  }
  // An empty text still gets a unit vector, so cosine similarity never divides by zero.
  if (tokens.length === 0) addFeature(vector, "empty:", 1);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

/** The `local` embedding provider. */
export class LocalEmbeddingClient implements EmbeddingClient {
  readonly model: string;
  readonly dimension: number;

  constructor(dimension = 384, model = "local-hash") {
    this.dimension = dimension;
    this.model = model;
  }

  async embed(request: EmbeddingRequest): Promise<Float32Array[]> {
    request.signal?.throwIfAborted();
    return request.texts.map((text) => hashEmbedding(text, this.dimension));
  }
}
