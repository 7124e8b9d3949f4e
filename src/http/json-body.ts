/** Reads a JSON request body and validates it: 400 `invalid_json` if unparsable, 422 with details if invalid. */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./app-env";
import { AppError } from "./errors";

/**
 * Parses the body of `c` with `schema`.
 *
 * @example
 * const body = await readJsonBody(c, flagsUpdateSchema);
 */
export async function readJsonBody<T extends z.ZodType>(c: Context<AppEnv>, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(400, "invalid_json", "The request body is not valid JSON");
  }
  return parseInput(schema, raw, "Invalid request body");
}

/**
 * Validates an already parsed value (a JSON body, an MCP tool's arguments): 422 with one
 * `{field, message}` per issue when it does not fit.
 *
 * @example
 * const args = parseInput(insertTextSchema, call.arguments, "Invalid arguments");
 */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown, message: string): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(422, "validation_error", message, {
      details: parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message })),
    });
  }
  return parsed.data;
}
