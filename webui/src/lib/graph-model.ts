/**
 * Pure graph logic of the explorer, independent of the renderer: merging an expanded
 * neighbourhood into the shown graph, colours per entity type, node sizes by degree, and the
 * source documents of an entity or relation (`<SEP>`-joined, as LightRAG stores them).
 */
import type { GraphEdge, GraphNode, KnowledgeGraph } from "../api/types";

/** LightRAG's separator inside source_id and file_path. */
export const SEP = "<SEP>";

/**
 * Nodes and edges of `incoming` added to `current` (existing ones keep their data); the result
 * says which node ids are new, so a layout can place only those.
 *
 * @example
 * mergeGraphs(a, b).added; // ["Bob"]
 */
export function mergeGraphs(
  current: KnowledgeGraph,
  incoming: KnowledgeGraph,
): KnowledgeGraph & { added: string[] } {
  const nodes = new Map<string, GraphNode>(current.nodes.map((n) => [n.id, n]));
  const added: string[] = [];
  for (const node of incoming.nodes) {
    if (!nodes.has(node.id)) {
      nodes.set(node.id, node);
      added.push(node.id);
    }
  }
  const edges = new Map<string, GraphEdge>(current.edges.map((e) => [edgeKey(e), e]));
  for (const edge of incoming.edges) if (!edges.has(edgeKey(edge))) edges.set(edgeKey(edge), edge);
  return {
    nodes: [...nodes.values()],
    edges: [...edges.values()].filter((e) => nodes.has(e.source) && nodes.has(e.target)),
    is_truncated: current.is_truncated || incoming.is_truncated,
    added,
  };
}

/** Undirected identity of an edge (relations are stored with source <= target). */
export function edgeKey(edge: { source: string; target: string }): string {
  return edge.source <= edge.target
    ? `${edge.source}\u0000${edge.target}`
    : `${edge.target}\u0000${edge.source}`;
}

const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#ff7f0e",
  "#7f7f7f",
];

/**
 * A stable colour per entity type (same type, same colour across loads).
 *
 * @example
 * typeColor("person") === typeColor("PERSON"); // true
 */
export function typeColor(type: string): string {
  let hash = 0;
  for (const char of type.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return PALETTE[hash % PALETTE.length] as string;
}

/** WCAG relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/**
 * Black or white, whichever contrasts more with the `#rrggbb` background (the entity type
 * badge wears its type's colour; white on the lighter ones fails WCAG AA).
 *
 * @example
 * textColorOn("#1f77b4"); // "#ffffff"
 * textColorOn("#bcbd22"); // "#000000"
 */
export function textColorOn(background: string): "#000000" | "#ffffff" {
  const l = luminance(background);
  // Contrast with white: 1.05 / (l + 0.05); with black: (l + 0.05) / 0.05.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#000000";
}

/** Node radius from degree: 4 px for a leaf, growing with the square root, capped at 20. */
export function nodeSize(degree: number): number {
  return Math.min(20, 4 + Math.sqrt(degree) * 2);
}

/** Degree of every node of the graph. */
export function degrees(graph: KnowledgeGraph): Map<string, number> {
  const out = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) {
    out.set(e.source, (out.get(e.source) ?? 0) + 1);
    out.set(e.target, (out.get(e.target) ?? 0) + 1);
  }
  return out;
}

/**
 * Distinct, non-empty parts of a `<SEP>`-joined property (source documents or chunk ids).
 *
 * @example
 * splitSources("a.pdf<SEP>b.md<SEP>a.pdf"); // ["a.pdf", "b.md"]
 */
export function splitSources(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return [
    ...new Set(
      value
        .split(SEP)
        .map((part) => part.trim())
        .filter((part) => part !== ""),
    ),
  ];
}

/** A string property of a node or edge ("" when absent). */
export function prop(properties: Record<string, unknown>, key: string): string {
  const value = properties[key];
  return value === undefined || value === null ? "" : String(value);
}

/** Above this many nodes (or twice as many relations) the explorer starts in fast rendering. */
export const FAST_RENDER_NODES = 1_000;

/** The renderer's node and edge program names (see the explorer's sigma settings). */
export const NODE_PROGRAM = { quality: "circle", fast: "dot" } as const;
export const EDGE_PROGRAM = { quality: "line", fast: "thin" } as const;

/**
 * Whether a graph of this size is drawn in fast rendering by default.
 *
 * @example
 * prefersFastRendering(5_000, 4_979); // true
 */
export function prefersFastRendering(nodes: number, edges: number): boolean {
  return nodes > FAST_RENDER_NODES || edges > 2 * FAST_RENDER_NODES;
}

/**
 * Sigma settings of a rendering mode. Fast: nodes as GL points and relations as 1-pixel GL
 * lines (far fewer fragments than anti-aliased circles and rectangles), and no relations or
 * labels while the camera moves. Measured with bench/webui-graph.ts (software WebGL, 5,000
 * nodes): pan/zoom from about 4 to about 14 frames/s. Quality: sigma's defaults.
 *
 * @example
 * for (const [key, value] of Object.entries(renderSettings(true))) renderer.setSetting(key, value);
 */
export function renderSettings(fast: boolean) {
  const mode = fast ? "fast" : "quality";
  return {
    hideEdgesOnMove: fast,
    hideLabelsOnMove: fast,
    defaultNodeType: NODE_PROGRAM[mode],
    defaultEdgeType: EDGE_PROGRAM[mode],
  };
}
