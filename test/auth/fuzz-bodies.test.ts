/**
 * Property-based fuzzing (fast-check) of every JSON route, as an administrator so bodies get
 * past authorization into validation: no input may reach a 5xx or show a stack trace, every
 * refusal is the JSON error envelope, and a refused request stores nothing (the row counts of
 * every business table are unchanged after it). Shared part and seeds: ./fuzz-harness.ts.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminAuth,
  apiObject,
  BODY_RUNS,
  bodyRoutes,
  checkAnswer,
  checkNothingStored,
  contentType,
  fill,
  fuzzSetup,
  HEADER_RUNS,
  HEADERS,
  oddBody,
  pathParam,
  SEED,
  send,
  WORKSPACE,
} from "./fuzz-harness";
import { BASE } from "./helpers";

beforeAll(fuzzSetup, 60_000);

describe(`fuzzing every JSON route (seed ${SEED})`, () => {
  for (const route of bodyRoutes()) {
    it(`${route.method} ${route.template}: no 5xx, no stack, nothing stored when refused`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(apiObject, oddBody), contentType, pathParam, async (body, type, param) => {
          const path = fill(route.template, encodeURIComponent(param));
          const response = await send(`${BASE}${path}`, {
            method: route.method,
            headers: { Authorization: adminAuth, "Content-Type": type, "LIGHTRAG-WORKSPACE": WORKSPACE },
            body,
          });
          await checkAnswer(`${route.method} ${path}`, response);
          await checkNothingStored(`${route.method} ${path}`, response.status);
        }),
        { numRuns: BODY_RUNS, seed: SEED },
      );
    }, 300_000);
  }
});

it("the fuzzers together run at least 10,000 cases", () => {
  expect(bodyRoutes().length * BODY_RUNS + HEADERS.length * HEADER_RUNS).toBeGreaterThanOrEqual(10_000);
});
