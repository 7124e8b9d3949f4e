/** `Server-Timing` on the query routes: the engine's phases, then the route's total. */
import { describe, expect, it } from "vitest";
import { PhaseTimer } from "../../src/rag/query/timings";
import { seedCorpus } from "./corpus";
import { post } from "./helpers";

const WS = "q_timing";

/** Phase names of a `Server-Timing` value, each checked to carry a numeric duration. */
function phases(header: string | null): string[] {
  return (header ?? "").split(", ").map((part) => {
    const [name, dur] = part.split(";dur=");
    expect(Number.isFinite(Number(dur))).toBe(true);
    return name ?? "";
  });
}

describe("Server-Timing", () => {
  it("names every phase a mix query ran, ending with the total", async () => {
    await seedCorpus(WS);
    const response = await post("/query", { query: "Who founded Acme Corporation?", mode: "mix" }, WS);
    expect(response.status).toBe(200);
    const names = phases(response.headers.get("server-timing"));
    expect(names.at(-1)).toBe("total");
    for (const phase of [
      "body",
      "keywords",
      "embed",
      "entities_vectors",
      "relations_vectors",
      "chunks_vectors",
      "lexical",
    ]) {
      expect(names).toContain(phase);
    }
    // One graph look-up serves both the local and the global half.
    expect(names.filter((name) => name === "graph")).toHaveLength(1);
    for (const phase of ["related", "chunks"]) expect(names).toContain(phase);
  }, 60_000);

  it("has no graph phases in naive mode, and is on /query/data too", async () => {
    await seedCorpus(WS);
    const response = await post("/query/data", { query: "Who founded Acme Corporation?", mode: "naive" }, WS);
    expect(response.status).toBe(200);
    const names = phases(response.headers.get("server-timing"));
    // The BM25 look-up runs beside the embedding call, so it may end before or after it.
    expect(names.filter((name) => name !== "lexical")).toEqual([
      "body",
      "embed",
      "chunks_vectors",
      "related",
      "chunks",
      "total",
    ]);
    expect(names.filter((name) => name === "lexical")).toHaveLength(1);
  }, 60_000);

  it("records a phase that throws, and formats durations to 0.1 ms", async () => {
    const timer = new PhaseTimer();
    await expect(
      timer.time("broken", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await timer.time("fine", async () => 42)).toBe(42);
    expect(timer.list().map((phase) => phase.name)).toEqual(["broken", "fine"]);
    expect(timer.header()).toMatch(/^broken;dur=\d+\.\d, fine;dur=\d+\.\d$/);
  });
});
