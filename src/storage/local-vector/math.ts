/** Vector arithmetic for the local index: unit normalisation and exact top-k by dot product. */

/** Returns `vector / |vector|` (a zero vector stays zero). */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) * (vector[i] ?? 0);
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm === 0) return out;
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] ?? 0) / norm;
  return out;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

export interface Scored {
  id: string;
  score: number;
}

/**
 * Exact top-k over unit vectors: every vector is scored, the k best kept in a small sorted
 * list (k is at most a few hundred), ties broken by id for stable answers.
 */
export function topK(
  query: Float32Array,
  vectors: Map<string, Float32Array>,
  k: number,
  threshold: number,
): Scored[] {
  const best: Scored[] = [];
  for (const [id, vector] of vectors) {
    const score = dot(query, vector);
    if (score < threshold) continue;
    if (best.length === k) {
      const worst = best[k - 1] as Scored;
      if (score < worst.score || (score === worst.score && id > worst.id)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0) {
      const prev = best[at - 1] as Scored;
      if (prev.score > score || (prev.score === score && prev.id < id)) break;
      at--;
    }
    best.splice(at, 0, { id, score });
  }
  return best;
}
