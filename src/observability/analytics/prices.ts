/**
 * LLM prices for the dashboard's cost series: `LLM_PRICES` maps a model name to US dollars per
 * million prompt and completion tokens. Models without a price have no cost (null), never a
 * guessed one.
 */
import { z } from "zod";

export const priceTableSchema = z.record(
  z.string().min(1),
  z.object({ prompt: z.number().finite().min(0), completion: z.number().finite().min(0) }).strict(),
);

/** Dollars per million tokens, by model. */
export type PriceTable = z.infer<typeof priceTableSchema>;

const PER_TOKENS = 1_000_000;

/**
 * The cost in US dollars of `prompt` and `completion` tokens of `model`, or null when unpriced.
 *
 * @example
 * tokenCost({ "gpt-4o-mini": { prompt: 0.15, completion: 0.6 } }, "gpt-4o-mini", 1_000_000, 0); // 0.15
 */
export function tokenCost(
  prices: PriceTable,
  model: string,
  prompt: number,
  completion: number,
): number | null {
  const price = prices[model];
  if (!price) return null;
  return (prompt * price.prompt + completion * price.completion) / PER_TOKENS;
}
