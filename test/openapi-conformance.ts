/**
 * Checks a real answer against the API reference (src/http/openapi/registry.ts): a success
 * answer needs a documented schema for its status and must match it; an error answer is the
 * error envelope. Shared by test/foundation/openapi.test.ts and test/auth/openapi-auth.test.ts.
 */
import { expect } from "vitest";
import type { z } from "zod";
import { ROUTE_DOCS } from "../src/http/openapi/registry";
import { errorEnvelopeSchema } from "../src/http/openapi/responses/common";
import { isRawResponse, type RouteDoc } from "../src/http/openapi/route-doc";

const docs: Record<string, RouteDoc> = ROUTE_DOCS;

/** Route keys (and `key status` of error answers) checked so far in this file. */
export const checked = new Set<string>();

function expectMatch(key: string, schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  const issues = parsed.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ?? [];
  expect(issues, `${key} answer matches its documented schema`).toEqual([]);
}

/**
 * Reads `response` and checks it against the schema `key` documents for its status; returns
 * the parsed body (the text of a non-JSON answer).
 *
 * @example
 * const body = await conforms("POST /query", await post("/query", { query: "…" }), 200);
 */
export async function conforms(key: string, response: Response, expected?: number): Promise<unknown> {
  const doc = docs[key];
  expect(doc, `${key} is documented`).toBeDefined();
  const text = await response.text();
  if (expected !== undefined) expect(response.status, `${key}: ${text.slice(0, 300)}`).toBe(expected);
  const status = response.status;
  if (status >= 400) {
    expectMatch(`${key} ${status} error`, errorEnvelopeSchema, JSON.parse(text));
    checked.add(`${key} ${status}`);
    return JSON.parse(text);
  }
  const documented = doc?.responses[status as keyof RouteDoc["responses"]];
  expect(documented, `${key} documents status ${status}`).toBeDefined();
  if (!documented) return undefined;
  checked.add(key);
  if (isRawResponse(documented)) {
    expect(response.headers.get("Content-Type") ?? "", key).toContain(documented.mediaType.split(";")[0]);
    if (documented.schema && documented.mediaType === "application/x-ndjson") {
      for (const line of text.split("\n").filter(Boolean))
        expectMatch(key, documented.schema, JSON.parse(line));
    }
    return text;
  }
  const body: unknown = JSON.parse(text);
  expectMatch(key, documented, body);
  return body;
}
