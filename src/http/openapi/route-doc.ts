/**
 * What the API reference says about one route: its request schemas (the same zod objects the
 * route validates with) and a response schema per success status. Errors are not listed per
 * route: every 4xx/5xx answer is the one error envelope, added by `document.ts` from the route's
 * policy (401/403 for protected routes, 422 where input is validated, 429 when rate limited, …).
 */
import type { z } from "zod";

/** A success answer that is not JSON (Prometheus text, an event stream). */
export interface RawResponseDoc {
  mediaType: string;
  description: string;
  /** The schema of one item (one NDJSON line) or of the whole text. */
  schema?: z.ZodType;
}

export type SuccessStatus = 200 | 201 | 202;

export interface RouteDoc {
  /** One line, shown in the operation list. */
  summary: string;
  /** Groups operations in the reference (`Query`, `Documents`, …). */
  tag: string;
  description?: string;
  /** The JSON body (or form, see `bodyMediaType`), as `readJsonBody` validates it. */
  body?: z.ZodType;
  bodyMediaType?: "application/json" | "application/x-www-form-urlencoded" | "multipart/form-data";
  /** Query parameters: a zod object, one parameter per key. */
  query?: z.ZodObject;
  /** JSON answers per status, or a non-JSON answer. */
  responses: Partial<Record<SuccessStatus, z.ZodType | RawResponseDoc>>;
}

/** True when `response` is a non-JSON answer description. */
export function isRawResponse(response: z.ZodType | RawResponseDoc): response is RawResponseDoc {
  return "mediaType" in response;
}
