/**
 * What each Durable Object class holds in the shared isolate: a V8 heap snapshot taken through
 * the inspector (`HeapProfiler.takeHeapSnapshot`), its dominator tree (Cooper, Harvey and
 * Kennedy's iterative algorithm over the strong edges), and the retained size of every instance
 * of the named classes, summed per class. On the local runtime the Worker and all its Durable
 * Object classes share one isolate, so `Runtime.getHeapUsage` gives only their sum; retained
 * sizes split it (what would be freed if the objects of that class went away). The figure is
 * reachable memory at the snapshot's moment, never garbage between collections.
 */
import type { Inspector } from "./inspector";

interface RawSnapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * Takes a heap snapshot of the isolate (the isolate pauses for it: seconds on a 100 MiB heap).
 *
 * @example
 * const raw = await takeSnapshot(inspector); const sizes = retainedByClass(raw, ["VectorIndex"]);
 */
export async function takeSnapshot(inspector: Inspector): Promise<RawSnapshot> {
  const chunks: string[] = [];
  const off = inspector.on("HeapProfiler.addHeapSnapshotChunk", (params) => {
    chunks.push((params as { chunk: string }).chunk);
  });
  try {
    await inspector.send("HeapProfiler.enable");
    await inspector.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 300_000);
  } finally {
    off();
  }
  return JSON.parse(chunks.join("")) as RawSnapshot;
}

export interface ClassRetained {
  bytes: number;
  /** Instances found; 0 means the class has no object in this snapshot at all. */
  instances: number;
}

/**
 * Retained bytes per class name (instances of it summed, nested instances counted once), plus
 * the whole snapshot under "(total)".
 *
 * @example
 * retainedByClass(raw, ["GraphIndex"]); // Map { "GraphIndex" => { bytes: 12_345_678, instances: 1 }, … }
 */
