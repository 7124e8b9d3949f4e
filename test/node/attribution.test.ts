/**
 * bench/lib/attribution.ts: who a CPU profile sample is billed to, and which of the Worker's
 * samples are the log lines' `console.log` (shown apart by bench/cpu.ts as a local-runtime cost).
 */
import { describe, expect, it } from "vitest";
import { attribute } from "../../bench/lib/attribution";
import type { CpuProfile } from "../../bench/lib/inspector";

/** Frames by name: url "b" is the bundle, whose lines name modules; "" is a native frame. */
const FRAMES: Record<string, { functionName: string; url: string; lineNumber: number }> = {
  root: { functionName: "(root)", url: "", lineNumber: -1 },
  idle: { functionName: "(idle)", url: "", lineNumber: -1 },
  answer: { functionName: "answer", url: "b", lineNumber: 10 },
  sink: { functionName: "consoleSink", url: "b", lineNumber: 20 },
  native: { functionName: "", url: "", lineNumber: -1 },
  lookup: { functionName: "lookup", url: "b", lineNumber: 30 },
  stringify: { functionName: "stringify", url: "", lineNumber: -1 },
};
const MODULES: Record<number, string> = {
  10: "src/http/routes/query.ts",
  20: "src/observability/logger.ts",
  30: "src/storage/graph-index/graph-index.ts",
};

/** A profile of `stacks` (root first), one sample per stack. */
function profileOf(stacks: string[][]): CpuProfile {
  const nodes: CpuProfile["nodes"] = [];
  const ids = new Map<string, number>();
  const samples: number[] = [];
  for (const stack of stacks) {
    let parent: CpuProfile["nodes"][number] | undefined;
    let path = "";
    for (const name of stack) {
      path += `/${name}`;
      let id = ids.get(path);
      if (id === undefined) {
        id = nodes.length + 1;
        ids.set(path, id);
        const frame = FRAMES[name] as (typeof FRAMES)[string];
        nodes.push({ id, callFrame: { ...frame, columnNumber: 0 }, children: [] });
        parent?.children?.push(id);
      }
      parent = nodes[id - 1];
    }
    samples.push(nodes.length > 0 ? (ids.get(path) as number) : 0);
  }
  return { nodes, samples, timeDeltas: samples.map(() => 100), startTime: 0, endTime: samples.length * 100 };
}

const moduleOf = (url: string, line: number) => (url === "b" ? MODULES[line] : undefined);

describe("profile attribution", () => {
  it("bills samples to the Worker or a Durable Object and counts the logger's console.log apart", () => {
    const split = attribute(
      profileOf([
        ["root", "answer", "sink", "native"],
        ["root", "answer", "sink", "native"],
        ["root", "answer", "stringify"],
        ["root", "answer"],
        ["root", "lookup", "native"],
        ["root", "idle"],
      ]),
      moduleOf,
    );
    expect(split.count.worker).toBe(4);
    expect(split.count.durableObject).toBe(1);
    expect(split.busyCount).toBe(5);
    // Only a native leaf called by the sink is the console.log; other native frames are not.
    expect(split.loggedCount).toBe(2);
  });
});
