/**
 * A minimal Chrome DevTools Protocol client for the inspector `wrangler dev` opens
 * (`--inspector-port`, port + 100 in scripts/lib/dev-server.ts). It exposes one target, the
 * Worker's isolate, which in workerd also hosts the Worker's Durable Objects (one isolate per
 * script). Used by the CPU, memory and soak benches for the isolate's own CPU profile and heap.
 */
import WebSocket from "ws";

interface CdpReply {
  id?: number;
  result?: unknown;
  error?: { message: string };
  method?: string;
  params?: unknown;
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** An open CDP session on the Worker's isolate. */
export class Inspector {
  private next = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const reply = JSON.parse(String(data)) as CdpReply;
      if (reply.id === undefined) {
        if (reply.method)
          for (const listener of this.listeners.get(reply.method) ?? []) listener(reply.params);
        return;
      }
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error) waiter?.reject(new Error(reply.error.message));
      else waiter?.resolve(reply.result);
    });
    socket.on("close", () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error("inspector closed"));
      this.pending.clear();
    });
  }

  /**
   * Connects to the first target listed at `http://127.0.0.1:<port>/json`, or to the one whose
   * URL ends in `/<target>` (a service under Miniflare's inspector proxy, bench/lib/split-isolates.ts).
   *
   * @example
   * const inspector = await Inspector.connect(9951);
   * const { usedSize } = await inspector.send<{ usedSize: number }>("Runtime.getHeapUsage");
   */
  static async connect(port: number, target?: string): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    // Miniflare's inspector proxy lists one target per service, its URL ending in "/<service>".
    const url = (target ? targets.find((t) => t.webSocketDebuggerUrl.endsWith(`/${target}`)) : targets[0])
      ?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target ${target ?? ""} on port ${port}`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Calls `listener` with the params of every `method` event (e.g. heap snapshot chunks) until
   * the returned function is called.
   *
   * @example
   * const off = inspector.on("HeapProfiler.addHeapSnapshotChunk", (p) => chunks.push(p)); off();
   */
  on(method: string, listener: (params: unknown) => void): () => void {
    const set = this.listeners.get(method) ?? new Set();
    set.add(listener);
    this.listeners.set(method, set);
    return () => set.delete(listener);
  }

  /**
   * V8's heap of the isolate in bytes (used and total), as `Runtime.getHeapUsage` reports it, and
   * `backing`: the bytes of ArrayBuffer backing stores outside that heap (WebAssembly memories
   * among them; V8's `backingStorageSize`, 0 when the runtime's V8 does not report it).
   */
  async heap(): Promise<{ used: number; total: number; backing: number }> {
    const usage = await this.send<{ usedSize: number; totalSize: number; backingStorageSize?: number }>(
      "Runtime.getHeapUsage",
    );
    return { used: usage.usedSize, total: usage.totalSize, backing: usage.backingStorageSize ?? 0 };
  }

  close(): void {
    this.socket.close();
  }
}

/** Samples that are the isolate doing nothing; everything else is CPU the isolate used. */
const IDLE = new Set(["(idle)"]);

/**
 * Milliseconds of non-idle samples in `profile` (JS, "(program)" and "(garbage collector)"),
 * and self time per function, heaviest first.
 *
 * @example
 * const { busyMs, top } = summarizeProfile(profile); // busyMs / requests = CPU per request
 */
export function summarizeProfile(profile: CpuProfile): {
  busyMs: number;
  idleMs: number;
  byNode: Map<number, number>;
  top: { name: string; ms: number }[];
} {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byNode = new Map<number, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((nodeId, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(nodeId);
    if (!node || IDLE.has(node.callFrame.functionName)) {
      idle += delta;
      return;
    }
    busy += delta;
    byNode.set(nodeId, (byNode.get(nodeId) ?? 0) + delta);
  });
  const byName = new Map<string, number>();
  for (const [id, ms] of byNode) {
    const frame = (nodes.get(id) as CpuProfileNode).callFrame;
    const file = frame.url.split("/").slice(-2).join("/");
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    byName.set(name, (byName.get(name) ?? 0) + ms);
  }
  const top = [...byName].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { busyMs: busy, idleMs: idle, byNode, top };
}

/** Self time (ms) of samples whose stack contains a frame whose URL or name matches `pattern`. */
export function inclusiveMs(profile: CpuProfile, pattern: RegExp): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const matches = new Map<number, boolean>();
  const hit = (id: number): boolean => {
    const known = matches.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    const frame = node?.callFrame;
    const self = frame ? pattern.test(frame.url) || pattern.test(frame.functionName) : false;
    const up = parent.get(id);
    const result = self || (up !== undefined && hit(up));
    matches.set(id, result);
    return result;
  };
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    if (hit(nodeId)) total += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  return total;
}

/**
 * The heap after a full GC; when the isolate does not answer the GC request in 30 s (busy with a
 * queue batch), the lowest of ten 1-s samples instead (V8 collects by itself meanwhile).
 *
 * @example
 * const { used } = await retainedHeap(inspector);
 */
export async function retainedHeap(inspector: Inspector): Promise<{ used: number; backing?: number }> {
  try {
    await inspector.send("HeapProfiler.collectGarbage", {}, 30_000);
    return await inspector.heap();
  } catch {
    let low = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 10; i++) {
      low = Math.min(low, (await inspector.heap()).used);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return { used: low };
  }
}