export function retainedByClass(raw: RawSnapshot, classes: string[]): Map<string, ClassRetained> {
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nSize = meta.node_fields.indexOf("self_size");
  const nEdges = meta.node_fields.indexOf("edge_count");
  const eType = meta.edge_fields.indexOf("type");
  const eTo = meta.edge_fields.indexOf("to_node");
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf("weak");
  const shortcut = edgeTypes.indexOf("shortcut");
  const objectType = nodeTypes.indexOf("object");
  const count = raw.nodes.length / nf;

  // Strong successors of each node (edges are stored in node order).
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += (raw.nodes[i * nf + nEdges] as number) * ef;
    firstEdge[i + 1] = e;
  }
  const strong = (edgeOffset: number) => {
    const type = raw.edges[edgeOffset + eType];
    return type !== weak && type !== shortcut;
  };

  // Depth-first post-order from the root (node 0), iteratively.
  const order = new Int32Array(count).fill(-1);
  const post: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  for (let i = 0; i < count; i++) cursor[i] = firstEdge[i] as number;
  while (stack.length > 0) {
    const node = stack[stack.length - 1] as number;
    const end = firstEdge[node + 1] as number;
    let pushed = false;
    while ((cursor[node] as number) < end) {
      const e = cursor[node] as number;
      cursor[node] = e + ef;
      if (!strong(e)) continue;
      const to = (raw.edges[e + eTo] as number) / nf;
      if (seen[to]) continue;
      seen[to] = 1;
      stack.push(to);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      order[node] = post.length;
      post.push(node);
    }
  }

  // Predecessors (strong edges between reachable nodes).
  const predCount = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    if (!seen[i]) continue;
    for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += ef) {
      if (!strong(e)) continue;
      const to = (raw.edges[e + eTo] as number) / nf;
      predCount[to + 1] = (predCount[to + 1] as number) + 1;
    }
  }
  for (let i = 0; i < count; i++) predCount[i + 1] = (predCount[i + 1] as number) + (predCount[i] as number);
  const preds = new Uint32Array(predCount[count] as number);
  const fill = predCount.slice(0, count);
  for (let i = 0; i < count; i++) {
    if (!seen[i]) continue;
    for (let e = firstEdge[i] as number; e < (firstEdge[i + 1] as number); e += ef) {
      if (!strong(e)) continue;
      const to = (raw.edges[e + eTo] as number) / nf;
      preds[fill[to] as number] = i;
      fill[to] = (fill[to] as number) + 1;
    }
  }

  // Immediate dominators, by post-order index.
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    let x = a;
    let y = b;
    while (x !== y) {
      while ((order[x] as number) < (order[y] as number)) x = idom[x] as number;
      while ((order[y] as number) < (order[x] as number)) y = idom[y] as number;
    }
    return x;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const node = post[k] as number;
      let next = -1;
      for (let p = predCount[node] as number; p < (predCount[node + 1] as number); p++) {
        const pred = preds[p] as number;
        if (idom[pred] === -1) continue;
        next = next === -1 ? pred : intersect(pred, next);
      }
      if (next !== -1 && idom[node] !== next) {
        idom[node] = next;
        changed = true;
      }
    }
  }

  // Retained size: self sizes summed up the dominator tree (children before parents in post-order).
  const retained = new Float64Array(count);
  for (let i = 0; i < count; i++) retained[i] = raw.nodes[i * nf + nSize] as number;
  for (const node of post) {
    if (node === 0) continue;
    const parent = idom[node] as number;
    retained[parent] = (retained[parent] as number) + (retained[node] as number);
  }

  const wanted = new Set(classes);
  const byClass = new Map<string, ClassRetained>(classes.map((name) => [name, { bytes: 0, instances: 0 }]));
  const isInstance = (node: number) =>
    raw.nodes[node * nf + nType] === objectType &&
    wanted.has(raw.strings[raw.nodes[node * nf + nName] as number] as string);
  for (const node of post) {
    if (!isInstance(node)) continue;
    const entry = byClass.get(raw.strings[raw.nodes[node * nf + nName] as number] as string) as ClassRetained;
    entry.instances++;
    // Count an instance only if no dominator of it is itself an instance of a named class.
    let up = idom[node] as number;
    let nested = false;
    while (up !== 0) {
      if (isInstance(up)) {
        nested = true;
        break;
      }
      up = idom[up] as number;
    }
    if (!nested) entry.bytes += retained[node] as number;
  }
  byClass.set("(total)", { bytes: retained[0] as number, instances: 1 });
  return byClass;
}

export interface NameTotal {
  /** Node type and constructor (or string/code kind), as "object Map", "string", "code …". */
  name: string;
  bytes: number;
  count: number;
}

/**
 * Shallow bytes and counts per constructor name over the whole snapshot (DevTools' "Summary"
 * view): comparing two of them, early and late in a run, shows which kind of object grows.
 *
 * @example
 * const early = shallowByName(await takeSnapshot(inspector)); // [{ name: "object Map", bytes, count }, …]
 */
export function shallowByName(raw: RawSnapshot): NameTotal[] {
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields.length;
  const nType = meta.node_fields.indexOf("type");
  const nName = meta.node_fields.indexOf("name");
  const nSize = meta.node_fields.indexOf("self_size");
  const nodeTypes = meta.node_types[0];
  const named = new Set(["object", "closure", "native", "hidden", "object shape"]);
  const totals = new Map<string, NameTotal>();
  for (let i = 0; i < raw.nodes.length; i += nf) {
    const type = nodeTypes[raw.nodes[i + nType] as number] ?? "?";
    // Strings and code are grouped by kind: their "names" are their contents.
    const name = named.has(type) ? `${type} ${raw.strings[raw.nodes[i + nName] as number] ?? "?"}` : type;
    const entry = totals.get(name) ?? { name, bytes: 0, count: 0 };
    entry.bytes += raw.nodes[i + nSize] as number;
    entry.count++;
    totals.set(name, entry);
  }
  return [...totals.values()].sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
}
