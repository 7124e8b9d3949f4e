/**
 * bench/memory.ts --split's services (bench/lib/split-isolates.ts): every Durable Object class of
 * wrangler.toml gets an isolate of its own and every binding reaches it there, so the per-class
 * heap figures cover every class and the Worker keeps the queue.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { splitWorkers } from "../../bench/lib/split-isolates";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

describe("splitWorkers", () => {
  const base = unstable_getMiniflareWorkerOptions(path.join(ROOT, "wrangler.toml")).workerOptions;
  const workers = splitWorkers(base, "/tmp/bundle", { LOG_LEVEL: "ERROR" });
  const classes = Object.values(base.durableObjects ?? {}).map((value) =>
    typeof value === "string" ? value : (value as { className: string }).className,
  );

  it("hosts each Durable Object class of wrangler.toml in a service of its own, beside the Worker", () => {
    expect(workers.map((w) => w.name)).toEqual(["worker", ...new Set(classes)]);
    expect(classes).toEqual(
      expect.arrayContaining(["VectorIndex", "GraphIndex", "WorkspaceCoordinator", "RateLimiter"]),
    );
  });

  it("binds every namespace in every service to the service that hosts its class", () => {
    for (const worker of workers)
      for (const [binding, value] of Object.entries(worker.durableObjects ?? {})) {
        const designator = value as { className: string; scriptName?: string };
        expect(designator.scriptName, `${worker.name} ${binding}`).toBe(designator.className);
      }
  });

  it("keeps the queue consumers and assets on the Worker only, the vars everywhere, no AI or Vectorize", () => {
    const [worker, ...hosts] = workers;
    expect(Object.keys(worker?.queueConsumers ?? {})).toContain("lightrag-edge-ingest-dev");
    for (const host of hosts) {
      expect(host.queueConsumers).toBeUndefined();
      expect(host.assets).toBeUndefined();
    }
    for (const each of workers) {
      expect(each.bindings?.LOG_LEVEL).toBe("ERROR");
      expect(each.ai).toBeUndefined();
      expect(each.vectorize).toBeUndefined();
      expect(each.unsafeInspectorProxy).toBe(true);
    }
  });
});
