/**
 * Response schemas shared by every area: the error envelope of every 4xx/5xx answer and the
 * small building blocks (ISO times, LightRAG's `{status, message}` answers).
 */
import { z } from "zod";
import { ERROR_CODES } from "../../errors";

/** The body of every error answer (`src/http/errors.ts`). */
export const errorEnvelopeSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    request_id: z.string(),
    details: z.unknown().optional(),
  }),
});

/** An ISO 8601 time as the routes write it (`Date.prototype.toISOString`). */
export const isoTime = z.string().describe("ISO 8601 time");

/** LightRAG's usual answer to an action: a status word and a sentence. */
export const statusMessage = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z.strictObject({ status: z.enum(statuses), message: z.string() });
