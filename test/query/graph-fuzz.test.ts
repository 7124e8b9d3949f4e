/**
 * Fuzzing the graph read API's query parameters: no input, however long, oddly encoded or out
 * of range, may reach a 5xx; every refusal is a 4xx with the JSON error envelope.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { seedCorpus } from "./corpus";
import { get } from "./helpers";

const WS = "q_graph_fuzz";

beforeAll(async () => {
  await seedCorpus(WS);
}, 60_000);

/** Each route with the parameters it reads (and one it does not, which must be ignored). */
const ROUTES: { path: string; params: string[] }[] = [
  { path: "/graphs", params: ["label", "max_depth", "max_nodes"] },
  { path: "/graph/label/list", params: ["limit"] },
  { path: "/graph/label/popular", params: ["limit"] },
  { path: "/graph/label/search", params: ["q", "limit"] },
  { path: "/graph/entity/exists", params: ["name"] },
];

/** Values chosen by hand: the ones that broke this API or APIs like it. */
const NASTY: string[] = [
  "",
  " ",
  "*",
  "%",
  "%%%%",
  "_",
  "\\",
  "\\%",
  "\u0000",
  "a\u0000b",
  "<SEP>",
  "' OR 1=1 --",
  '"; DROP TABLE entities; --',
  "東京".repeat(9),
  "東".repeat(17),
  "%".repeat(49),
  "_".repeat(300),
  "\\".repeat(300),
  "🧪".repeat(100),
  "x".repeat(257),
  "x".repeat(5000),
  "Ada Lovelace",
  "-1",
  "-0",
  "0",
  "1.5",
  "1e309",
  "9".repeat(40),
  "NaN",
  "Infinity",
  "0x10",
  "[]",
  "{}",
  "null",
];

/** Raw (already URL-encoded) values, some deliberately malformed. */
const RAW: string[] = ["%", "%zz", "%ED%A0%80", "%FF%FE", "%C0%80", "a+b", "%2525", "%00"];

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible input. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Code point ranges random strings draw from: ASCII, controls, LIKE metacharacters, CJK, emoji. */
const RANGES: [number, number][] = [
  [0x20, 0x7e],
  [0x00, 0x1f],
  [0x25, 0x25],
  [0x5c, 0x5f],
  [0x4e00, 0x9fff],
  [0x1f300, 0x1f6ff],
];

function randomString(random: () => number): string {
  const length = Math.floor(random() ** 2 * 400);
  let out = "";
  for (let i = 0; i < length; i++) {
    const [low, high] = RANGES[Math.floor(random() * RANGES.length)] as [number, number];
    out += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
  }
  return out;
}

async function expectNo5xx(path: string): Promise<void> {
  const response = await get(path, WS);
  const body = await response.text();
  expect(response.status, `${path} -> ${body.slice(0, 200)}`).toBeLessThan(500);
  if (response.status >= 400) {
    const envelope = JSON.parse(body) as { error: { code: string; request_id: string } };
    expect(envelope.error.code, path).toEqual(expect.any(String));
    expect(envelope.error.request_id, path).toEqual(expect.any(String));
  }
}

describe("graph routes under fuzzed query parameters", { timeout: 120_000 }, () => {
  it("never answer 5xx to hand-picked nasty values", async () => {
    for (const { path, params } of ROUTES) {
      for (const param of params) {
        for (const value of NASTY) await expectNo5xx(`${path}?${param}=${encodeURIComponent(value)}`);
        for (const raw of RAW) await expectNo5xx(`${path}?${param}=${raw}`);
        // Repeated parameters and a parameter with no value.
        await expectNo5xx(`${path}?${param}=a&${param}=${encodeURIComponent("東".repeat(30))}`);
        await expectNo5xx(`${path}?${param}`);
      }
    }
  });

  it("never answer 5xx to random strings and numbers in every parameter", async () => {
    const random = prng(13);
    for (let round = 0; round < 15; round++) {
      for (const { path, params } of ROUTES) {
        const query = params
          .map((param) => {
            const value =
              random() < 0.3
                ? String(Math.floor((random() - 0.5) * 10 ** Math.floor(random() * 20)))
                : randomString(random);
            return `${param}=${encodeURIComponent(value)}`;
          })
          .join("&");
        await expectNo5xx(`${path}?${query}`);
      }
    }
  });

  it("still answers real questions (the fuzz workspace has data)", async () => {
    const response = await get("/graph/label/search?q=babbage", WS);
    expect(await response.json()).toEqual(["Babbage Labs", "Charles Babbage"]);
  });
});
