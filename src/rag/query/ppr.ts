/**
 * Personalized PageRank over the entity–chunk–entity graph, as HippoRAG 2 ("From RAG to
 * Memory", Gutiérrez et al., 2025) ranks passages: the walk restarts at the query's seeds
 * (matched entities, weighted by similarity and specificity, and matched chunks, weighted
 * down), follows entity–entity relation edges and entity–chunk "appears in" edges, and the
 * chunks where the walk lingers are those that connect the question's entities.
 *
 * Pure and deterministic: no I/O, nodes in insertion order, ties broken by id. The work is
 * bounded by the caller's neighbourhood (node and edge caps here) and by `iterations`.
 */

/** Defaults, each with its source; none was chosen by looking at benchmark answers. */
export const PPR_DEFAULTS = {
  /** Probability of following an edge rather than restarting: HippoRAG 2's `damping=0.5`. */
  damping: 0.5,
  /**
   * Power iterations at most. With damping 0.5 the L1 error after k steps is at most 0.5^k,
   * so 30 steps are below 1e-9, far finer than any ranking needs.
   */
  iterations: 30,
  /** Stop earlier once an iteration moves the scores by less than this (L1). */
  tolerance: 1e-9,
  /** Seed weight factor of chunk (passage) nodes: HippoRAG 2's `passage_node_weight=0.05`. */
  passageWeight: 0.05,
  /** Bounds of one query's graph (nodes, undirected edges): enough for 2 hops around top_k seeds. */
  maxNodes: 20_000,
  maxEdges: 100_000,
} as const;

export interface PprOptions {
  damping: number;
  iterations: number;
  tolerance: number;
}

/** An undirected weighted graph on nodes `0..size-1`, built with `PprGraphBuilder`. */
export interface PprGraph {
  ids: string[];
  /** Adjacency per node: neighbour indices and the edge weights, same order. */
  neighbours: number[][];
  weights: number[][];
}

/**
 * Collects nodes (by id) and undirected edges up to the caps; what does not fit is dropped,
 * so the work of one query stays bounded whatever the graph's size.
 *
 * @example
 * const b = new PprGraphBuilder(100, 1000);
 * b.edge("e:Paris", "c:chunk-1");
 * const graph = b.build();
 */
export class PprGraphBuilder {
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly neighbours: number[][] = [];
  private readonly weights: number[][] = [];
  private readonly seen = new Set<string>();
  private edges = 0;

  constructor(
    private readonly maxNodes: number = PPR_DEFAULTS.maxNodes,
    private readonly maxEdges: number = PPR_DEFAULTS.maxEdges,
  ) {}

  /** The node's index, added if new; -1 once the node cap is reached. */
  node(id: string): number {
    const known = this.index.get(id);
    if (known !== undefined) return known;
    if (this.ids.length >= this.maxNodes) return -1;
    const at = this.ids.length;
    this.index.set(id, at);
    this.ids.push(id);
    this.neighbours.push([]);
    this.weights.push([]);
    return at;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Adds the undirected edge once (a repeat is ignored); false when a cap stopped it. */
  edge(a: string, b: string, weight = 1): boolean {
    if (a === b || !(weight > 0)) return false;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (this.seen.has(key)) return true;
    if (this.edges >= this.maxEdges) return false;
    const i = this.node(a);
    const j = this.node(b);
    if (i < 0 || j < 0) return false;
    this.seen.add(key);
    this.edges++;
    this.neighbours[i]?.push(j);
    this.weights[i]?.push(weight);
    this.neighbours[j]?.push(i);
    this.weights[j]?.push(weight);
    return true;
  }

  get edgeCount(): number {
    return this.edges;
  }

  build(): PprGraph {
    return { ids: [...this.ids], neighbours: this.neighbours, weights: this.weights };
  }
}

/**
 * Scores of every node: the stationary distribution of a walk that follows an edge (chosen by
 * weight) with probability `damping` and restarts at a seed (chosen by seed weight) otherwise.
 * A node without edges hands its mass back to the seeds, so the scores always sum to 1.
 * Seeds not in the graph and non-positive weights are ignored; no seed at all gives all zeros.
 *
 * @example
 * const scores = personalizedPageRank(graph, new Map([[0, 1]]));
 */
export function personalizedPageRank(
  graph: PprGraph,
  seeds: Map<number, number>,
  options: PprOptions = PPR_DEFAULTS,
): Float64Array {
  const size = graph.ids.length;
  const reset = new Float64Array(size);
  let total = 0;
  for (const [node, weight] of seeds) {
    if (node >= 0 && node < size && weight > 0 && Number.isFinite(weight)) {
      reset[node] = (reset[node] ?? 0) + weight;
      total += weight;
    }
  }
  if (total === 0) return new Float64Array(size);
  for (let i = 0; i < size; i++) reset[i] = (reset[i] ?? 0) / total;
  const strength = graph.weights.map((list) => list.reduce((sum, w) => sum + w, 0));
  let scores = Float64Array.from(reset);
  let next = new Float64Array(size);
  const damping = options.damping;
  for (let step = 0; step < options.iterations; step++) {
    next.fill(0);
    let dangling = 0;
    for (let i = 0; i < size; i++) {
      const mass = scores[i] ?? 0;
      if (mass === 0) continue;
      const out = strength[i] ?? 0;
      if (out === 0) {
        dangling += mass;
        continue;
      }
      const list = graph.neighbours[i] as number[];
      const weights = graph.weights[i] as number[];
      for (let k = 0; k < list.length; k++) {
        const j = list[k] as number;
        next[j] = (next[j] ?? 0) + (damping * mass * (weights[k] as number)) / out;
      }
    }
    const restart = 1 - damping + damping * dangling;
    let change = 0;
    for (let i = 0; i < size; i++) {
      const value = (next[i] ?? 0) + restart * (reset[i] ?? 0);
      next[i] = value;
      change += Math.abs(value - (scores[i] ?? 0));
    }
    [scores, next] = [next, scores];
    if (change < options.tolerance) break;
  }
  return scores;
}

/**
 * The ids of nodes accepted by `keep`, best score first (ties by id), at most `limit`, scores
 * of zero left out (unreachable from every seed).
 *
 * @example
 * topNodes(graph, scores, (id) => id.startsWith("c:"), 20);
 */
export function topNodes(
  graph: PprGraph,
  scores: Float64Array,
  keep: (id: string) => boolean,
  limit: number,
): { id: string; score: number }[] {
  const out: { id: string; score: number }[] = [];
  graph.ids.forEach((id, i) => {
    const score = scores[i] ?? 0;
    if (score > 0 && keep(id)) out.push({ id, score });
  });
  out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.slice(0, limit);
}
