/**
 * The engine's tokenizer (src/rag/tokenizer.ts, gpt-tokenizer + our decoder) against the one it
 * replaced (js-tiktoken's o200k_base with the same piece memo), in Node, over a whole corpus:
 * token ids of every document equal js-tiktoken's own `encode`, chunk windows (LightRAG's 1200
 * / 100) byte-identical, every rank decodes the same, and random windows that split characters
 * decode the same. Then the cost: build time, heap kept once built (after a full GC), and the
 * CPU time of chunking the corpus plus counting its chunks, each tokenizer warm. Exit 1 on any
 * difference.
 *
 *   npx tsx bench/tokenizer.ts                  # docs-1mb
 *   npx tsx bench/tokenizer.ts --copies 10      # docs-1mb ×10 (capitalised words tagged per copy)
 */
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { chunkByTokens, type TextChunk } from "../src/rag/chunking";
import { loadTokenizer, type Tokenizer } from "../src/rag/tokenizer";
import { docsCorpus } from "./query-server";

const { values } = parseArgs({
  options: { copies: { type: "string", default: "1" }, windows: { type: "string", default: "20000" } },
});
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MiB = 2 ** 20;

/** The tokenizer before issue 18: js-tiktoken's o200k_base with a piece memo (200,000 entries). */
async function legacyTokenizer(): Promise<Tokenizer & { raw(text: string): number[] }> {
  const { Tiktoken } = await import("js-tiktoken/lite");
  const ranks = (await import("js-tiktoken/ranks/o200k_base")).default;
  const encoder = new Tiktoken(ranks);
  const pattern = new RegExp(ranks.pat_str, "gu");
  let memo = new Map<string, number[]>();
  const encode = (text: string): number[] => {
    const out: number[] = [];
    for (const match of text.matchAll(pattern)) {
      let tokens = memo.get(match[0]);
      if (!tokens) {
        tokens = encoder.encode(match[0], [], []);
        if (memo.size >= 200_000) memo = new Map();
        memo.set(match[0], tokens);
      }
      for (const token of tokens) out.push(token);
    }
    return out;
  };
  return {
    encode,
    decode: (tokens) => encoder.decode(tokens),
    count: (text) => encode(text).length,
    raw: (text) => encoder.encode(text, [], []),
  };
}

async function built<T>(make: () => Promise<T>): Promise<{ value: T; ms: number; heapMiB: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const value = await make();
  const ms = performance.now() - started;
  gc();
  return { value, ms, heapMiB: (process.memoryUsage().heapUsed - before) / MiB };
}

/** CPU milliseconds of chunking every document and counting every chunk (what ingestion does). */
function chunkingCpu(tokenizer: Tokenizer, texts: string[]): { ms: number; chunks: TextChunk[][] } {
  const started = process.cpuUsage();
  const chunks = texts.map((text) => chunkByTokens(tokenizer, text, 1200, 100));
  for (const list of chunks) for (const chunk of list) tokenizer.count(chunk.content);
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000, chunks };
}

const same = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

async function main(): Promise<void> {
  const texts = docsCorpus(Number(values.copies)).map((doc) => doc.text);
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  // Heap: each tokenizer built, then after one pass over the corpus (memo and caches filled);
  // ours first, so the second figure is js-tiktoken's alone on top of ours.
  const ours = await built(loadTokenizer);
  const oursUsed = await built(async () => chunkingCpu(ours.value, texts).ms);
  const legacy = await built(legacyTokenizer);
  const legacyUsed = await built(async () => chunkingCpu(legacy.value, texts).ms);
  const problems: string[] = [];

  let tokens = 0;
  for (const [i, text] of texts.entries()) {
    const expected = legacy.value.raw(text);
    tokens += expected.length;
    if (!same(ours.value.encode(text), expected)) problems.push(`document ${i}: token ids differ`);
    if (ours.value.count(text) !== expected.length) problems.push(`document ${i}: count differs`);
  }
  // Every rank alone (a split character's bytes become U+FFFD in both), then windows that cut
  // characters apart anywhere in the corpus.
  let ranks = 0;
  const known = [...Array.from({ length: 199_998 }, (_, rank) => rank), 199_999, 200_018];
  for (const rank of known) {
    const expected = legacy.value.decode([rank]);
    ranks++;
    if (ours.value.decode([rank]) !== expected) problems.push(`rank ${rank}: decodes differently`);
  }
  const all = texts.flatMap((text) => legacy.value.raw(text));
  let seed = 18;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let w = 0; w < Number(values.windows); w++) {
    const start = Math.floor(random() * all.length);
    const window = all.slice(start, start + 1 + Math.floor(random() * 40));
    if (ours.value.decode(window) !== legacy.value.decode(window))
      problems.push(`window at ${start}: decodes differently`);
  }

  // Both warm now; time a pass each, twice, alternating, and keep the faster of each.
  const runs = [0, 1].map(() => [chunkingCpu(ours.value, texts), chunkingCpu(legacy.value, texts)] as const);
  const oursRun = runs[0]?.[0] as ReturnType<typeof chunkingCpu>;
  const legacyRun = runs[0]?.[1] as ReturnType<typeof chunkingCpu>;
  const fastest = (k: 0 | 1) => Math.min(...runs.map((r) => r[k].ms));
  let chunks = 0;
  for (const [i, list] of legacyRun.chunks.entries()) {
    chunks += list.length;
    const mine = oursRun.chunks[i] ?? [];
    const equal =
      mine.length === list.length &&
      list.every(
        (c, j) =>
          c.content === mine[j]?.content && c.tokens === mine[j]?.tokens && c.order === mine[j]?.order,
      );
    if (!equal) problems.push(`document ${i}: chunks differ`);
  }

  console.log(
    `corpus docs-1mb x${values.copies}: ${texts.length} documents, ${(chars / 1e6).toFixed(2)} M characters, ${tokens} tokens, ${chunks} chunks (1200/100)`,
  );
  console.log(
    "tokenizer                          build ms  heap built MiB  heap after a pass MiB  cold pass CPU ms  warm pass CPU ms",
  );
  const row = (
    name: string,
    b: { ms: number; heapMiB: number },
    used: { value: number; heapMiB: number },
    warm: number,
  ) =>
    console.log(
      `${name.padEnd(34)} ${b.ms.toFixed(0).padStart(8)}  ${b.heapMiB.toFixed(1).padStart(14)}  ${(b.heapMiB + used.heapMiB).toFixed(1).padStart(21)}  ${used.value.toFixed(0).padStart(16)}  ${warm.toFixed(0).padStart(16)}`,
    );
  row("gpt-tokenizer (src/rag/tokenizer)", ours, oursUsed, fastest(0));
  row("js-tiktoken (before issue 18)", legacy, legacyUsed, fastest(1));
  if (problems.length > 0) {
    console.log(`DIFFERENCES: ${problems.length}`);
    for (const problem of problems.slice(0, 20)) console.log(`  ${problem}`);
    process.exit(1);
  }
  console.log(
    `identical: token ids and counts of ${texts.length} documents, ${chunks} chunks, ${ranks} tokens decoded alone, ${values.windows} random windows`,
  );
}

await main();
