/**
 * Property-based fuzzing (fast-check) of every request header the service reads: no value may
 * reach a 5xx or show a stack trace, every refusal is the JSON error envelope, and a refused
 * request stores nothing. Shared part and seeds: ./fuzz-harness.ts.
 */
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import {
  adminAuth,
  checkAnswer,
  checkNothingStored,
  fuzzSetup,
  HEADER_RUNS,
  HEADERS,
  headerValue,
  SEED,
  send,
  WORKSPACE,
} from "./fuzz-harness";
import { BASE } from "./helpers";

beforeAll(fuzzSetup, 60_000);

describe(`fuzzing every header the service reads (seed ${SEED})`, () => {
  for (const header of HEADERS) {
    it(`${header.name} on ${header.method} ${header.path}: no 5xx, no stack, nothing stored when refused`, async () => {
      await fc.assert(
        fc.asyncProperty(headerValue, async (raw) => {
          let headers: Headers;
          try {
            headers = new Headers({ "LIGHTRAG-WORKSPACE": WORKSPACE, "Content-Type": "application/json" });
            if (header.name !== "Authorization" && header.name !== "X-API-Key" && header.name !== "Cookie") {
              headers.set("Authorization", adminAuth);
            }
            headers.set(header.name, raw);
          } catch {
            return; // not sendable over HTTP: no request reaches the service with it
          }
          const response = await send(`${BASE}${header.path}`, {
            method: header.method,
            headers,
            body: header.body,
          });
          const label = `${header.name}: ${JSON.stringify(raw).slice(0, 80)} on ${header.path}`;
          await checkAnswer(label, response);
          await checkNothingStored(label, response.status);
        }),
        { numRuns: HEADER_RUNS, seed: SEED },
      );
    }, 300_000);
  }
});
