/**
 * Which 429s also become rows of the audit table: the first per limiter key and window in
 * this isolate. Every 429 still writes its audit line to the logs and counts in
 * `lightrag_rate_limit_hits_total`; the table keeps the episode, not the flood, so a client
 * hammering the API cannot turn its requests into D1 writes.
 */

/** Keys remembered before the memory starts over (bounds memory under a spoofed-key flood). */
const MAX_KEYS = 10_000;

let lastStored = new Map<string, number>();

/**
 * True when this rejection of `key` should be stored: none was in the last `windowMs`.
 *
 * @example
 * audit(c, event, { table: storeRejection(key, rule.windowMs) });
 */
export function storeRejection(key: string, windowMs: number, now = Date.now()): boolean {
  const last = lastStored.get(key);
  if (last !== undefined && now - last < windowMs) return false;
  if (lastStored.size >= MAX_KEYS) lastStored = new Map();
  lastStored.set(key, now);
  return true;
}
