/** Vector arithmetic for the local index: unit normalisation and exact top-k of scanned scores. */

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

export interface Scored {
  id: string;
  score: number;
}

/**
 * Exact top-k of the scores `scan` reports: the k best kept in a small sorted list (k is at
 * most a few hundred), ties broken by id for stable answers.
 *
 * @example
 * topK((visit) => matrix.scan(query, visit), 10, 0.2);
 */
export function topK(
  scan: (visit: (id: string, score: number) => void) => void,
  k: number,
  threshold: number,
): Scored[] {
  const best: Scored[] = [];
  if (k <= 0) return best;
  scan((id, score) => {
    if (score < threshold) return;
    if (best.length === k) {
      const worst = best[k - 1] as Scored;
      if (score < worst.score || (score === worst.score && id > worst.id)) return;
      best.pop();
    }
    let at = best.length;
    while (at > 0) {
      const prev = best[at - 1] as Scored;
      if (prev.score > score || (prev.score === score && prev.id < id)) break;
      at--;
    }
    best.splice(at, 0, { id, score });
  });
  return best;
}
