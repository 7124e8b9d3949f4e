/**
 * HTTP helpers for the fault tests against a local Worker (test/node/crash-faults.test.ts,
 * bench/provider-faults.ts): workspace-scoped calls, polling until documents settle, and a
 * signature of a workspace's graph that two ingestions of the same documents share.
 */
import { createHash } from "node:crypto";

export interface DocRow {
  id: string;
  status: string;
  chunks_count: number | null;
  error_msg: string | null;
  file_path: string;
}

interface GraphNode {
  id: string;
  properties: { entity_type: string; source_id: string; file_path: string };
}
interface GraphEdge {
  source: string;
  target: string;
  properties: { source_id: string; file_path: string; keywords: string };
}

/** LightRAG's separator of `source_id` and `file_path` lists. */
const SEP = "<SEP>";

/** A workspace's graph, comparable across workspaces (see `Api.graph`). */
export interface GraphShape {
  nodes: unknown[][];
  edges: unknown[][];
}

/** A short content hash of a graph, for printing. */
export function graphDigest(graph: GraphShape): string {
  return createHash("sha256").update(JSON.stringify(graph)).digest("hex").slice(0, 16);
}

/** A small client of one local Worker. */
export class Api {
  constructor(readonly base: string) {}

  /**
   * One JSON call in `workspace`; throws with the body on a non-2xx answer.
   *
   * @example
   * await new Api(worker.base).call("ws", "/documents/texts", { method: "POST", body: { texts: ["…"] } });
   */
  async call<T>(workspace: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.base}${path}`, {
          method: init.method ?? "GET",
          headers: { "content-type": "application/json", "LIGHTRAG-WORKSPACE": workspace },
          ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        // The isolate answering HTTP also runs the CPU-bound consumer: a slow read is asked again.
        if ((init.method ?? "GET") === "GET" && attempt < 5) continue;
        throw error;
      }
      const text = await res.text();
      // wrangler's own answer when workerd restarts under a request (a reload, not the Worker):
      // every call here is idempotent, so it is sent again.
      if (res.status === 503 && text.includes("restarted mid-request") && attempt < 5) continue;
      if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    }
  }

  insert(workspace: string, texts: string[], sources: string[]): Promise<unknown> {
    return this.call(workspace, "/documents/texts", {
      method: "POST",
      body: { texts, file_sources: sources },
    });
  }

  /** Every document of `workspace`. */
  async docs(workspace: string): Promise<DocRow[]> {
    const out: DocRow[] = [];
    for (let page = 1; ; page++) {
      const body = await this.call<{ documents: DocRow[]; pagination: { has_next: boolean } }>(
        workspace,
        "/documents/paginated",
        { method: "POST", body: { page, page_size: 200 } },
      );
      out.push(...body.documents);
      if (!body.pagination.has_next) return out;
    }
  }

  /**
   * Polls until `workspace` holds `count` documents, all `processed` or `failed`; `tick` runs
   * between polls (for example a cron trigger). Throws with the statuses at the deadline.
   */
  async settle(workspace: string, count: number, timeoutMs: number, tick?: () => Promise<void>) {
    const deadline = Date.now() + timeoutMs;
    let docs: DocRow[] = [];
    while (Date.now() < deadline) {
      docs = await this.docs(workspace);
      if (docs.length >= count && docs.every((d) => d.status === "processed" || d.status === "failed"))
        return docs;
      await tick?.();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${workspace} did not settle: ${JSON.stringify(docs.map((d) => d.status))}`);
  }

  /**
   * The graph of `workspace` as a comparable value: sorted nodes and edges with their types,
   * keywords and source chunk sets (descriptions are left out: their order follows merge order).
   * Throws when a node or edge lists a source chunk or file twice (a duplicated merge).
   */
  async graph(workspace: string): Promise<GraphShape> {
    const graph = await this.call<{ nodes: GraphNode[]; edges: GraphEdge[]; is_truncated: boolean }>(
      workspace,
      "/graphs?label=*&max_depth=100&max_nodes=1000",
    );
    if (graph.is_truncated) throw new Error(`${workspace}: graph truncated`);
    const set = (what: string, list: string) => {
      const items = list ? list.split(SEP) : [];
      if (new Set(items).size !== items.length)
        throw new Error(`${workspace}: duplicate in ${what}: ${list}`);
      return [...items].sort();
    };
    const nodes = graph.nodes
      .map((n) => [
        n.id,
        n.properties.entity_type,
        set(n.id, n.properties.source_id),
        set(n.id, n.properties.file_path),
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    const edges = graph.edges
      .map((e) => [
        e.source,
        e.target,
        e.properties.keywords,
        set(`${e.source}->${e.target}`, e.properties.source_id),
      ])
      .sort((a, b) => `${a[0]}\u0000${a[1]}`.localeCompare(`${b[0]}\u0000${b[1]}`));
    return { nodes, edges };
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 250 ms until it returns a value other than `undefined`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}
