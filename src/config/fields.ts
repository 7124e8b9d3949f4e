/** Reusable zod field builders for env vars, which always arrive as strings. */
import { z } from "zod";

/** A boolean var: true/false, 1/0, yes/no, on/off (any case). */
export const bool = (fallback: boolean) =>
  z.stringbool({ truthy: ["true", "1", "yes", "on"], falsy: ["false", "0", "no", "off"] }).default(fallback);

/** A whole number above zero. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A whole number zero or above. */
export const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** A number of seconds or a ratio; any finite non-negative number. */
export const nonNegativeNumber = (fallback: number) => z.coerce.number().finite().min(0).default(fallback);

/** An optional string where an empty value means "not set". */
export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** A comma-separated list of non-empty items. */
export const csvList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );
